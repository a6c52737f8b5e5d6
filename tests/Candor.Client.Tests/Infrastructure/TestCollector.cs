using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Candor.Client.Tests.Infrastructure;

/// <summary>A small collector on a real Kestrel server (127.0.0.1, port 0) that speaks the v1 protocol: it checks
/// the key, reads gzip batches, dedupes by event id, serves the policy with an ETag, and can be told to answer the
/// next uploads with an error status.</summary>
internal sealed class TestCollector : IAsyncDisposable
{
    public const string Key = "test-ingestion-key";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonElement> _byId = new();
    private readonly ConcurrentQueue<JsonElement> _events = new();
    private string _policy = """{"collection":"on","levels":["required"],"categories":["device_connectivity_and_configuration","product_and_service_performance","product_and_service_usage","software_setup_and_inventory"],"retentionDays":90,"uploadIntervalSeconds":60}""";

    private TestCollector(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Statuses (and Retry-After seconds) to answer the next uploads with, before normal service.</summary>
    public ConcurrentQueue<(int Status, int? RetryAfterSeconds)> NextUploadResponses { get; } = new();

    /// <summary>Returns a rejection code for an event, or null to store it.</summary>
    public Func<JsonElement, string?>? Reject { get; set; }

    public int UploadRequests;
    public int MaxConcurrentUploads;
    private int _concurrentUploads;
    public int PolicyRequests;
    public int PolicyNotModified;
    public int Duplicates;
    public readonly ConcurrentQueue<string> ContentEncodings = new();
    public readonly ConcurrentQueue<int> BatchSizes = new();

    public IReadOnlyList<JsonElement> Events => [.. _events];

    public string Policy
    {
        get => Volatile.Read(ref _policy);
        set => Volatile.Write(ref _policy, value);
    }

    public static string PolicyJson(bool on = true, string[]? levels = null, string[]? categories = null, int interval = 60) =>
        JsonSerializer.Serialize(new
        {
            collection = on ? "on" : "off",
            levels = levels ?? ["required"],
            categories = categories ?? ["device_connectivity_and_configuration", "product_and_service_performance", "product_and_service_usage", "software_setup_and_inventory"],
            retentionDays = 90,
            uploadIntervalSeconds = interval,
        });

    public static async Task<TestCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new TestCollector(app);
        app.MapPost("/v1/events", (Func<HttpContext, Task<IResult>>)collector.IngestAsync);
        app.MapGet("/v1/policy", (Func<HttpContext, Task<IResult>>)collector.ServePolicyAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        collector.Url = new Uri(address + "/");
        return collector;
    }

    public IReadOnlyList<JsonElement> EventsNamed(string name) =>
        Events.Where(e => e.GetProperty("name").GetString() == name).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>How long the policy endpoint takes to answer.</summary>
    public TimeSpan PolicyDelay { get; set; }

    private async Task<IResult> ServePolicyAsync(HttpContext context)
    {
        Interlocked.Increment(ref PolicyRequests);
        if (PolicyDelay > TimeSpan.Zero)
        {
            await Task.Delay(PolicyDelay);
        }

        if (!Authorized(context))
        {
            return Results.Problem(statusCode: 401, extensions: new Dictionary<string, object?> { ["code"] = "unauthorized" });
        }

        var body = Policy;
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..16] + "\"";
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            Interlocked.Increment(ref PolicyNotModified);
            return Results.StatusCode(304);
        }

        context.Response.Headers.ETag = etag;
        return Results.Text(body, "application/json");
    }

    private async Task<IResult> IngestAsync(HttpContext context)
    {
        var concurrent = Interlocked.Increment(ref _concurrentUploads);
        try
        {
            InterlockedMax(ref MaxConcurrentUploads, concurrent);
            // Long enough for a second upload to overlap if the client allowed one.
            await Task.Delay(20);
            return await IngestCoreAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _concurrentUploads);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private async Task<IResult> IngestCoreAsync(HttpContext context)
    {
        Interlocked.Increment(ref UploadRequests);
        if (!Authorized(context))
        {
            return Results.Problem(statusCode: 401, extensions: new Dictionary<string, object?> { ["code"] = "unauthorized" });
        }

        if (NextUploadResponses.TryDequeue(out var forced))
        {
            if (forced.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Results.Problem(statusCode: forced.Status, extensions: new Dictionary<string, object?> { ["code"] = "forced" });
        }

        var policy = JsonDocument.Parse(Policy).RootElement;
        if (policy.GetProperty("collection").GetString() == "off")
        {
            return Results.Problem(statusCode: 403, extensions: new Dictionary<string, object?> { ["code"] = "collection_off" });
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString();
        ContentEncodings.Enqueue(encoding);
        Stream body = context.Request.Body;
        if (encoding == "gzip")
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        using var batch = JsonDocument.Parse(buffer.ToArray());
        var events = batch.RootElement.GetProperty("events");
        BatchSizes.Enqueue(events.GetArrayLength());
        var accepted = 0;
        var duplicates = 0;
        var rejected = new List<object>();
        var index = 0;
        foreach (var e in events.EnumerateArray())
        {
            var clone = e.Clone();
            var id = clone.GetProperty("id").GetString()!;
            if (Reject?.Invoke(clone) is { } code)
            {
                rejected.Add(new { index, id, code, message = "rejected by the test" });
            }
            else if (_byId.TryAdd(id, clone))
            {
                _events.Enqueue(clone);
                accepted++;
            }
            else
            {
                duplicates++;
                Interlocked.Increment(ref Duplicates);
            }

            index++;
        }

        return Results.Json(new { accepted, duplicates, rejected });
    }

    private static bool Authorized(HttpContext context) =>
        context.Request.Headers.Authorization.ToString() == "Bearer " + Key;
}

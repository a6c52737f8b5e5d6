using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Candor.Fleet.Tests.Load;

/// <summary>A real Kestrel server on 127.0.0.1 that speaks the ingestion side of the protocol just enough to
/// measure a client: bearer key, optional gzip, dedupe by event id, the protocol's 200 answer. It can answer the
/// first requests with 503 and Retry-After to exercise retries.</summary>
internal sealed class CountingCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<Guid, byte> _stored = new();
    private int _overloadedLeft;
    private long _requests;

    private CountingCollector(WebApplication app, string key, int overloadedRequests)
    {
        _app = app;
        Key = key;
        _overloadedLeft = overloadedRequests;
    }

    public string Key { get; }

    public Uri Url { get; private set; } = null!;

    public long Stored => _stored.Count;

    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<CountingCollector> StartAsync(string key = "test-key", int overloadedRequests = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var collector = new CountingCollector(app, key, overloadedRequests);
        app.MapPost("/v1/events", (Delegate)collector.IngestAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        collector.Url = new Uri(address);
        return collector;
    }

    private async Task<IResult> IngestAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Headers.Authorization != $"Bearer {Key}")
        {
            return Results.Problem(statusCode: 401, extensions: new Dictionary<string, object?> { ["code"] = "unauthorized" });
        }

        if (Interlocked.Decrement(ref _overloadedLeft) >= 0)
        {
            context.Response.Headers.RetryAfter = "1";
            return Results.Problem(statusCode: 503, extensions: new Dictionary<string, object?> { ["code"] = "overloaded" });
        }

        Stream body = context.Request.Body;
        if (context.Request.Headers.ContentEncoding == "gzip")
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var doc = await JsonDocument.ParseAsync(body, cancellationToken: context.RequestAborted);
        long accepted = 0, duplicates = 0;
        foreach (var ev in doc.RootElement.GetProperty("events").EnumerateArray())
        {
            if (_stored.TryAdd(ev.GetProperty("id").GetGuid(), 0))
            {
                accepted++;
            }
            else
            {
                duplicates++;
            }
        }

        return Results.Json(new { accepted, duplicates, rejected = Array.Empty<object>() });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

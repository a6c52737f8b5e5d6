using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>A collector as a client sees it when the network fails at the worst moment: Kestrel at 127.0.0.1 (port
/// 0) in front of the real collector. Every request is forwarded and the collector's answer awaited, so its events
/// are committed; for the first <c>dropFirst</c> requests the connection is then aborted instead of answering.</summary>
internal sealed class DroppingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new();
    private int _forwarded;
    private int _dropped;

    private DroppingProxy(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public int Forwarded => Volatile.Read(ref _forwarded);

    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>The collector's status for each forwarded request, in order.</summary>
    public List<int> CollectorStatuses => [.. _statuses];

    private readonly ConcurrentQueue<int> _statuses = new();

    public static async Task<DroppingProxy> StartAsync(Uri target, int dropFirst)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new DroppingProxy(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body.ToArray()) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(context.Request.ContentType!);
            foreach (var encoding in context.Request.Headers.ContentEncoding)
            {
                request.Content.Headers.ContentEncoding.Add(encoding!);
            }

            request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
            using var response = await proxy._forward.SendAsync(request);
            var answer = await response.Content.ReadAsByteArrayAsync();
            proxy._statuses.Enqueue((int)response.StatusCode);
            if (Interlocked.Increment(ref proxy._forwarded) <= dropFirst)
            {
                Interlocked.Increment(ref proxy._dropped);
                context.Abort();
                return;
            }

            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await context.Response.Body.WriteAsync(answer);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Address = new Uri(new Uri(address), "/v1/logs");
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        _forward.Dispose();
        await _app.DisposeAsync();
    }
}

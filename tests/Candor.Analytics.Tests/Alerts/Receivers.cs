using System.Net;
using System.Runtime.CompilerServices;
using Candor.Analytics.Alerts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Candor.Analytics.Tests.Alerts;

/// <summary>Webhook receivers for the tests: Kestrel on 127.0.0.1 only, and a resolver that knows a few made-up
/// names (all loopback) and refuses every other, so no test asks the system's DNS or sends a packet off loopback.</summary>
internal static class Receivers
{
    /// <summary>A receiver that answers every POST to <c>/hook</c> with <paramref name="handle"/>; its base URL.</summary>
    public static async Task<(WebApplication App, Uri Url)> StartAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", handle);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address + "/hook"));
    }

    /// <summary>A receiver that answers 200 and counts the requests it gets.</summary>
    public static async Task<(WebApplication App, Uri Url, StrongBox<int> Calls)> StartCountingAsync()
    {
        var calls = new StrongBox<int>();
        var (app, url) = await StartAsync(_ =>
        {
            Interlocked.Increment(ref calls.Value);
            return Task.CompletedTask;
        });
        return (app, url, calls);
    }

    /// <summary>Resolves each of <paramref name="names"/> to 127.0.0.1; any other name fails as an unknown host would.</summary>
    public static WebhookResolver Resolver(params string[] names) => (host, _) =>
        names.Contains(host, StringComparer.OrdinalIgnoreCase)
            ? Task.FromResult(new[] { IPAddress.Loopback })
            : throw new HttpRequestException($"The test resolver does not know '{host}'.");

    /// <summary>A delivery client that may reach what <paramref name="allowlist"/> names, resolving <paramref name="names"/>.</summary>
    public static WebhookClient Client(string[] allowlist, params string[] names) =>
        new(new WebhookAddressFilter(allowlist), Resolver(names), TimeSpan.FromSeconds(10));

    /// <summary>The URL with its host replaced by <paramref name="host"/> (port and path kept).</summary>
    public static Uri WithHost(Uri url, string host) => new UriBuilder(url) { Host = host }.Uri;
}

using System.Net;
using Candor.Server.Tests.Http;
using Xunit;

namespace Candor.Server.Tests.Hosting;

/// <summary>Issue 15 §2: <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed from the configured proxies
/// only. What the collector takes as the client's address is observed where it matters, the authentication throttle,
/// whose per-address count is set to 3 here: the test client (127.0.0.1) plays the proxy or a client talking directly.</summary>
public sealed class ForwardedHeadersTests
{
    private const int Limit = 3;

    private static Task<TestServer> StartAsync(params string[] proxies) => TestServer.StartAsync(o =>
    {
        o.ThrottleFailuresPerAddress = Limit;
        foreach (var proxy in proxies)
        {
            o.KnownProxies.Add(proxy);
        }
    });

    /// <summary>A failed authentication (a random admin token) claiming to come from <paramref name="forwardedFor"/>.</summary>
    private static async Task<HttpStatusCode> GuessAsync(TestServer server, string? forwardedFor)
    {
        using var response = await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", "cat_" + Guid.NewGuid().ToString("N"), configure: r =>
        {
            if (forwardedFor is not null)
            {
                r.Headers.Add("X-Forwarded-For", forwardedFor);
            }
        });
        return response.StatusCode;
    }

    [Fact]
    public async Task Forwarded_headers_from_a_peer_that_is_not_a_configured_proxy_are_ignored()
    {
        await using var server = await StartAsync("10.9.8.7", "192.168.100.0/24");
        for (var i = 0; i < Limit; i++)
        {
            // A guesser that names a new address each time is still counted as the one it connects from.
            Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(server, $"203.0.113.{i + 1}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(server, "203.0.113.200"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(server, null));

        // Nor does it make a plain http request count as https.
        using var response = await server.SendAsync(HttpMethod.Get, "/healthz", null, configure: r =>
        {
            r.Headers.Host = "collector.test";
            r.Headers.Add("X-Forwarded-Proto", "https");
        });
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Without_configured_proxies_forwarded_headers_are_never_read_not_even_from_loopback()
    {
        await using var server = await StartAsync();
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(server, $"198.51.100.{i + 1}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(server, "198.51.100.77"));
    }

    [Fact]
    public async Task Forwarded_headers_from_a_configured_proxy_give_the_client_address_and_scheme()
    {
        await using var server = await StartAsync("127.0.0.1");
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(server, "203.0.113.7"));
        }

        // The client behind the proxy is throttled, by its own address ...
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(server, "203.0.113.7"));

        // ... and another client behind the same proxy is not (nor is the proxy itself).
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(server, "203.0.113.8"));

        // An address the throttled client writes itself in front of the proxy's entry is not believed: the entry the
        // proxy appended (the connection it saw) is the client's address.
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(server, "198.51.100.1, 203.0.113.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(server, "203.0.113.7, 198.51.100.2"));

        // The proxy says the client used https: the answer carries HSTS.
        using var response = await server.SendAsync(HttpMethod.Get, "/healthz", null, configure: r =>
        {
            r.Headers.Host = "collector.test";
            r.Headers.Add("X-Forwarded-Proto", "https");
        });
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }
}

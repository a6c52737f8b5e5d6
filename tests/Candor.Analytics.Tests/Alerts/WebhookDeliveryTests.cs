using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Candor.Analytics.Alerts;
using Candor.Analytics.Regressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Candor.Analytics.Tests.Alerts;

/// <summary>Delivery against real receivers on 127.0.0.1: the address filter applied after resolution and on
/// redirects, the tenant-facing errors, the signature as a receiver checks it, and tenants delivered in parallel.
/// Names resolve through <see cref="Receivers.Resolver"/>; nothing leaves loopback.</summary>
public sealed class WebhookDeliveryTests
{
    private static readonly byte[] Body = """{"alertId":"x"}"""u8.ToArray();

    private static RegressionFinding Finding(string product) =>
        new("crash_rate", product, "3.10.0", "3.9.0", "crashed sessions", 0.004, 0.06, 1000, 1000, 1e-9, 1e-8, true);

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_and_nothing_is_sent()
    {
        var (app, url, calls) = await Receivers.StartCountingAsync();
        await using var _ = app;
        using var webhooks = Receivers.Client([], "hooks.innocent.example");

        var byName = await webhooks.PostAsync(Receivers.WithHost(url, "hooks.innocent.example"), Body, "t=0,v1=0", default);
        var byAddress = await webhooks.PostAsync(url, Body, "t=0,v1=0", default);
        var byMappedAddress = await webhooks.PostAsync(Receivers.WithHost(url, "[::ffff:127.0.0.1]"), Body, "t=0,v1=0", default);

        foreach (var error in new[] { byName, byAddress, byMappedAddress })
        {
            Assert.Equal("refused: the address is not public and not on the operator's webhook allowlist.", error);
        }

        Assert.Equal(0, calls.Value);
        Assert.NotNull(webhooks.RefusalOf(url)); // a literal internal address is refused when the webhook is set
        Assert.Null(webhooks.RefusalOf(Receivers.WithHost(url, "hooks.innocent.example"))); // a name is judged when resolved
    }

    [Fact]
    public async Task A_host_the_allowlist_names_is_delivered_to_but_its_redirect_to_an_address_it_does_not_name_is_not_followed()
    {
        var (target, targetUrl, elsewhere) = await Receivers.StartCountingAsync();
        await using var _ = target;
        var (app, url) = await Receivers.StartAsync(c =>
        {
            c.Response.StatusCode = 307;
            c.Response.Headers.Location = targetUrl.AbsoluteUri;
            return Task.CompletedTask;
        });
        await using var __ = app;
        using var webhooks = Receivers.Client(["chat.corp.example"], "chat.corp.example");

        var error = await webhooks.PostAsync(Receivers.WithHost(url, "chat.corp.example"), Body, "t=0,v1=0", default);

        Assert.Equal("failed: HTTP 307 (redirects are not followed).", error);
        Assert.Equal(0, elsewhere.Value);
    }

    [Fact]
    public async Task A_closed_port_is_reported_as_failed_without_the_socket_error()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var webhooks = Receivers.Client(["127.0.0.1"]);
        var error = await webhooks.PostAsync(new Uri($"http://127.0.0.1:{port}/hook"), Body, "t=0,v1=0", default);

        Assert.Equal("failed: no answer (could not connect, or the connection broke).", error);
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_receiver_verifies_the_signature_of_a_delivery_and_rejects_a_replay_outside_the_window(string backend)
    {
        var received = new ConcurrentQueue<(string Signature, byte[] Body)>();
        var (app, url) = await Receivers.StartAsync(async c =>
        {
            using var buffer = new MemoryStream();
            await c.Request.Body.CopyToAsync(buffer);
            received.Enqueue((c.Request.Headers["Candor-Signature"].ToString(), buffer.ToArray()));
            c.Response.StatusCode = 204;
        });
        await using var _ = app;
        await using var store = await TestStore.OpenAsync(backend);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var alerts = new AlertStore(store.Analytics, clock);
        var tenant = Guid.NewGuid();
        const string secret = "whsec_receiver-test-secret";
        await alerts.SetWebhookAsync(tenant, url, secret);
        await alerts.RaiseAsync(tenant, [Finding("p.sig")]);
        using var webhooks = Receivers.Client(["127.0.0.1"]);

        Assert.Equal(1, await alerts.DeliverDueAsync(webhooks));

        var (signature, body) = Assert.Single(received);
        Assert.True(Verify(secret, signature, body, clock.GetUtcNow()));
        Assert.False(Verify(secret, signature, [.. body, (byte)' '], clock.GetUtcNow())); // a changed body
        Assert.False(Verify("whsec_another-secret", signature, body, clock.GetUtcNow()));
        Assert.False(Verify(secret, signature, body, clock.GetUtcNow().AddMinutes(6))); // replayed after the window
    }

    /// <summary>What docs/security.md tells a receiver to do, written independently of the signing code.</summary>
    private static bool Verify(string secret, string header, byte[] body, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var timestamp = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return false;
        }

        var signed = Encoding.UTF8.GetBytes(parts["t"] + ".").Concat(body).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"]));
    }

    [Fact]
    public async Task One_tenants_hanging_endpoint_does_not_delay_another_tenants_alerts()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fastReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (slow, slowUrl) = await Receivers.StartAsync(async c =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            c.Response.StatusCode = 204;
        });
        await using var _ = slow;
        var (fast, fastUrl) = await Receivers.StartAsync(c =>
        {
            fastReceived.TrySetResult();
            c.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        await using var __ = fast;
        await using var store = await TestStore.OpenAsync("duckdb");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var alerts = new AlertStore(store.Analytics, clock);
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        await alerts.SetWebhookAsync(a, slowUrl, "whsec_a");
        await alerts.SetWebhookAsync(b, fastUrl, "whsec_b");
        await alerts.RaiseAsync(a, [Finding("p.a")]); // A's alert is older, so a sequential round would post it first
        clock.Advance(TimeSpan.FromSeconds(1));
        await alerts.RaiseAsync(b, [Finding("p.b")]);
        using var webhooks = Receivers.Client(["127.0.0.1"]);

        var round = alerts.DeliverDueAsync(webhooks);
        var first = await Task.WhenAny(fastReceived.Task, Task.Delay(TimeSpan.FromSeconds(5)));
        release.TrySetResult();

        Assert.Same(fastReceived.Task, first);
        Assert.Equal(2, await round);
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Candor.Analytics.Alerts;
using Candor.Analytics.Regressions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Candor.Analytics.Tests.Alerts;

/// <summary>Alerts against a real webhook receiver (Kestrel on 127.0.0.1) that fails its first two requests.</summary>
public sealed class AlertDeliveryTests
{
    private static RegressionFinding Finding(bool significant) =>
        new("crash_rate", "p.reg", "3.10.0", "3.9.0", "crashed sessions", 0.004, 0.06, 1000, 1000, 1e-9, 1e-8, significant);

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task An_alert_is_retried_with_backoff_until_the_webhook_accepts_it_and_is_raised_once(string backend)
    {
        var received = new ConcurrentQueue<JsonDocument>();
        var calls = 0;
        var (receiver, url) = await Receivers.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) <= 2)
            {
                context.Response.StatusCode = 503;
                return;
            }

            received.Enqueue(await JsonDocument.ParseAsync(context.Request.Body));
            context.Response.StatusCode = 204;
        });
        await using var _ = receiver;

        await using var store = await TestStore.OpenAsync(backend);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var alerts = new AlertStore(store.Analytics, clock) { FirstBackoff = TimeSpan.FromSeconds(5) };
        var tenant = Guid.NewGuid();
        await alerts.SetWebhookAsync(tenant, url, "whsec_delivery-test");
        Assert.Single(await alerts.RaiseAsync(tenant, [Finding(true), Finding(false) with { Kind = "duration_p95" }]));
        Assert.Empty(await alerts.RaiseAsync(tenant, [Finding(true)])); // the same finding again: no second alert

        // The receiver is on loopback, which deliveries refuse unless the operator's allowlist names it.
        using var http = Receivers.Client(["127.0.0.1"]);
        Assert.Equal(0, await alerts.DeliverDueAsync(http)); // 503: attempt 1, next in 5 s
        Assert.Equal(0, await alerts.DeliverDueAsync(http)); // not due yet: no request
        Assert.Equal(1, calls);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await alerts.DeliverDueAsync(http)); // 503 again: attempt 2, next in 10 s
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await alerts.DeliverDueAsync(http)); // backoff doubled: still not due
        Assert.Equal(2, calls);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await alerts.DeliverDueAsync(http));
        Assert.Equal(0, await alerts.DeliverDueAsync(http)); // delivered alerts are not sent again

        var body = Assert.Single(received).RootElement;
        Assert.Equal("crash_rate", body.GetProperty("kind").GetString());
        Assert.Equal("p.reg", body.GetProperty("product").GetString());
        var alert = Assert.Single(await alerts.ListAsync(tenant, 10));
        Assert.Equal((3, (string?)null), (alert.Attempts, alert.LastError));
        Assert.NotNull(alert.DeliveredAt);
        Assert.Contains("6.00%", alert.Subject, StringComparison.Ordinal);
    }
}

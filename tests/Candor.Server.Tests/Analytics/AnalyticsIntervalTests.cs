using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Candor.Server.Tests.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Candor.Server.Tests.Analytics;

/// <summary>The background analytics rounds wait <see cref="CandorServerOptions.AnalyticsIntervalSeconds"/> between
/// them, on the collector's clock: events stored after a round are projected by the next one, once the interval has
/// passed, with no refresh asked for.</summary>
public sealed class AnalyticsIntervalTests
{
    [Fact]
    public async Task The_next_round_waits_the_configured_interval_and_then_projects_what_was_stored_since()
    {
        RecordingClock? clock = null;
        await using var server = await TestServer.StartAsync(o =>
        {
            o.AnalyticsIntervalSeconds = 600;
            o.TimeProvider = clock = new RecordingClock((FakeTimeProvider)o.TimeProvider);
        });
        var interval = TimeSpan.FromSeconds(600);

        // The start's round ends by waiting the interval: a timer of exactly that length on the collector's clock.
        await MalformedTransportTests.WaitUntilAsync(() => clock!.Delays.Contains(interval),
            () => $"No wait of {interval} was started; the clock saw: {string.Join(", ", clock!.Delays.Distinct())}.");

        var tenant = await server.CreateTenantAsync();
        var analyst = (await TestServer.JsonAsync(await server.SendAsync(HttpMethod.Post, $"/v1/operator/tenants/{tenant.TenantId}/credentials",
            TestServer.OperatorToken, """{"kind":"admin","role":"analyst"}""")))["secret"]!.GetValue<string>();
        var device = Guid.NewGuid();
        await server.Store.AppendAsync(
        [
            AnalyticsEndpointsTests.Event(tenant.TenantId, device, Guid.NewGuid(), "app.session.started", "2.0.0", "{}", 1),
            AnalyticsEndpointsTests.Event(tenant.TenantId, device, Guid.NewGuid(), "app.session.started", "2.1.0", "{}", 2),
        ]);

        async Task<int> ReleasesAsync()
        {
            var response = await server.SendAsync(HttpMethod.Get, "/v1/analytics/releases?product=p.api", analyst);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Count;
        }

        // Short of the interval, nothing is projected yet.
        server.Time.Advance(interval - TimeSpan.FromSeconds(1));
        await Task.Delay(500);
        Assert.Equal(0, await ReleasesAsync());

        // At the interval the next round runs and projects both sessions' versions.
        server.Time.Advance(TimeSpan.FromSeconds(1));
        await MalformedTransportTests.WaitUntilAsync(async () => await ReleasesAsync() == 2, () => "The round after the interval projected nothing.");
    }

    [Fact]
    public void An_interval_outside_one_second_to_one_day_is_refused()
    {
        Assert.Contains("AnalyticsIntervalSeconds: must be between 1 and 86400, not 0.",
            new CandorServerOptions { AnalyticsIntervalSeconds = 0 }.Validate());
        Assert.Contains("AnalyticsIntervalSeconds: must be between 1 and 86400, not 86401.",
            new CandorServerOptions { AnalyticsIntervalSeconds = 86_401 }.Validate());
        Assert.DoesNotContain(new CandorServerOptions { AnalyticsIntervalSeconds = 86_400 }.Validate(),
            e => e.StartsWith("AnalyticsIntervalSeconds", StringComparison.Ordinal));
    }

    /// <summary>The test server's fake clock, recording the length of every timer created on it (Task.Delay on a
    /// TimeProvider creates one).</summary>
    private sealed class RecordingClock(FakeTimeProvider inner) : TimeProvider
    {
        public ConcurrentBag<TimeSpan> Delays { get; } = [];

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Delays.Add(dueTime);
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}

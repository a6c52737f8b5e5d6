using Candor.Analytics.Alerts;
using Candor.Analytics.Failures;
using Candor.Analytics.Health;
using Candor.Analytics.Projection;
using Candor.Analytics.Regressions;
using Candor.Analytics.Tests.Health;
using Candor.Analytics.Tests.Regressions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Candor.Analytics.Tests.Failures;

/// <summary>Triage on both stores: a resolved group that comes back in a newer version (or in the version it was
/// resolved in, or later) is flagged regressed once and raises one alert; an ignored group raises no spike.</summary>
public sealed class FailureTriageTests
{
    private static readonly DateOnly Day2 = new(2026, 11, 21);
    private static readonly Guid B = new("00000000-0000-0000-0000-00000000000b");

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_resolved_group_seen_again_in_a_newer_version_is_regressed_once_and_alerts(string backend)
    {
        var (store, queries, window) = await HandComputedFiguresTests.LoadAsync(backend);
        await using var _ = store;
        var tenant = window.Tenant;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 13, 0, 0, TimeSpan.Zero));
        var triage = new FailureTriage(store.Analytics, time);
        var projector = new AnalyticsProjector(store.Analytics);
        var nre = CrashFingerprint.Compute("System.NullReferenceException", "App.Sync!SyncEngine.Run").Fingerprint;

        var resolved = await triage.SetAsync(tenant, "crash", nre, TriageState.Resolved, null, "analyst");
        Assert.Equal(("resolved", "1.10.0", null), (resolved!.State, resolved.LastVersion, resolved.ResolvedIn));
        Assert.Equal(TriageState.Ignored, (await triage.SetAsync(tenant, "feature", "sync / E42", TriageState.Ignored, null, "analyst"))!.State);
        Assert.Equal(TriageState.Resolved, (await triage.SetAsync(tenant, "feature", "sync / E42", TriageState.Resolved, "2.0.0", "analyst"))!.State);

        // After the resolution: the crash again on 1.10.0 (not newer than the newest it was seen in) and the feature
        // failure on 1.11.0 (older than the 2.0.0 it was resolved in) are no regression.
        var later = new Fleetlet(tenant) { ReceivedAt = time.GetUtcNow().AddMinutes(5) };
        var session = later.Session(B, "p.one", "1.10.0", Day2);
        later.Crash(B, session, "p.one", "1.10.0", Day2, "System.NullReferenceException", "App.Sync!SyncEngine.Run +0x2");
        later.FeatureFailed(B, session, "p.one", "1.11.0", Day2, "sync", "E42");
        await store.Store.AppendAsync(later.Events);
        await projector.RunAsync();
        Assert.Empty(await triage.DetectRegressedAsync(tenant));

        var newer = new Fleetlet(tenant) { ReceivedAt = time.GetUtcNow().AddMinutes(20) };
        var s2 = newer.Session(B, "p.one", "1.11.0", Day2);
        newer.Crash(B, s2, "p.one", "1.11.0", Day2, "System.NullReferenceException", "App.Sync!SyncEngine.Run");
        newer.FeatureFailed(B, s2, "p.one", "2.0.0", Day2, "sync", "E42");
        await store.Store.AppendAsync(newer.Events);
        await projector.RunAsync();
        time.Advance(TimeSpan.FromHours(1));
        var findings = await triage.DetectRegressedAsync(tenant);
        Assert.Equal(["crash 1.11.0", "feature 2.0.0"], findings.Select(f => f.Subject.Split(' ')[0] + " " + f.Version).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.True(f.Significant));
        Assert.Equal("regressed", (await triage.GetAsync(tenant, "crash", nre)).State);
        Assert.Equal("1.11.0", (await triage.GetAsync(tenant, "crash", nre)).RegressedVersion);
        Assert.Empty(await triage.DetectRegressedAsync(tenant));

        var alerts = new AlertStore(store.Analytics, time);
        var raised = await alerts.RaiseAsync(tenant, findings);
        Assert.Equal(2, raised.Count);
        Assert.Contains(raised, a => a.Kind == FailureTriage.RegressedFinding && a.Subject.StartsWith("p.one 1.11.0: crash " + nre + " is back", StringComparison.Ordinal));
        Assert.Equal("regressed", (await queries.FailureGroupPageAsync(new FailureListQuery(window, Kind: "crash"))).Groups.Single().State);

        // Reopened, the group is open again and carries no triage row.
        Assert.Equal("open", (await triage.SetAsync(tenant, "crash", nre, TriageState.Open, null, "analyst"))!.State);
        Assert.DoesNotContain(await triage.ListAsync(tenant), t => t.Key == nre);
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task An_ignored_group_raises_no_spike(string backend)
    {
        await using var store = await TestStore.OpenAsync(backend);
        var tenant = Guid.NewGuid();
        await store.Store.AppendAsync(RegressionDetectorTests.Synthetic(tenant, planted: true, seed: 7).Events);
        await new AnalyticsProjector(store.Analytics).RunAsync();
        var detector = new RegressionDetector(new HealthQueries(store.Analytics), new RegressionOptions());
        var window = new HealthWindow(tenant, new DateOnly(2026, 11, 14), new DateOnly(2026, 11, 21));
        Assert.Contains(await detector.DetectAsync(window), f => f.Kind == "feature_spike" && f.Significant);

        await new FailureTriage(store.Analytics, TimeProvider.System).SetAsync(tenant, "feature", "upload / 503", TriageState.Ignored, null, "analyst");
        Assert.DoesNotContain(await detector.DetectAsync(window), f => f.Kind == "feature_spike" && f.Subject == "upload / 503");
    }
}

using Candor.Analytics.Failures;
using Candor.Analytics.Health;
using Candor.Analytics.Projection;
using Candor.Analytics.Tests.Health;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Candor.Analytics.Tests.Failures;

/// <summary>The failure group list (sorting, paging, state filter, trend) and one group's detail, on the hand-computed
/// dataset plus a timeout crash that happened four times on one device, on both stores.</summary>
public sealed class FailureListAndDetailTests
{
    private static readonly DateOnly Day2 = new(2026, 11, 21);
    private static readonly Guid A = new("00000000-0000-0000-0000-00000000000a");

    private static async Task<(TestStore Store, HealthQueries Queries, HealthWindow Window, string Timeout)> LoadAsync(string backend)
    {
        var store = await TestStore.OpenAsync(backend);
        var tenant = Guid.NewGuid();
        var f = HandComputedFiguresTests.Dataset(tenant);
        var session = f.Session(A, "p.one", "1.9.0", Day2);
        for (var i = 0; i < 4; i++)
        {
            f.Crash(A, session, "p.one", "1.9.0", Day2, "System.TimeoutException", "App.Net!Client.Send|System.Net.Http.HttpClient.SendAsync");
        }

        await store.Store.AppendAsync(f.Events);
        await new AnalyticsProjector(store.Analytics).RunAsync();
        var timeout = CrashFingerprint.Compute("System.TimeoutException", "App.Net!Client.Send|System.Net.Http.HttpClient.SendAsync").Fingerprint;
        return (store, new HealthQueries(store.Analytics), new HealthWindow(tenant, new DateOnly(2026, 11, 20), Day2), timeout);
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task The_list_sorts_by_events_devices_or_newest_and_pages_with_a_total(string backend)
    {
        var (store, queries, window, timeout) = await LoadAsync(backend);
        await using var _ = store;
        async Task<List<string>> KeysAsync(FailureSort sort) =>
            [.. (await queries.FailureGroupPageAsync(new FailureListQuery(window, Sort: sort))).Groups.Select(g => g.Key)];

        var nre = CrashFingerprint.Compute("System.NullReferenceException", "App.Sync!SyncEngine.Run").Fingerprint;

        // Timeout: 4 events on 1 device, first seen day 2; sync / E42: 3 events on 2 devices, day 2; NRE: 2 on 2, from day 1.
        Assert.Equal([timeout, "sync / E42", nre], await KeysAsync(FailureSort.Events));
        Assert.Equal(["sync / E42", nre, timeout], await KeysAsync(FailureSort.Devices));
        Assert.Equal([timeout, "sync / E42", nre], await KeysAsync(FailureSort.Newest));

        var second = await queries.FailureGroupPageAsync(new FailureListQuery(window, Offset: 1, Limit: 1));
        Assert.Equal(3, second.Total);
        var feature = Assert.Single(second.Groups);
        Assert.Equal(("sync / E42", "open"), (feature.Key, feature.State));
        Assert.Equal([new CountBy("2026-11-21", 3)], feature.Trend);
        var beyond = await queries.FailureGroupPageAsync(new FailureListQuery(window, Offset: 10));
        Assert.Equal((3, 0), (beyond.Total, beyond.Groups.Count));

        var crashesOnly = await queries.FailureGroupPageAsync(new FailureListQuery(window, Kind: "crash"));
        Assert.Equal([timeout, nre], crashesOnly.Groups.Select(g => g.Key));
        Assert.Equal("System.TimeoutException at App.Net!Client.Send", crashesOnly.Groups[0].Title);
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task The_state_filter_reads_the_triage(string backend)
    {
        var (store, queries, window, timeout) = await LoadAsync(backend);
        await using var _ = store;
        var triage = new FailureTriage(store.Analytics, new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 13, 0, 0, TimeSpan.Zero)));
        Assert.NotNull(await triage.SetAsync(window.Tenant, "crash", timeout, TriageState.Ignored, null, "test"));

        var ignored = await queries.FailureGroupPageAsync(new FailureListQuery(window, State: TriageState.Ignored));
        Assert.Equal((1, "ignored"), (ignored.Total, Assert.Single(ignored.Groups).State));
        Assert.Equal(2, (await queries.FailureGroupPageAsync(new FailureListQuery(window, State: TriageState.Open))).Total);
        Assert.Null(await triage.SetAsync(window.Tenant, "crash", "no-such-fingerprint", TriageState.Ignored, null, "test"));
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_group_detail_has_its_stack_breakdowns_days_and_versions(string backend)
    {
        var (store, queries, window, timeout) = await LoadAsync(backend);
        await using var _ = store;
        var triage = new FailureTriage(store.Analytics, TimeProvider.System);

        var crash = await queries.FailureGroupDetailAsync(window, "crash", timeout, triage);
        Assert.NotNull(crash);
        Assert.Equal(("System.TimeoutException", 4, 1), (crash.ExceptionType, crash.Events, crash.Devices));
        Assert.Equal([new StackFrame("App.Net!Client.Send", true), new StackFrame("System.Net.Http.HttpClient.SendAsync", false)], crash.Stack);
        Assert.Equal(("2026-11-21", "2026-11-21"), (crash.FirstSeen, crash.LastSeen));
        Assert.Equal([new DailyCount("2026-11-21", 4, 1)], crash.Daily);
        Assert.Equal("open", crash.Triage.State);

        var nre = CrashFingerprint.Compute("System.NullReferenceException", "App.Sync!SyncEngine.Run").Fingerprint;
        var both = (await queries.FailureGroupDetailAsync(window, "crash", nre, triage))!;
        Assert.Equal(["1.10.0", "1.9.0"], both.Versions);
        Assert.Equal([new CountBy("1.10.0", 1), new CountBy("1.9.0", 1)], both.ByVersion);
        Assert.Equal([new CountBy("Windows", 2)], both.ByOs);
        Assert.Equal([new CountBy("desktop", 2)], both.ByDeviceClass);
        Assert.Equal([new DailyCount("2026-11-20", 1, 1), new DailyCount("2026-11-21", 1, 1)], both.Daily);

        // Outside the window the counts are zero, but first and last seen and the versions are of all time.
        var before = (await queries.FailureGroupDetailAsync(window with { From = new DateOnly(2026, 11, 1), To = new DateOnly(2026, 11, 2) }, "crash", nre, triage))!;
        Assert.Equal((0, "2026-11-20", "2026-11-21"), (before.Events, before.FirstSeen, before.LastSeen));

        var feature = (await queries.FailureGroupDetailAsync(window, "feature", "sync / E42", triage))!;
        Assert.Equal((3, 2, null), (feature.Events, feature.Devices, feature.ExceptionType));
        Assert.Empty(feature.Stack);
        Assert.Null(await queries.FailureGroupDetailAsync(window, "feature", "nothing / here", triage));
    }
}

using Candor.Analytics.Health;
using Candor.Analytics.Projection;
using Candor.Core.Model;
using Xunit;

namespace Candor.Analytics.Tests.Health;

/// <summary>Every figure on a dataset small enough to compute by hand (the comments show the sums), on both stores.</summary>
public sealed class HandComputedFiguresTests
{
    private static readonly DateOnly Day1 = new(2026, 11, 20);
    private static readonly DateOnly Day2 = new(2026, 11, 21);
    private static readonly Guid A = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = new("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = new("00000000-0000-0000-0000-00000000000c");
    private static readonly Guid D = new("00000000-0000-0000-0000-00000000000d");

    /// <summary>
    /// p.one 1.9.0 on A: day 1 session (ended after 60 s), day 2 session that crashes (recursive stack with a framework frame).
    /// p.one 1.10.0 on B: day 1 session that crashes (same bug, with an IL offset), day 2 session with two sync/E42 failures.
    /// p.one 1.10.0 on C: day 2 session with one sync/E42 failure and ten sync durations 100..1000 ms (mobile).
    /// p.two 2.0 on D: day 1 session (ended after 120 s) with three "save" commands.
    /// </summary>
    internal static Fleetlet Dataset(Guid tenant)
    {
        var f = new Fleetlet(tenant);
        f.Session(A, "p.one", "1.9.0", Day1, endedAfterMs: 60_000);
        var a2 = f.Session(A, "p.one", "1.9.0", Day2);
        f.Crash(A, a2, "p.one", "1.9.0", Day2, "System.NullReferenceException",
            "App.Sync!SyncEngine.Run|System.Threading.Tasks.Task.Execute|App.Sync!SyncEngine.Run|App.Sync!SyncEngine.Run");
        var b1 = f.Session(B, "p.one", "1.10.0", Day1);
        f.Crash(B, b1, "p.one", "1.10.0", Day1, "System.NullReferenceException", "App.Sync!SyncEngine.Run +0x1a");
        var b2 = f.Session(B, "p.one", "1.10.0", Day2);
        f.FeatureFailed(B, b2, "p.one", "1.10.0", Day2, "sync", "E42");
        f.FeatureFailed(B, b2, "p.one", "1.10.0", Day2, "sync", "E42");
        var c2 = f.Session(C, "p.one", "1.10.0", Day2, deviceClass: "mobile");
        f.FeatureFailed(C, c2, "p.one", "1.10.0", Day2, "sync", "E42");
        foreach (var ms in new[] { 700, 100, 1000, 300, 900, 200, 500, 400, 800, 600 })
        {
            f.Operation(C, c2, "p.one", "1.10.0", Day2, "sync", ms, "mobile");
        }

        var d1 = f.Session(D, "p.two", "2.0", Day1, endedAfterMs: 120_000);
        for (var i = 0; i < 3; i++)
        {
            f.Command(D, d1, "p.two", "2.0", Day1, "save");
        }

        return f;
    }

    internal static async Task<(TestStore Store, HealthQueries Queries, HealthWindow Window)> LoadAsync(string backend)
    {
        var store = await TestStore.OpenAsync(backend);
        var tenant = Guid.NewGuid();
        await store.Store.AppendAsync(Dataset(tenant).Events);
        await new AnalyticsProjector(store.Analytics).RunAsync();
        return (store, new HealthQueries(store.Analytics), new HealthWindow(tenant, Day1, Day2));
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Failure_groups_count_events_devices_versions_and_days(string backend)
    {
        var (store, queries, window) = await LoadAsync(backend);
        await using var _ = store;
        var groups = await queries.FailureGroupsAsync(window, 10);

        Assert.Equal(2, groups.Count);
        var feature = groups[0];
        Assert.Equal(("feature", "sync / E42"), (feature.Kind, feature.Key));
        Assert.Equal(3, feature.Events);   // B twice, C once
        Assert.Equal(2, feature.Devices);  // B, C
        Assert.Equal(("2026-11-21", "2026-11-21"), (feature.FirstSeen, feature.LastSeen));

        // A's recursive stack and B's stack with an offset are one bug: one group of two crashes on two devices.
        var crash = groups[1];
        Assert.Equal("crash", crash.Kind);
        Assert.Equal(2, crash.Events);
        Assert.Equal(2, crash.Devices);
        Assert.Equal(("2026-11-20", "2026-11-21"), (crash.FirstSeen, crash.LastSeen));
        Assert.Equal("System.NullReferenceException at App.Sync!SyncEngine.Run", crash.Title);
        Assert.Equal(["p.one"], crash.Products);
        Assert.Equal([new CountBy("1.10.0", 1), new CountBy("1.9.0", 1)], crash.Versions);
        Assert.Equal([new CountBy("2026-11-20", 1), new CountBy("2026-11-21", 1)], crash.Trend);

        var onlyNewest = await queries.FailureGroupsAsync(window with { Version = "1.9.0" }, 10);
        Assert.Equal(1, Assert.Single(onlyNewest).Events);
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Release_health_gives_crash_free_sessions_and_devices_per_version_and_day(string backend)
    {
        var (store, queries, window) = await LoadAsync(backend);
        await using var _ = store;
        var health = await queries.ReleaseHealthAsync(window, daily: false);

        // Versions newest first, as versions: 1.10.0 before 1.9.0.
        Assert.Equal(["p.one 1.10.0", "p.one 1.9.0", "p.two 2.0"], health.Select(h => h.Product + " " + h.Version));
        var newest = health[0];
        Assert.Equal((3L, 1L, 0.666667), (newest.Sessions, newest.CrashedSessions, newest.CrashFreeSessions)); // B1(crash), B2, C2
        Assert.Equal((2L, 1L, 0.5), (newest.Devices, newest.CrashedDevices, newest.CrashFreeDevices));         // B crashed, C did not
        Assert.Null(newest.MedianSessionMinutes);
        var older = health[1];
        Assert.Equal((2L, 1L, 0.5, 1L, 1L, 0.0), (older.Sessions, older.CrashedSessions, older.CrashFreeSessions, older.Devices,
            older.CrashedDevices, older.CrashFreeDevices));
        Assert.Equal((1L, 1.0), (older.EndedSessions, older.MedianSessionMinutes!.Value)); // 60 000 ms
        Assert.Equal((1L, 0L, 1.0, 2.0), (health[2].Sessions, health[2].CrashedSessions, health[2].CrashFreeSessions, health[2].MedianSessionMinutes!.Value));

        var daily = await queries.ReleaseHealthAsync(window with { Product = "p.one", Version = "1.9.0" }, daily: true);
        Assert.Equal([("2026-11-20", 1L, 0L), ("2026-11-21", 1L, 1L)], daily.Select(h => (h.Day!, h.Sessions, h.CrashedSessions)));
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Performance_gives_exact_discrete_percentiles(string backend)
    {
        var (store, queries, window) = await LoadAsync(backend);
        await using var _ = store;
        var perf = Assert.Single(await queries.PerformanceAsync(window, "sync"));

        // Ten values 100..1000: p50 is the 5th (500), p90 the 9th (900), p95 = ceil(9.5) = 10th, p99 the 10th.
        Assert.Equal(("sync", "p.one", "1.10.0", "mobile", 10L), (perf.Operation, perf.Product, perf.Version, perf.DeviceClass, perf.Count));
        Assert.Equal((500.0, 900.0, 1000.0, 1000.0), (perf.P50, perf.P90, perf.P95, perf.P99));
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Inventory_orders_versions_numerically_and_counts_devices_on_vulnerable_versions(string backend)
    {
        var (store, queries, window) = await LoadAsync(backend);
        await using var _ = store;
        await queries.MarkVulnerableAsync(window.Tenant, "p.one", "1.0", "1.9.5", "CVE-2026-0001", new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero), "test");
        var inventory = await queries.InventoryAsync(window);

        var one = inventory.Single(p => p.Product == "p.one");
        Assert.Equal("1.10.0", one.Newest); // as text "1.9.0" would sort last
        Assert.Equal((3L, 2L, 1L, 1L), (one.ActiveDevices, one.DevicesOnNewest, one.DevicesBehind, one.DevicesOnVulnerable));
        Assert.Equal(
            [("1.10.0", 2L, 0.666667, 0, false), ("1.9.0", 1L, 0.333333, 1, true)],
            one.Versions.Select(v => (v.Version, v.Devices, v.Share, v.ReleasesBehind, v.Vulnerable)));
        Assert.Equal((1L, 0L), (inventory.Single(p => p.Product == "p.two").ActiveDevices, inventory.Single(p => p.Product == "p.two").DevicesOnVulnerable));
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Usage_gives_active_devices_top_commands_and_volume_per_category(string backend)
    {
        var (store, queries, window) = await LoadAsync(backend);
        await using var _ = store;
        var usage = await queries.UsageAsync(window, 5);

        var one = usage.Products.Single(p => p.Product == "p.one");
        Assert.Equal([new CountBy("2026-11-20", 2), new CountBy("2026-11-21", 3)], one.DailyActiveDevices); // A,B then A,B,C
        Assert.Equal(3, one.WeeklyActiveDevices);
        var two = usage.Products.Single(p => p.Product == "p.two");
        Assert.Equal([new CountBy("save", 3)], two.TopCommands);

        // Usage: 6 session starts, 2 ends, 3 commands = 11; performance: 2 crashes, 3 failures, 10 operations = 15.
        Assert.Equal([new CountBy("product_and_service_performance", 15), new CountBy("product_and_service_usage", 11)], usage.VolumeByCategory);
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task After_a_device_is_deleted_no_figure_counts_it(string backend)
    {
        var (store, queries, window) = await LoadAsync(backend);
        await using var _ = store;
        await store.Store.DeleteDeviceAsync(window.Tenant, B);

        var groups = await queries.FailureGroupsAsync(window, 10);
        Assert.Equal((1L, 1L), (groups.Single(g => g.Kind == "crash").Events, groups.Single(g => g.Kind == "crash").Devices));
        Assert.Equal((1L, 1L), (groups.Single(g => g.Kind == "feature").Events, groups.Single(g => g.Kind == "feature").Devices));
        var newest = (await queries.ReleaseHealthAsync(window, daily: false)).Single(h => h.Version == "1.10.0");
        Assert.Equal((1L, 0L, 1L, 0L), (newest.Sessions, newest.CrashedSessions, newest.Devices, newest.CrashedDevices));
        Assert.Equal(2, (await queries.InventoryAsync(window)).Single(p => p.Product == "p.one").ActiveDevices);
        var usage = await queries.UsageAsync(window, 5);
        Assert.Equal([new CountBy("2026-11-20", 1), new CountBy("2026-11-21", 2)], usage.Products.Single(p => p.Product == "p.one").DailyActiveDevices);
        Assert.Equal(15 + 11 - 5, usage.VolumeByCategory.Sum(c => c.Count)); // B had 2 session starts, a crash and 2 failures
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Projecting_again_counts_nothing_twice_and_later_events_are_added(string backend)
    {
        var (store, queries, window) = await LoadAsync(backend);
        await using var _ = store;
        var projector = new AnalyticsProjector(store.Analytics);
        Assert.Equal(0, await projector.RunAsync());

        var more = new Fleetlet(window.Tenant) { ReceivedAt = new DateTimeOffset(2026, 11, 22, 13, 0, 0, TimeSpan.Zero) };
        var s = more.Session(D, "p.two", "2.0", Day2);
        more.Crash(D, s, "p.two", "2.0", Day2, "System.InvalidOperationException", "App.Two!Editor.Save");
        await store.Store.AppendAsync(more.Events);
        Assert.Equal(3, await projector.RunAsync()); // a session, a crash, a device-day
        Assert.Equal(0, await projector.RunAsync());

        var two = (await queries.ReleaseHealthAsync(window with { Product = "p.two" }, daily: false)).Single();
        Assert.Equal((2L, 1L), (two.Sessions, two.CrashedSessions));
    }
}

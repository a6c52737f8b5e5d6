using Candor.Analytics.Alerts;
using Candor.Analytics.Failures;
using Candor.Analytics.Health;
using Candor.Analytics.Regressions;
using Candor.Analytics.Sql;
using Candor.Analytics.Tests.Health;
using Candor.Core.Policy;
using Candor.Storage;
using Candor.Storage.Schema;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Candor.Analytics.Tests.Privacy;

/// <summary>Bulk deletion, retention and offboarding reach what the analytics projector derived from the deleted
/// events, on both stores, on the hand-computed dataset of <see cref="HandComputedFiguresTests"/>.</summary>
public sealed class DeletionReachesDerivedDataTests
{
    private static readonly DateTimeOffset Day2Start = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid A = new("00000000-0000-0000-0000-00000000000a");

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Bulk_deletion_of_a_product_removes_its_facts_and_keeps_the_other_products(string backend)
    {
        var (store, queries, window) = await HandComputedFiguresTests.LoadAsync(backend);
        await using var _ = store;

        // p.two is D's one session: start, end and three commands.
        Assert.Equal(5, await store.Store.DeleteEventsAsync(window.Tenant, new BulkDeletion { Product = "p.two" }));

        Assert.Equal(["p.one 1.10.0", "p.one 1.9.0"], (await queries.ReleaseHealthAsync(window, daily: false)).Select(h => h.Product + " " + h.Version));
        Assert.Equal(["p.one"], (await queries.InventoryAsync(window)).Select(p => p.Product));
        var usage = await queries.UsageAsync(window, 5);
        Assert.DoesNotContain(usage.Products, p => p.Product == "p.two" && (p.TopCommands.Count > 0 || p.WeeklyActiveDevices > 0));
        Assert.Equal([new CountBy("2026-11-20", 2), new CountBy("2026-11-21", 3)], usage.Products.Single(p => p.Product == "p.one").DailyActiveDevices);
        Assert.Equal(2, (await queries.FailureGroupsAsync(window, 10)).Count);
        Assert.Equal(0, await CountAsync(store, "analytics_commands", window.Tenant));
        Assert.Equal(0, await CountAsync(store, "analytics_session_ends", window.Tenant, "product = 'p.two'"));
        Assert.Equal(0, await CountAsync(store, "analytics_device_days", window.Tenant, "product = 'p.two'"));
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Bulk_deletion_of_a_time_range_removes_the_device_days_no_event_is_left_behind(string backend)
    {
        var (store, queries, window) = await HandComputedFiguresTests.LoadAsync(backend);
        await using var _ = store;

        // Everything on day 1: A's ended session, B's crashed session, D's session with three commands.
        Assert.Equal(9, await store.Store.DeleteEventsAsync(window.Tenant, new BulkDeletion { To = Day2Start }));

        var groups = await queries.FailureGroupsAsync(window, 10);
        Assert.Equal((1L, "2026-11-21"), (groups.Single(g => g.Kind == "crash").Events, groups.Single(g => g.Kind == "crash").FirstSeen));
        Assert.Equal(3, groups.Single(g => g.Kind == "feature").Events);
        var health = await queries.ReleaseHealthAsync(window, daily: false);
        Assert.Equal(["p.one 1.10.0", "p.one 1.9.0"], health.Select(h => h.Product + " " + h.Version));
        Assert.Equal((2L, 0L), (health[0].Sessions, health[0].CrashedSessions)); // B2, C2
        Assert.Equal((1L, 1L, 0L), (health[1].Sessions, health[1].CrashedSessions, health[1].EndedSessions)); // A2 crashed
        var usage = await queries.UsageAsync(window, 5);
        Assert.Equal([new CountBy("2026-11-21", 3)], usage.Products.Single(p => p.Product == "p.one").DailyActiveDevices);
        Assert.Equal(3, (await queries.InventoryAsync(window)).Single().ActiveDevices);
        Assert.Equal(3, await CountAsync(store, "analytics_device_days", window.Tenant)); // A, B and C on day 2
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Retention_of_one_event_definition_removes_its_facts_and_keeps_the_device_days_other_events_hold(string backend)
    {
        var (store, queries, window) = await HandComputedFiguresTests.LoadAsync(backend);
        await using var _ = store;

        Assert.Equal(2, await store.Store.DeleteReceivedBeforeAsync(window.Tenant, new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), "app.crashed"));

        Assert.Equal("feature", Assert.Single(await queries.FailureGroupsAsync(window, 10)).Kind);
        var health = await queries.ReleaseHealthAsync(window, daily: false);
        Assert.Equal([(3L, 0L), (2L, 0L), (1L, 0L)], health.Select(h => (h.Sessions, h.CrashedSessions)));
        Assert.Equal(3, (await queries.InventoryAsync(window)).Single(p => p.Product == "p.one").ActiveDevices);
        Assert.Equal(0, await CountAsync(store, "analytics_crashes", window.Tenant));
        Assert.Equal(0, await CountAsync(store, "analytics_fingerprints", window.Tenant)); // no crash refers to it any more
        Assert.Equal(6, await CountAsync(store, "analytics_device_days", window.Tenant)); // A, B on both days, C, D: each has a session start
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Retention_by_reception_time_removes_the_facts_of_the_expired_events_only(string backend)
    {
        var (store, queries, window) = await HandComputedFiguresTests.LoadAsync(backend);
        await using var _ = store;
        var events = HandComputedFiguresTests.Dataset(window.Tenant).Events;

        // The first four events received are all of A's: its ended day 1 session and its crashed day 2 session.
        Assert.Equal(A, Assert.Single(events.Take(4).Select(e => e.DeviceId).Distinct()));
        Assert.Equal(4, await store.Store.DeleteReceivedBeforeAsync(window.Tenant, events[4].ReceivedAt));

        Assert.Equal(["p.one 1.10.0", "p.two 2.0"], (await queries.ReleaseHealthAsync(window, daily: false)).Select(h => h.Product + " " + h.Version));
        var crash = (await queries.FailureGroupsAsync(window, 10)).Single(g => g.Kind == "crash");
        Assert.Equal((1L, 1L), (crash.Events, crash.Devices));
        Assert.Equal(2, (await queries.InventoryAsync(window)).Single(p => p.Product == "p.one").ActiveDevices);
        Assert.Equal(0, await CountAsync(store, "analytics_device_days", window.Tenant, $"device_id = '{A}'"));
        Assert.Equal(1, await CountAsync(store, "analytics_fingerprints", window.Tenant)); // B's crash still has it
    }

    [Fact]
    public async Task A_bulk_deletion_waits_for_a_projection_in_flight_on_postgres_so_its_facts_do_not_survive()
    {
        var (store, _, window) = await HandComputedFiguresTests.LoadAsync("postgres");
        await using var __ = store;
        await store.Analytics.ExecuteAsync([store.Analytics.Statement("DELETE FROM analytics_commands")]);

        // A projection that has inserted the command facts of p.two but not committed yet (the DuckDB store's two
        // writers are held to the same in DuckDbConcurrentWritesTests).
        var projection = store.Analytics.ExecuteAsync([
            store.Analytics.Statement(
                "INSERT INTO analytics_commands (tenant_id, event_id, device_id, product, day, command, received_at) " +
                "SELECT tenant_id, event_id, device_id, product, CAST(time AT TIME ZONE 'UTC' AS date), 'save', received_at " +
                "FROM events WHERE name = 'app.command.invoked'"),
            store.Analytics.Statement("SELECT pg_sleep(1)"),
        ]);
        while (await CountAdvisoryLocksAsync(store) == 0)
        {
            await Task.Delay(10);
        }

        Assert.Equal(5, await store.Store.DeleteEventsAsync(window.Tenant, new BulkDeletion { Product = "p.two" }));
        await projection;

        Assert.Equal(0, await CountAsync(store, "analytics_commands", window.Tenant));
    }

    private static async Task<long> CountAdvisoryLocksAsync(TestStore store) =>
        Convert.ToInt64((await store.Analytics.QueryAsync(store.Analytics.Statement(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted " +
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")))[0][0],
            System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Offboarding_leaves_no_row_of_the_tenant_in_any_table_but_the_audit_log(string backend)
    {
        var (store, queries, window) = await HandComputedFiguresTests.LoadAsync(backend);
        await using var _ = store;
        var tenant = window.Tenant;
        var other = Guid.NewGuid();
        await store.Store.AppendAsync(HandComputedFiguresTests.Dataset(other).Events);
        await new Candor.Analytics.Projection.AnalyticsProjector(store.Analytics).RunAsync();
        var at = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
        var alerts = new AlertStore(store.Analytics, new FakeTimeProvider(at));
        foreach (var id in new[] { tenant, other })
        {
            await store.Store.CreateTenantAsync(new TenantRecord(id, "t-" + id.ToString("N"), "dynamics365-clients", at));
            await store.Store.AddCredentialAsync(new CredentialRecord(Guid.NewGuid(), id, CredentialKind.Ingestion, "ingest", id.ToString("N") + "-hash", at, null));
            await store.Store.SavePolicyAsync(new PolicyRecord(id, 1, new TenantPolicy(), at), 0);
            await store.Store.AppendAuditAsync(new AuditRecord(Guid.NewGuid(), id, at, "cli", "operator", "tenant.created", id.ToString(), null, null));
            await queries.MarkVulnerableAsync(id, "p.one", "1.0", "1.9.5", "CVE-2026-0001", at, "test");
            await alerts.SetWebhookAsync(id, new Uri("http://127.0.0.1:9/hook"), "whsec_deletion-test");
            await alerts.RaiseAsync(id, [new RegressionFinding("crash_rate", "p.one", "1.10.0", "1.9.0", "crashed sessions", 0.004, 0.06, 1000, 1000, 1e-9, 1e-8, true)]);
            Assert.NotNull(await new FailureTriage(store.Analytics, new FakeTimeProvider(at)).SetAsync(id, "feature", "sync / E42", "ignored", null, "test"));
            Assert.Equal(Candor.Storage.Views.SaveViewOutcome.Saved, await new Candor.Storage.Views.SavedViewStore(store.Analytics).SaveAsync(id,
                new Candor.Storage.Views.SavedView(Guid.NewGuid(), "crashes", "/console/failures?kind=crash", at, "test")));
        }

        // The catalog is the truth: a tenant-keyed table missing from the list fails here, whoever adds it.
        var tables = await TenantKeyedCatalogTablesAsync(store);
        Assert.Equal([.. TenantKeyedTables.All.Append(TenantKeyedTables.Audit).SelectMany(t => EventsStorage(store, t)).Order(StringComparer.Ordinal)], tables);
        Assert.Equal([.. EventDerivedFacts.PerEventTables.Order(StringComparer.Ordinal)],
            (await ColumnTablesAsync(store, "event_id")).Where(t => !EventsStorage(store, "events").Contains(t)));

        // The tenant used every feature: each table holds rows of it, so that "no rows after" proves something.
        foreach (var table in tables)
        {
            Assert.True(await CountAsync(store, table, tenant) > 0, $"{table} holds no row of the tenant before offboarding");
        }

        await store.Store.DeleteTenantAsync(tenant);

        foreach (var table in tables)
        {
            Assert.True(table == TenantKeyedTables.Audit
                ? await CountAsync(store, table, tenant) == 2 // its earlier record and the offboarding
                : await CountAsync(store, table, tenant) == 0, $"{table} after offboarding");
            Assert.True(await CountAsync(store, table, other) > 0, $"{table} lost the other tenant's rows");
        }
    }

    /// <summary>The base tables that hold a table of the shared lists: DuckDB keeps events as a view over its rows and
    /// its envelope tuples (DuckDB migration 0011), both tenant-keyed; every other table is itself.</summary>
    private static string[] EventsStorage(TestStore store, string table) =>
        table == "events" && store.Store is Candor.Storage.DuckDb.DuckDbStore ? ["event_envelopes", "event_rows"] : [table];

    private static async Task<long> CountAsync(TestStore store, string table, Guid tenant, string? condition = null)
    {
        var rows = await store.Analytics.QueryAsync(store.Analytics.Statement(
            $"SELECT count(*) FROM {table} WHERE tenant_id = $1" + (condition is null ? "" : " AND " + condition), tenant));
        return Convert.ToInt64(rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<List<string>> TenantKeyedCatalogTablesAsync(TestStore store) => ColumnTablesAsync(store, "tenant_id");

    /// <summary>The base tables of the store's own database with a column of this name (both backends have
    /// information_schema; DuckDB's temporary tables live in another catalog). PostgreSQL's partitions of events
    /// (schema candor_partitions) are storage of events, reached through it, not tables of their own.</summary>
    private static async Task<List<string>> ColumnTablesAsync(TestStore store, string column)
    {
        var rows = await store.Analytics.QueryAsync(store.Analytics.Statement(
            "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t " +
            "ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name " +
            "WHERE c.column_name = $1 AND t.table_type = 'BASE TABLE' AND c.table_catalog = current_database() " +
            "AND c.table_schema NOT IN ('information_schema', 'pg_catalog', 'candor_partitions')", column));
        return [.. rows.Select(r => Convert.ToString(r[0], System.Globalization.CultureInfo.InvariantCulture)!).Order(StringComparer.Ordinal)];
    }
}

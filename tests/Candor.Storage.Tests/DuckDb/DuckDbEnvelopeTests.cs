using Candor.Core.Model;
using Candor.Storage.DuckDb;
using DuckDB.NET.Data;
using Xunit;

namespace Candor.Storage.Tests.DuckDb;

/// <summary>The envelope table of the DuckDB store (migration 0011): each distinct envelope tuple of a tenant is stored
/// once, events read back exactly as sent, deletions leave no tuple behind, a failed append leaves the writer's map of
/// tuples true, and a store from before the migration moves with every row.</summary>
public sealed class DuckDbEnvelopeTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private DuckDbStore _store = null!;

    public async Task InitializeAsync() => _store = await OpenAsync();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<DuckDbStore> OpenAsync()
    {
        var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _folder.Path });
        await store.MigrateAsync();
        return store;
    }

    /// <summary>Five envelopes, two of which differ from the first only by case or a trailing space, and one in
    /// non-Latin script: the store compares them as the strings they are.</summary>
    private static StoredEvent WithEnvelope(StoredEvent e, int envelope) => envelope switch
    {
        0 => e,
        1 => e with { Locale = "EN-GB" },
        2 => e with { OsVersion = "14 " },
        3 => e with { Product = "d365.sales", AppVersion = "9.2.2410.7", Sdk = "candor-dotnet/0.9.1" },
        _ => e with { DeviceClass = "desktop", Os = "Windows", OsVersion = "10.0.22631", Arch = "x64", Locale = "ja-JP" },
    };

    private static List<StoredEvent> Mixed(Guid tenant, Guid device, int count, int first = 0) =>
        [.. TestEvents.Many(tenant, device, count + first).Skip(first).Select((e, i) => WithEnvelope(e, (first + i) * 7 % 5))];

    [Fact]
    public async Task Each_tenants_distinct_envelope_is_stored_once_and_events_read_back_as_sent()
    {
        var (tenant, other, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var events = Mixed(tenant, device, 200);
        var others = Mixed(other, device, 50);

        Assert.Equal(200, (await _store.AppendAsync(events)).Stored);
        Assert.Equal(50, (await _store.AppendAsync(others)).Stored);

        TestEvents.AssertSame(events, await _store.ReadAll(tenant, device));
        TestEvents.AssertSame(others, await _store.ReadAll(other, device));
        Assert.Equal(5, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{tenant}'"));
        Assert.Equal(5, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{other}'"));

        // Known tuples add nothing, across calls and across a reopening (the map is loaded from the table).
        var more = Mixed(tenant, device, 20, first: 200);
        await _store.AppendAsync(more);
        await _store.DisposeAsync();
        _store = await OpenAsync();
        var later = Mixed(tenant, device, 20, first: 220);
        var fresh = TestEvents.Make(tenant, device, 500) with { Locale = "fr-CA" };
        Assert.Equal(21, (await _store.AppendAsync([.. later, fresh])).Stored);
        Assert.Equal(200, (await _store.AppendAsync(events)).DuplicateIndexes.Count);
        Assert.Equal(6, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{tenant}'"));
        Assert.Equal(11, Count("SELECT count(DISTINCT envelope_id) FROM event_envelopes"));
        TestEvents.AssertSame([.. events, .. more, .. later, fresh], await _store.ReadAll(tenant, device));
        Assert.Equal(0, Count("SELECT count(*) FROM event_rows r WHERE NOT EXISTS (SELECT 1 FROM event_envelopes v WHERE v.envelope_id = r.envelope_id AND v.tenant_id = r.tenant_id)"));
    }

    [Fact]
    public async Task Erasing_a_device_deletes_the_envelopes_only_its_events_used_and_they_come_back_when_sent_again()
    {
        var (tenant, other, kept, erased) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        // The kept device shares envelope 0 with the erased one; envelope 4 (Windows, ja-JP) is the erased device's only.
        var shared = TestEvents.Many(tenant, kept, 10);
        var own = TestEvents.Many(tenant, erased, 10).Select((e, i) => WithEnvelope(e, i % 2 == 0 ? 0 : 4)).ToList();
        var otherTenant = TestEvents.Many(other, erased, 10).Select(e => WithEnvelope(e, 4)).ToList();
        await _store.AppendAsync([.. shared, .. own]);
        await _store.AppendAsync(otherTenant);

        await _store.EraseDeviceAsync(tenant, erased);

        Assert.Equal(0, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{tenant}' AND locale = 'ja-JP'"));
        Assert.Equal(1, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{tenant}'"));
        Assert.Equal(1, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{other}' AND locale = 'ja-JP'"));
        TestEvents.AssertSame(shared, await _store.ReadAll(tenant, kept));
        TestEvents.AssertSame(otherTenant, await _store.ReadAll(other, erased));

        // The writer's map forgot the deleted tuple: sent again, it is stored again and reads back.
        var again = TestEvents.Many(tenant, erased, 3).Select(e => WithEnvelope(e, 4)).ToList();
        Assert.Equal(3, (await _store.AppendAsync(again)).Stored);
        TestEvents.AssertSame(again, await _store.ReadAll(tenant, erased));
    }

    [Fact]
    public async Task Bulk_deletion_by_product_and_retention_delete_through_the_envelope_and_leave_no_unused_tuple()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = Mixed(tenant, device, 50);
        await _store.AppendAsync(events);
        var sales = events.Count(e => e.Product == "d365.sales");

        Assert.Equal(sales, await _store.DeleteEventsAsync(tenant, new BulkDeletion { Product = "d365.sales" }));
        Assert.Equal(0, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{tenant}' AND product = 'd365.sales'"));
        TestEvents.AssertSame([.. events.Where(e => e.Product != "d365.sales")], await _store.ReadAll(tenant, device));

        Assert.Equal(events.Count - sales, await _store.DeleteReceivedBeforeAsync(tenant, TestEvents.Base.AddDays(1)));
        Assert.Equal(0, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{tenant}'"));
    }

    [Fact]
    public async Task An_append_that_fails_after_adding_a_tuple_keeps_nothing_and_the_next_append_stores_the_tuple()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        await _store.AppendAsync(TestEvents.Many(tenant, device, 5));
        var batch = TestEvents.Many(tenant, device, 5).Select(e => WithEnvelope(e, 4)).ToList();

        // The append's last statement (its row in the analytics to-do list) fails: the tuple and rows it had appended
        // are rolled back with it.
        Run("ALTER TABLE analytics_arrivals RENAME TO analytics_arrivals_away");
        await Assert.ThrowsAnyAsync<Exception>(() => _store.AppendAsync(batch));
        Run("ALTER TABLE analytics_arrivals_away RENAME TO analytics_arrivals");
        Assert.Equal(0, Count($"SELECT count(*) FROM event_envelopes WHERE tenant_id = '{tenant}' AND locale = 'ja-JP'"));

        Assert.Equal(5, (await _store.AppendAsync(batch)).Stored);
        Assert.Equal(10, (await _store.ReadAll(tenant, device)).Count);
        TestEvents.AssertSame(batch, (await _store.ReadAll(tenant, device)).Where(e => e.Locale == "ja-JP").ToList());
    }

    [Fact]
    public async Task Migrations_0010_and_0011_move_a_store_with_every_row_in_its_order()
    {
        // A store as it was before 0010: one events table with its primary key, holding rows.
        var (tenant, other, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var events = Mixed(tenant, device, 300);
        var others = Mixed(other, device, 30);
        var path = _store.FilePath;
        await _store.DisposeAsync();
        using (var connection = Connect(path))
        {
            Run(connection, "DROP VIEW events");
            Run(connection, "DROP TABLE event_rows");
            Run(connection, "DROP TABLE event_envelopes");
            Run(connection, OldEventsTable);
            using (var appender = connection.CreateAppender("events"))
            {
                foreach (var e in events.Concat(others))
                {
                    appender.CreateRow()
                        .AppendValue(e.TenantId).AppendValue(e.EventId).AppendValue(e.Name).AppendValue(e.Level.ToWire())
                        .AppendValue(e.Category.ToWire()).AppendValue(e.Product).AppendValue(e.AppVersion).AppendValue(e.Sdk)
                        .AppendValue(e.SessionId).AppendValue(e.DeviceId).AppendValue(e.DeviceClass).AppendValue(e.Os)
                        .AppendValue(e.OsVersion).AppendValue(e.Arch).AppendValue(e.Locale).AppendValue(e.Seq)
                        .AppendValue(e.Time.UtcDateTime).AppendValue(e.ReceivedAt.UtcDateTime).AppendValue(e.Data)
                        .EndRow();
                }
            }

            Run(connection, "DELETE FROM schema_migrations WHERE version IN (10, 11)");
        }

        _store = await OpenAsync();

        TestEvents.AssertSame(events, await _store.ReadAll(tenant, device));
        TestEvents.AssertSame(others, await _store.ReadAll(other, device));
        Assert.Equal(300, (await _store.AppendAsync(events)).DuplicateIndexes.Count);
        Assert.Equal(10, Count("SELECT count(*) FROM event_envelopes"));
        Assert.Equal(2, Count("SELECT count(*) FROM schema_migrations WHERE version IN (10, 11)"));
        Assert.Equal(0, Count("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'event_rows' AND constraint_type = 'PRIMARY KEY'"));
        Assert.Equal(1, Count("SELECT count(*) FROM duckdb_views() WHERE view_name = 'events'"));

        // The rows keep the order they were stored in (the zone maps of received_at and of time-ordered ids need it).
        using var check = Connect(path);
        using var command = check.CreateCommand();
        command.CommandText = "SELECT event_id FROM event_rows ORDER BY rowid";
        using var reader = command.ExecuteReader();
        var order = new List<Guid>();
        while (reader.Read())
        {
            order.Add(reader.GetGuid(0));
        }

        Assert.Equal([.. events.Concat(others).Select(e => e.EventId)], order);
    }

    private const string OldEventsTable = """
        CREATE TABLE events (
            tenant_id UUID NOT NULL, event_id UUID NOT NULL, name VARCHAR NOT NULL, level VARCHAR NOT NULL,
            category VARCHAR NOT NULL, product VARCHAR NOT NULL, app_version VARCHAR NOT NULL, sdk VARCHAR NOT NULL,
            session_id UUID NOT NULL, device_id UUID NOT NULL, device_class VARCHAR NOT NULL, os VARCHAR NOT NULL,
            os_version VARCHAR NOT NULL, arch VARCHAR NOT NULL, locale VARCHAR NOT NULL, seq BIGINT NOT NULL,
            time TIMESTAMP NOT NULL, received_at TIMESTAMP NOT NULL, data VARCHAR NOT NULL,
            PRIMARY KEY (tenant_id, event_id))
        """;

    /// <summary>A second connection to the open store's file (the same database instance in this process).</summary>
    private static DuckDBConnection Connect(string path)
    {
        var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        return connection;
    }

    private void Run(string sql)
    {
        using var connection = Connect(_store.FilePath);
        Run(connection, sql);
    }

    private static void Run(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Count(string sql)
    {
        using var connection = Connect(_store.FilePath);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

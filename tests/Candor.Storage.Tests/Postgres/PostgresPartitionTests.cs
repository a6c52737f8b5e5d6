using Candor.Core.Model;
using Candor.Storage.Postgres;
using Npgsql;
using Xunit;

namespace Candor.Storage.Tests.Postgres;

/// <summary>Events partitioned by received day: the migration of an older store, exact deduplication across
/// days, and retention by whole days.</summary>
public sealed class PostgresPartitionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Day0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private Task<PostgresStore> OpenAsync(string? connectionString = null) =>
        PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = connectionString ?? database.ConnectionString });

    private async Task<PostgresStore> OpenMigratedAsync()
    {
        var store = await OpenAsync();
        await store.MigrateAsync();
        return store;
    }

    private static StoredEvent Event(Guid tenant, Guid device, int i, DateTimeOffset receivedAt, bool timeOrdered = true) =>
        TestEvents.Make(tenant, device, i, receivedAt: receivedAt) with
        {
            EventId = timeOrdered ? Guid.CreateVersion7(receivedAt) : Guid.NewGuid(),
            Time = receivedAt.AddMinutes(-3).AddTicks(i * 10),
        };

    [Fact]
    public async Task A_store_made_by_the_unpartitioned_schema_keeps_every_row_when_migrated_and_still_refuses_copies()
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            var tenant = Guid.NewGuid();
            var device = Guid.NewGuid();
            var old = Enumerable.Range(0, 30).Select(i => Event(tenant, device, i, Day0.AddHours(i * 7), timeOrdered: i % 2 == 0)).ToList();
            await using (var store = await OpenAsync(fresh.ConnectionString))
            {
                await store.MigrateThroughAsync(19, default);
                await InsertUnpartitionedAsync(fresh.ConnectionString, old);
                await store.MigrateAsync();

                var read = await store.ReadAll(tenant, device);
                TestEvents.AssertSame(old.OrderBy(e => e.Time).ThenBy(e => e.Seq).ToList(), read);
                Assert.Equal(9, await PartitionCountAsync(fresh.ConnectionString, "candor_partitions.events_2026112"));

                // The same events sent again, a day later: every one is a duplicate, and a new one is stored.
                var retried = old.Select(e => e with { ReceivedAt = e.ReceivedAt.AddDays(1) }).ToList();
                var result = await store.AppendAsync([.. retried, Event(tenant, device, 99, Day0.AddDays(9))]);
                Assert.Equal(1, result.Stored);
                Assert.Equal(Enumerable.Range(0, 30), result.DuplicateIndexes);
                Assert.Equal(31, await store.CountAsync(tenant));
            }
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_copy_received_on_a_later_day_is_a_duplicate_whether_ids_are_time_ordered_or_random(bool timeOrdered)
    {
        await using var store = await OpenMigratedAsync();
        var tenant = Guid.NewGuid();
        var device = Guid.NewGuid();
        var first = Enumerable.Range(0, 200).Select(i => Event(tenant, device, i, Day0.AddHours(23).AddMinutes(50), timeOrdered)).ToList();
        Assert.Equal(200, (await store.AppendAsync(first)).Stored);

        // Retried 15 minutes later, past midnight, mixed with new events: only the new ones are stored.
        var fresh = Enumerable.Range(200, 50).Select(i => Event(tenant, device, i, Day0.AddDays(1).AddMinutes(5), timeOrdered)).ToList();
        var retry = first.Select(e => e with { ReceivedAt = Day0.AddDays(1).AddMinutes(5) }).Concat(fresh).ToList();
        var result = await store.AppendAsync(retry);

        Assert.Equal(50, result.Stored);
        Assert.Equal(Enumerable.Range(0, 200), result.DuplicateIndexes);
        Assert.Equal(250, await store.CountAsync(tenant));
    }

    [Fact]
    public async Task Writers_on_both_sides_of_midnight_store_each_event_once()
    {
        // Separate stores are separate pools, as in separate collectors or loaders.
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenMigratedAsync()));
        try
        {
            var tenants = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
            var batches = Enumerable.Range(0, 12).Select(b => Enumerable.Range(0, 300)
                .Select(i => Event(tenants[(b + i) % 3], Guid.NewGuid(), b * 1000 + i, Day0.AddDays(3).AddMinutes(-1), timeOrdered: b % 2 == 0))
                .ToList()).ToList();

            // Every batch is written by every store, each with its own reception time either side of midnight.
            var outcomes = await Task.WhenAll(stores.SelectMany((store, s) => batches.Select(batch => Task.Run(() =>
                store.AppendAsync(batch.Select(e => e with { ReceivedAt = e.ReceivedAt.AddMinutes(s) }).ToList())))));

            Assert.Equal(12 * 300, outcomes.Sum(o => o.Stored));
            Assert.Equal(12 * 300, (await Task.WhenAll(tenants.Select(t => stores[0].CountAsync(t)))).Sum());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_new_days_partition_is_analyzed_by_its_writer_at_a_thousand_rows_and_again_at_ten_times_as_many()
    {
        // The planner takes a partition without statistics for a few rows (issue 11: the duplicate check then scanned a
        // young day whole for every key). Autovacuum is off for the day, so every analyze seen is the writer's.
        await using var store = await OpenMigratedAsync();
        var day = Day0.AddDays(40);
        await ExecuteAsync(database.ConnectionString, "SELECT candor_events_partition(@day)", ("day", DateOnly.FromDateTime(day.UtcDateTime)));
        const string Partition = "candor_partitions.events_20261230";
        await ExecuteAsync(database.ConnectionString, $"ALTER TABLE {Partition} SET (autovacuum_enabled = false)");
        var tenant = Guid.NewGuid();
        var next = 0;
        async Task AppendAsync(int count)
        {
            foreach (var chunk in Enumerable.Range(next, count).Chunk(2_500))
            {
                var batch = chunk.Select(i => Event(tenant, Guid.NewGuid(), i, day.AddSeconds(i))).ToList();
                Assert.Equal(batch.Count, (await store.AppendAsync(batch)).Stored);
            }

            next += count;
        }

        Task<long> AnalyzedRowsAsync() => ScalarAsync(database.ConnectionString,
            $"SELECT CAST(reltuples AS bigint) FROM pg_class WHERE oid = '{Partition}'::regclass");

        await AppendAsync(999);
        Assert.Equal(-1, await AnalyzedRowsAsync());
        await AppendAsync(1);
        Assert.Equal(1_000, await AnalyzedRowsAsync());
        await AppendAsync(8_999);
        Assert.Equal(1_000, await AnalyzedRowsAsync());
        await AppendAsync(1);
        Assert.Equal(10_000, await AnalyzedRowsAsync());
        await AppendAsync(5_000);
        Assert.Equal(10_000, await AnalyzedRowsAsync());
    }

    [Fact]
    public async Task Retention_drops_whole_days_before_the_cutoff_with_their_facts_and_creates_days_ahead()
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            await using var store = await OpenAsync(fresh.ConnectionString);
            await store.MigrateAsync();
            var tenant = Guid.NewGuid();
            var device = Guid.NewGuid();
            var old = Event(tenant, device, 1, Day0.AddHours(5));
            var kept = Event(tenant, device, 2, Day0.AddDays(2).AddHours(1));
            await store.AppendAsync([old, kept]);
            foreach (var e in new[] { old, kept })
            {
                await ExecuteAsync(fresh.ConnectionString,
                    "INSERT INTO analytics_commands VALUES (@tenant, @id, @device, 'p', '2026-11-20', 'sync', @received)",
                    ("tenant", tenant), ("id", e.EventId), ("device", device), ("received", e.ReceivedAt));
            }

            // The cutoff falls inside the day of `kept`: that day stays whole, and the 20th is the one day before it.
            var dropped = await store.MaintainPartitionsAsync(Day0.AddDays(5), Day0.AddDays(2).AddHours(12), daysAhead: 2);

            Assert.Equal(1, dropped);
            Assert.Equal(1, await store.CountAsync(tenant));
            Assert.Equal(1, await ScalarAsync(fresh.ConnectionString, "SELECT count(*) FROM analytics_commands WHERE event_id = @id",
                ("id", kept.EventId)));
            Assert.Equal(0, await ScalarAsync(fresh.ConnectionString, "SELECT count(*) FROM analytics_commands WHERE event_id = @id",
                ("id", old.EventId)));
            Assert.Equal(0, await PartitionCountAsync(fresh.ConnectionString, "candor_partitions.events_20261120"));
            Assert.Equal(1, await PartitionCountAsync(fresh.ConnectionString, "candor_partitions.events_20261122"));
            Assert.Equal(1, await PartitionCountAsync(fresh.ConnectionString, "candor_partitions.events_20261127"));

            // A writer that had cached the dropped day creates it again when an event needs it.
            var late = Event(tenant, device, 3, Day0.AddHours(6));
            Assert.Equal(1, (await store.AppendAsync([late])).Stored);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    private static async Task InsertUnpartitionedAsync(string connectionString, IReadOnlyList<StoredEvent> events)
    {
        foreach (var e in events)
        {
            await ExecuteAsync(connectionString,
                "INSERT INTO events VALUES (@tenant, @id, @name, @level, @category, @product, @version, @sdk, @session, @device, @class, " +
                "@os, @osVersion, @arch, @locale, @seq, @time, @received, @data::jsonb)",
                ("tenant", e.TenantId), ("id", e.EventId), ("name", e.Name), ("level", e.Level.ToWire()), ("category", e.Category.ToWire()),
                ("product", e.Product), ("version", e.AppVersion), ("sdk", e.Sdk), ("session", e.SessionId), ("device", e.DeviceId),
                ("class", e.DeviceClass), ("os", e.Os), ("osVersion", e.OsVersion), ("arch", e.Arch), ("locale", e.Locale), ("seq", e.Seq),
                ("time", e.Time), ("received", e.ReceivedAt), ("data", e.Data));
        }
    }

    private static Task<long> PartitionCountAsync(string connectionString, string namePrefix) =>
        ScalarAsync(connectionString,
            "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE i.inhparent = 'events'::regclass AND (n.nspname || '.' || c.relname) LIKE @prefix || '%'", ("prefix", namePrefix));

    private static async Task<long> ScalarAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value is DateTimeOffset t ? t.UtcDateTime : value);
        }

        await command.ExecuteNonQueryAsync();
    }
}

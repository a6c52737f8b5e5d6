using Candor.Storage.Postgres;
using Npgsql;
using Xunit;

namespace Candor.Storage.Tests.Postgres;

/// <summary>The batch write's one round trip of look-up and analytics arrival before the copy (docs/operations.md,
/// "PostgreSQL: events by received day"): a batch without duplicates is copied whole, one with duplicates copies
/// only its new events, and the arrival row counts exactly the rows copied.</summary>
public sealed class PostgresAppendTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Received = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private async Task<PostgresStore> OpenMigratedAsync()
    {
        var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = database.ConnectionString });
        await store.MigrateAsync();
        return store;
    }

    private static List<StoredEvent> Batch(Guid tenant, int first, int count, DateTimeOffset receivedAt) =>
        Enumerable.Range(first, count).Select(i =>
        {
            var e = TestEvents.Make(tenant, Guid.NewGuid(), i, receivedAt: receivedAt.AddTicks(i * 10L));
            return e with { EventId = TestEvents.V7(e.Time) };
        }).ToList();

    [Fact]
    public async Task A_batch_without_duplicates_is_copied_whole_and_its_arrival_counts_every_event()
    {
        await using var store = await OpenMigratedAsync();
        var tenant = Guid.NewGuid();
        var batch = Batch(tenant, 0, 300, Received);
        var before = await LastArrivalIdAsync();

        var result = await store.AppendAsync(batch);

        Assert.Equal(300, result.Stored);
        Assert.Empty(result.DuplicateIndexes);
        Assert.Equal(300, await store.CountAsync(tenant));
        var arrival = Assert.Single(await ArrivalsAfterAsync(before));
        Assert.Equal((batch.Min(e => e.ReceivedAt), batch.Max(e => e.ReceivedAt), 300L), arrival);
    }

    [Fact]
    public async Task A_batch_with_duplicates_copies_only_its_new_events_and_its_arrival_counts_only_them()
    {
        await using var store = await OpenMigratedAsync();
        var tenant = Guid.NewGuid();
        var stored = Batch(tenant, 0, 100, Received);
        Assert.Equal(100, (await store.AppendAsync(stored)).Stored);
        var before = await LastArrivalIdAsync();

        // The copies are received later than the new events, and one new event is repeated inside the batch:
        // the arrival's range and count are those of the 40 new events alone.
        var fresh = Batch(tenant, 100, 40, Received.AddMinutes(1));
        var copies = stored.Select(e => e with { ReceivedAt = Received.AddMinutes(30) }).ToList();
        List<StoredEvent> mixed = [.. copies[..50], .. fresh, fresh[7], .. copies[50..]];
        var result = await store.AppendAsync(mixed);

        Assert.Equal(40, result.Stored);
        Assert.Equal([.. Enumerable.Range(0, 50), 90, .. Enumerable.Range(91, 50)], result.DuplicateIndexes);
        Assert.Equal(140, await store.CountAsync(tenant));
        var arrival = Assert.Single(await ArrivalsAfterAsync(before));
        Assert.Equal((fresh.Min(e => e.ReceivedAt), fresh.Max(e => e.ReceivedAt), 40L), arrival);
    }

    [Fact]
    public async Task A_batch_of_duplicates_only_copies_nothing_and_records_no_arrival()
    {
        await using var store = await OpenMigratedAsync();
        var tenant = Guid.NewGuid();
        var batch = Batch(tenant, 0, 120, Received);
        Assert.Equal(120, (await store.AppendAsync(batch)).Stored);
        var before = await LastArrivalIdAsync();

        var result = await store.AppendAsync(batch);

        Assert.Equal(0, result.Stored);
        Assert.Equal(Enumerable.Range(0, 120), result.DuplicateIndexes);
        Assert.Empty(await ArrivalsAfterAsync(before));
        Assert.Equal(120, await store.CountAsync(tenant));
    }

    [Fact]
    public async Task Each_key_is_looked_up_as_far_back_as_its_own_copies_can_be()
    {
        await using var store = await OpenMigratedAsync();
        var tenant = Guid.NewGuid();

        // Sent by a device offline for five days: first received five days ago, minutes after its time.
        var late = TestEvents.Make(tenant, Guid.NewGuid(), 1, receivedAt: Received.AddDays(-5).AddMinutes(4)) with
        {
            Time = Received.AddDays(-5),
            EventId = TestEvents.V7(Received.AddDays(-5)),
        };

        // Sent by a device whose clock runs 23 hours ahead: first received 23 hours before its own time.
        var ahead = TestEvents.Make(tenant, Guid.NewGuid(), 2, receivedAt: Received.AddHours(-23)) with
        {
            Time = Received,
            EventId = TestEvents.V7(Received),
        };
        Assert.Equal(1, (await store.AppendAsync([late])).Stored);
        Assert.Equal(1, (await store.AppendAsync([ahead])).Stored);

        // Both sent again now, among recent events whose own look-ups reach back one day only.
        var now = Received.AddHours(1);
        var fresh = Batch(tenant, 10, 30, now);
        List<StoredEvent> mixed = [.. fresh[..10], late with { ReceivedAt = now }, .. fresh[10..20], ahead with { ReceivedAt = now }, .. fresh[20..]];
        var result = await store.AppendAsync(mixed);

        Assert.Equal(30, result.Stored);
        Assert.Equal([10, 21], result.DuplicateIndexes);
        Assert.Equal(32, await store.CountAsync(tenant));
    }

    [Fact]
    public async Task Copies_are_found_after_many_batches_on_one_pooled_connection()
    {
        // The look-up is prepared: after five runs PostgreSQL may switch to a generic plan, which prunes the days
        // at execution. Twelve batches on one connection, then every batch again, received a day later.
        var oneConnection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        await using var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = oneConnection });
        await store.MigrateAsync();
        var tenant = Guid.NewGuid();
        var batches = Enumerable.Range(0, 12).Select(b => Batch(tenant, b * 50, 50, Received.AddMinutes(b))).ToList();
        foreach (var b in batches)
        {
            Assert.Equal(50, (await store.AppendAsync(b)).Stored);
        }

        foreach (var b in batches)
        {
            var later = b.Select(e => e with { ReceivedAt = e.ReceivedAt.AddHours(20) }).ToList();
            var result = await store.AppendAsync(later);
            Assert.Equal(0, result.Stored);
            Assert.Equal(50, result.DuplicateIndexes.Count);
        }

        Assert.Equal(600, await store.CountAsync(tenant));
    }

    [Fact]
    public async Task A_store_of_schema_21_keeps_its_events_and_gets_one_received_index()
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            var tenant = Guid.NewGuid();
            var batch = Batch(tenant, 0, 80, Received);
            await using var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = fresh.ConnectionString });
            await store.MigrateThroughAsync(21, default);
            Assert.Equal(80, (await store.AppendAsync(batch)).Stored);
            Assert.Equal(["events_device_time", "events_name_time", "events_pkey", "events_received", "events_received_at"],
                await EventIndexesAsync(fresh.ConnectionString));

            await store.MigrateThroughAsync(25, default);

            // Migration 0025: (received_at, tenant_id) replaces (tenant_id, received_at) and (received_at), on every day.
            Assert.Equal(["events_device_time", "events_name_time", "events_pkey", "events_received"], await EventIndexesAsync(fresh.ConnectionString));
            await using (var connection = new NpgsqlConnection(fresh.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT count(*) FILTER (WHERE indexdef LIKE '%(received_at, tenant_id)'), count(*) FILTER (WHERE indexdef LIKE '%(tenant_id, received_at)'), " +
                    "(SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass) " +
                    "FROM pg_indexes WHERE schemaname = 'candor_partitions'", connection);
                await using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());

                // Every day's partition (the batch's day and the day after at least) has the new index.
                Assert.True(reader.GetInt64(2) >= 2);
                Assert.Equal(reader.GetInt64(2), reader.GetInt64(0));
                Assert.Equal(0, reader.GetInt64(1));
            }

            Assert.Equal(80, await store.CountAsync(tenant));
            Assert.Equal(Enumerable.Range(0, 80), (await store.AppendAsync(batch)).DuplicateIndexes);
            var more = Batch(tenant, 80, 20, Received.AddHours(1));
            Assert.Equal(20, (await store.AppendAsync(more)).Stored);
            Assert.Equal(80, await store.DeleteReceivedBeforeAsync(tenant, Received.AddMinutes(30)));
            Assert.Equal(20, await store.CountAsync(tenant));
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_store_of_schema_25_keeps_its_events_and_answers_by_device_and_by_name_without_the_dropped_indexes()
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            var tenant = Guid.NewGuid();
            var (deviceA, deviceB) = (Guid.NewGuid(), Guid.NewGuid());

            // Two received days; device A's events alternate between two names, device B's come between them.
            StoredEvent Event(Guid device, int i, string name, DateTimeOffset received)
            {
                var e = TestEvents.Make(tenant, device, i, name: name, receivedAt: received.AddTicks(i * 10L));
                return e with { EventId = TestEvents.V7(e.Time) };
            }

            var firstDay = Enumerable.Range(0, 40).Select(i => i % 4 == 3
                ? Event(deviceB, i, "fieldservice.sync.completed", Received)
                : Event(deviceA, i, i % 2 == 0 ? "fieldservice.sync.completed" : "app.page.viewed", Received)).ToList();
            var secondDay = Enumerable.Range(40, 20).Select(i => Event(deviceA, i, "app.page.viewed", Received.AddDays(1))).ToList();
            await using var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = fresh.ConnectionString });
            await store.MigrateThroughAsync(25, default);
            Assert.Equal(40, (await store.AppendAsync(firstDay)).Stored);
            Assert.Equal(20, (await store.AppendAsync(secondDay)).Stored);

            await store.MigrateAsync();

            // Migration 0026: (tenant_id, device_id) replaces (tenant_id, device_id, time), (tenant_id, name, time) goes and a
            // BRIN index on time comes, on every day.
            Assert.Equal(["events_device", "events_pkey", "events_received", "events_time"], await EventIndexesAsync(fresh.ConnectionString));
            await using (var connection = new NpgsqlConnection(fresh.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT count(*) FILTER (WHERE indexdef LIKE '%(tenant_id, device_id)'), count(*) FILTER (WHERE indexdef LIKE '%name%' OR indexdef LIKE '%device_id, %'), " +
                    "(SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass), " +
                    "count(*) FILTER (WHERE indexdef LIKE '%USING brin (\"time\")') " +
                    "FROM pg_indexes WHERE schemaname = 'candor_partitions'", connection);
                await using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                Assert.True(reader.GetInt64(2) >= 2);
                Assert.Equal(reader.GetInt64(2), reader.GetInt64(0));
                Assert.Equal(0, reader.GetInt64(1));
                Assert.Equal(reader.GetInt64(2), reader.GetInt64(3));
            }

            Assert.Equal(60, await store.CountAsync(tenant));
            Assert.Equal(Enumerable.Range(0, 40), (await store.AppendAsync(firstDay)).DuplicateIndexes);

            // The viewer's page of a device within a time range, in time order, across both days.
            var deviceAEvents = firstDay.Concat(secondDay).Where(e => e.DeviceId == deviceA).OrderBy(e => e.Time).ToList();
            var page = await store.ReadAll(tenant, deviceA, new EventFilter
            {
                From = deviceAEvents[5].Time, To = deviceAEvents[45].Time, Offset = 10, Limit = 25,
            });
            Assert.Equal(deviceAEvents[15..40].Select(e => e.EventId), page.Select(e => e.EventId));

            // Retention of one name on the first day only (what (tenant_id, name, time) was made for).
            var cutoff = Received.AddHours(12);
            var expiring = firstDay.Count(e => e.Name == "app.page.viewed");
            Assert.Equal(expiring, await store.DeleteReceivedBeforeAsync(tenant, cutoff, "app.page.viewed"));
            Assert.Equal(60 - expiring, await store.CountAsync(tenant));
            Assert.Equal(20, (await store.ReadAll(tenant, deviceA, new EventFilter { From = secondDay[0].Time })).Count);

            // Device erasure finds device B's events through the new index and leaves device A's.
            Assert.Equal(10, await store.DeleteDeviceAsync(tenant, deviceB));
            Assert.Empty(await store.ReadAll(tenant, deviceB));
            Assert.Equal(50 - expiring, await store.CountAsync(tenant));

            // A bulk deletion by a range of event time (what the BRIN index on time serves) takes exactly that range.
            Assert.Equal(5, await store.DeleteEventsAsync(tenant, new BulkDeletion { From = secondDay[5].Time, To = secondDay[10].Time }));
            Assert.Equal(45 - expiring, await store.CountAsync(tenant));
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    private static async Task<List<string>> EventIndexesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'events' ORDER BY indexname COLLATE \"C\"", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task<long> LastArrivalIdAsync()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(max(arrival_id), 0) FROM analytics_arrivals", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<(DateTimeOffset First, DateTimeOffset Last, long Events)>> ArrivalsAfterAsync(long id)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT first_received, last_received, events FROM analytics_arrivals WHERE arrival_id > @id ORDER BY arrival_id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(DateTimeOffset, DateTimeOffset, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2)));
        }

        return rows;
    }
}

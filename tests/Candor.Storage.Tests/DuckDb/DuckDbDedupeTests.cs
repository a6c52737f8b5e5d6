using Candor.Storage.DuckDb;
using Candor.Storage.DuckDb.Dedupe;
using DuckDB.NET.Data;
using Xunit;

namespace Candor.Storage.Tests.DuckDb;

/// <summary>The DuckDB store's own duplicate check (no primary key since migration 0010): both routes, against a
/// real DuckDB file, across calls, inside a call, across tenants and across a reopening of the file.</summary>
public sealed class DuckDbDedupeTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private DuckDbStore _store = null!;

    public async Task InitializeAsync() => _store = await OpenAsync();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<DuckDbStore> OpenAsync(int memoryLimitMiB = 512, int? checkpointThresholdMiB = null)
    {
        var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions
        {
            DataFolder = _folder.Path,
            MemoryLimitMiB = memoryLimitMiB,
            CheckpointThresholdMiB = checkpointThresholdMiB ?? new DuckDbStoreOptions().CheckpointThresholdMiB,
            TimeProvider = new FixedClock(TestEvents.Base.AddDays(1)),
        });
        await store.MigrateAsync();
        return store;
    }

    private async Task ReopenAsync()
    {
        await _store.DisposeAsync();
        _store = await OpenAsync();
    }

    public static TheoryData<bool> IdKinds => new() { true, false };

    private static List<StoredEvent> Events(bool timeOrdered, Guid tenant, Guid device, int count, int first = 0) =>
        timeOrdered ? TestEvents.ManyTimeOrdered(tenant, device, count, first)
            : Enumerable.Range(first, count).Select(i => TestEvents.Make(tenant, device, i)).ToList();

    [Theory]
    [MemberData(nameof(IdKinds))]
    public async Task Retried_batch_stores_nothing_twice_across_calls_within_a_call_and_after_reopening(bool timeOrdered)
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var stored = Events(timeOrdered, tenant, device, 2_000);
        Assert.Equal(2_000, (await _store.AppendAsync(stored)).Stored);

        var fresh = Events(timeOrdered, tenant, device, 10, first: 2_000);
        var batch = new List<StoredEvent> { fresh[0], stored[1_999], fresh[1], fresh[0], stored[0] };
        var result = await _store.AppendAsync(batch);
        Assert.Equal(2, result.Stored);
        Assert.Equal([1, 3, 4], result.DuplicateIndexes);

        await ReopenAsync();
        var again = await _store.AppendAsync([.. stored.Take(500), .. fresh]);
        Assert.Equal(8, again.Stored);
        Assert.Equal(Enumerable.Range(0, 502), again.DuplicateIndexes);
        Assert.Equal(2_010, await _store.CountAsync(tenant));
        Assert.Equal(2_010, (await _store.ReadAll(tenant, device)).Select(e => e.EventId).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(IdKinds))]
    public async Task Same_id_in_another_tenant_is_another_event_and_never_a_duplicate_across_tenants(bool timeOrdered)
    {
        var (a, b, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var inA = Events(timeOrdered, a, device, 100);
        var inB = inA.Select(e => e with { TenantId = b }).ToList();

        Assert.Equal(100, (await _store.AppendAsync(inA)).Stored);
        Assert.Equal(100, (await _store.AppendAsync(inB)).Stored);
        await ReopenAsync();
        Assert.Equal(200, (await _store.AppendAsync([.. inB, .. inA])).DuplicateIndexes.Count);
        Assert.Equal(100, await _store.CountAsync(a));
        Assert.Equal(100, await _store.CountAsync(b));
    }

    [Fact]
    public async Task Time_ordered_ids_are_checked_by_the_recent_filter_and_the_id_range_without_day_filters()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.ManyTimeOrdered(tenant, device, 1_000);
        await _store.AppendAsync(events);
        Assert.Equal(1_000, (await _store.AppendAsync(events)).DuplicateIndexes.Count);

        var dedupe = _store.Dedupe;
        Assert.Equal(0, dedupe.FilterDays);
        Assert.Equal(0, dedupe.LookedUpRows);
        Assert.Equal(2_000, dedupe.CheckedRows);
    }

    [Fact]
    public async Task Fresh_time_ordered_ids_above_the_floor_need_no_read_and_retries_are_still_found()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var first = TestEvents.ManyTimeOrdered(tenant, device, 1_000);
        Assert.Equal(1_000, (await _store.AppendAsync(first)).Stored);
        Assert.Equal(1_000, _store.Dedupe.RecentNewRows);

        // A retry: every key is in the filter, so every one goes to the range check, which finds them all.
        Assert.Equal(1_000, (await _store.AppendAsync(first)).DuplicateIndexes.Count);
        Assert.Equal(1_000, _store.Dedupe.RecentNewRows);

        // Reopened, the floor is the highest stored id: the old ids are at or below it, later ones above it.
        await ReopenAsync();
        var later = TestEvents.ManyTimeOrdered(tenant, device, 500, first: 1_000);
        var result = await _store.AppendAsync([.. first.Take(100), .. later]);
        Assert.Equal(500, result.Stored);
        Assert.Equal(Enumerable.Range(0, 100), result.DuplicateIndexes);
        Assert.Equal(500, _store.Dedupe.RecentNewRows);
        Assert.Equal(1_500, await _store.CountAsync(tenant));
    }

    [Fact]
    public async Task A_full_recent_filter_raises_its_floor_and_retries_and_late_uploads_across_the_rotations_stay_exact()
    {
        await _store.DisposeAsync();
        _store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions
        {
            DataFolder = _folder.Path,
            TimeProvider = new FixedClock(TestEvents.Base.AddDays(1)),
            RecentIdCapacity = 64,
        });
        await _store.MigrateAsync();
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());

        // Batches of 50 fill the filter of 64 every other append: eight batches, four rotations. The fifth and seventh
        // go in out of order (lower ids after higher ones), as concurrent uploads can.
        var batches = Enumerable.Range(0, 8).Select(b => TestEvents.ManyTimeOrdered(tenant, device, 50, first: b * 50)).ToList();
        foreach (var b in new[] { 0, 1, 2, 3, 5, 4, 7, 6 })
        {
            Assert.Equal(50, (await _store.AppendAsync(batches[b])).Stored);
        }

        foreach (var batch in batches)
        {
            Assert.Equal(50, (await _store.AppendAsync(batch)).DuplicateIndexes.Count);
        }

        // A late upload of events older than everything stored (below the floor): new, and then duplicates.
        var late = TestEvents.ManyTimeOrdered(tenant, device, 40, first: 2_000)
            .Select(e => e with { Time = e.Time.AddDays(-1), EventId = TestEvents.V7(e.Time.AddDays(-1)) }).ToList();
        Assert.Equal(40, (await _store.AppendAsync(late)).Stored);
        Assert.Equal(40, (await _store.AppendAsync(late)).DuplicateIndexes.Count);
        Assert.Equal(440, await _store.CountAsync(tenant));
        Assert.Equal(440, (await _store.ReadAll(tenant, device)).Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task A_row_written_into_event_rows_by_sql_is_a_duplicate_for_the_next_append()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var stored = TestEvents.ManyTimeOrdered(tenant, device, 10);
        await _store.AppendAsync(stored);
        var next = TestEvents.ManyTimeOrdered(tenant, device, 1, first: 100)[0];

        // Above the floor and unknown to the filter: only the filters being dropped after the write can find it.
        await _store.ExecuteAsync([new SqlStatement(
            "INSERT INTO event_rows SELECT tenant_id, CAST($1 AS UUID), name, level, category, envelope_id, session_id, device_id, seq, " +
            "time, received_at, data FROM event_rows LIMIT 1", next.EventId.ToString())]);

        Assert.Equal([0], (await _store.AppendAsync([next])).DuplicateIndexes);
        Assert.Equal(11, await _store.CountAsync(tenant));
    }

    [Fact]
    public async Task Sql_that_only_reads_event_rows_keeps_the_filters()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 300);
        await _store.AppendAsync(events);
        Assert.Equal(300, _store.Dedupe.FilterKeys);

        // The projector's rounds read event_rows and event_envelopes through ExecuteAsync (an INSERT ... SELECT into a
        // fact table); dropping the filters each round would make the next append rebuild them from the store.
        await _store.ExecuteAsync([new SqlStatement(
            "INSERT INTO analytics_watermark (projection, watermark) SELECT 'probe', max(r.received_at) FROM event_rows r " +
            "JOIN event_envelopes v ON v.envelope_id = r.envelope_id")]);
        Assert.Equal(300, _store.Dedupe.FilterKeys);

        await _store.ExecuteAsync([new SqlStatement("DELETE FROM event_rows WHERE seq < 0")]);
        Assert.Equal(0, _store.Dedupe.FilterKeys);
        Assert.Equal(300, (await _store.AppendAsync(events)).DuplicateIndexes.Count);
    }

    [Fact]
    public async Task Random_ids_are_checked_by_the_day_filter_and_only_its_positives_are_looked_up()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 1_000);
        await _store.AppendAsync(events);
        var retry = await _store.AppendAsync(events);

        Assert.Equal(1_000, retry.DuplicateIndexes.Count);
        var dedupe = _store.Dedupe;
        Assert.True(dedupe.FilterDays >= 1);
        Assert.Equal(1_000, dedupe.FilterKeys);
        // Every retried id is a positive; of the first 1,000 new ids, at most a few false positives.
        Assert.InRange(dedupe.LookedUpRows, 1_000, 1_010);
    }

    [Fact]
    public async Task A_time_ordered_event_resent_among_random_ids_is_found_by_the_filter_route()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var ordered = TestEvents.ManyTimeOrdered(tenant, device, 50);
        await _store.AppendAsync(ordered);

        // Random ids and an id from a clock two days off put the ordered copy outside the batch's densest hour.
        var skewed = TestEvents.Make(tenant, device, 60) with { EventId = TestEvents.V7(TestEvents.Base.AddDays(-2)) };
        var result = await _store.AppendAsync([skewed, ordered[10], .. TestEvents.Many(tenant, device, 5)]);

        Assert.Equal(6, result.Stored);
        Assert.Equal([1], result.DuplicateIndexes);
        await ReopenAsync();
        Assert.Equal([0, 1], (await _store.AppendAsync([skewed, ordered[10]])).DuplicateIndexes);
        Assert.Equal(56, await _store.CountAsync(tenant));
    }

    [Theory]
    [MemberData(nameof(IdKinds))]
    public async Task Events_older_than_the_window_are_still_deduplicated_by_an_exact_look_up(bool timeOrdered)
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var old = Events(timeOrdered, tenant, device, 30)
            .Select(e => e with { Time = e.Time.AddYears(-3), EventId = timeOrdered ? TestEvents.V7(e.Time.AddYears(-3)) : e.EventId })
            .ToList();

        Assert.Equal(30, (await _store.AppendAsync(old)).Stored);
        Assert.Equal(30, (await _store.AppendAsync(old)).DuplicateIndexes.Count);
        Assert.Equal(0, _store.Dedupe.FilterDays);
    }

    [Fact]
    public async Task Deleted_events_leave_no_false_duplicate_behind()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 100);
        await _store.AppendAsync(events);
        Assert.Equal(100, await _store.DeleteDeviceAsync(tenant, device));

        Assert.Equal(100, (await _store.AppendAsync(events)).Stored);
    }

    [Fact]
    public async Task Memory_limit_is_the_option_and_512_MiB_by_default()
    {
        Assert.Equal("512.0 MiB", Setting(_store.FilePath, "memory_limit"));
        await _store.DisposeAsync();
        _store = await OpenAsync(memoryLimitMiB: 256);
        Assert.Equal("256.0 MiB", Setting(_store.FilePath, "memory_limit"));
    }

    [Fact]
    public async Task Checkpoint_threshold_is_the_option_and_64_MiB_by_default()
    {
        Assert.Equal("64.0 MiB", Setting(_store.FilePath, "checkpoint_threshold"));
        await _store.DisposeAsync();
        _store = await OpenAsync(checkpointThresholdMiB: 16);
        Assert.Equal("16.0 MiB", Setting(_store.FilePath, "checkpoint_threshold"));
    }

    [Fact]
    public async Task The_allocator_purges_freed_memory_in_the_background_and_flushes_from_32_MiB_also_after_a_reopen()
    {
        // Issue 11: without these, an analytics round held up to about 250 MiB of freed pages above memory_limit.
        void AssertSettings()
        {
            Assert.Equal("true", Listed(_store.FilePath, "allocator_background_threads"));
            Assert.Equal("32.0 MiB", Listed(_store.FilePath, "allocator_flush_threshold"));
            Assert.Equal("64.0 MiB", Listed(_store.FilePath, "allocator_bulk_deallocation_flush_threshold"));
        }

        AssertSettings();
        await _store.DisposeAsync();
        _store = await OpenAsync(memoryLimitMiB: 256);
        AssertSettings();
    }

    [Fact]
    public async Task Threads_are_DuckDBs_default_unless_the_option_sets_them()
    {
        Assert.Equal((long)Environment.ProcessorCount, Threads(_store.FilePath));
        await _store.DisposeAsync();
        _store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _folder.Path, Threads = 1 });
        Assert.Equal(1L, Threads(_store.FilePath));
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal(100, (await _store.AppendAsync(TestEvents.Many(tenant, device, 100))).Stored);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DuckDbStore.OpenAsync(
            new DuckDbStoreOptions { DataFolder = _folder.Path, Threads = 0 }));
        Assert.Contains("Threads must be between 1 and 256 (got 0)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_past_the_checkpoint_threshold_are_checkpointed_and_found_by_the_duplicate_check_after_a_reopen()
    {
        // A 1 MiB threshold makes these commits checkpoint on their own: the rows reach the file, the log is short,
        // and a retry after a reopen still stores nothing twice.
        await _store.DisposeAsync();
        _store = await OpenAsync(checkpointThresholdMiB: 1);
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 20_000);
        for (var from = 0; from < events.Count; from += 2_000)
        {
            Assert.Equal(2_000, (await _store.AppendAsync(events.GetRange(from, 2_000))).Stored);
        }

        Assert.True(new FileInfo(_store.FilePath + ".wal") is { Exists: false } or { Length: < 1024 * 1024 },
            "the log should have been checkpointed into the file");
        await ReopenAsync();
        var retry = await _store.AppendAsync(events);
        Assert.Equal(0, retry.Stored);
        Assert.Equal(events.Count, retry.DuplicateIndexes.Count);
        Assert.Equal(events.Count, await _store.CountAsync(tenant));
    }

    [Fact]
    public async Task Invalid_memory_limit_window_and_checkpoint_threshold_are_reported_together()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DuckDbStore.OpenAsync(
            new DuckDbStoreOptions { DataFolder = _folder.Path, MemoryLimitMiB = 1, DedupeWindowDays = 0, CheckpointThresholdMiB = 0 }));
        Assert.Contains("MemoryLimitMiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("DedupeWindowDays", error.Message, StringComparison.Ordinal);
        Assert.Contains("CheckpointThresholdMiB must be between 1 and 1024 (got 0)", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<ArgumentException>(() => DuckDbStore.OpenAsync(
            new DuckDbStoreOptions { DataFolder = _folder.Path, CheckpointThresholdMiB = 1_025 }));
        Assert.Contains("CheckpointThresholdMiB must be between 1 and 1024 (got 1025)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_block_bloom_filter_has_no_false_negatives_and_about_a_tenth_of_a_percent_false_positives()
    {
        var filters = new KeyFilters();
        var filter = new SplitBlockBloomFilter(100_000);
        var added = Enumerable.Range(0, 100_000).Select(_ => filters.Hash(Guid.NewGuid(), Guid.NewGuid())).ToList();
        added.ForEach(filter.Add);

        Assert.All(added, h => Assert.True(filter.MightContain(h)));
        var falsePositives = Enumerable.Range(0, 1_000_000).Count(_ => filter.MightContain(filters.Hash(Guid.NewGuid(), Guid.NewGuid())));
        Assert.InRange(falsePositives, 0, 3_000);
        Assert.Equal(200_000, filter.Bytes);
    }

    /// <summary>The window counts back from the store's clock: fixed a day after the test events.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static object? Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static long Threads(string path)
    {
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        return (long)Scalar(connection, "SELECT current_setting('threads')")!;
    }

    /// <summary>A setting as duckdb_settings() lists it (text, whatever its type).</summary>
    private static string Listed(string path, string name)
    {
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        return (string)Scalar(connection, $"SELECT value FROM duckdb_settings() WHERE name = '{name}'")!;
    }

    private static string Setting(string path, string name)
    {
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        return (string)Scalar(connection, $"SELECT current_setting('{name}')")!;
    }
}

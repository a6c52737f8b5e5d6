using System.Text.Json;
using Candor.Storage.DuckDb;
using DuckDB.NET.Data;
using Xunit;

namespace Candor.Storage.Tests.DuckDb;

/// <summary>The time-ordered duplicate check reads a pruned id range, not the whole table (docs/operations.md,
/// "DuckDB: duplicate check"): a real DuckDB file filled with version 7 ids in arrival order, the
/// store's own check statement (<see cref="DuckDbStore.RangeCheckSql"/>) run with DuckDB's profiler, and the rows
/// its scan of <c>event_rows</c> read (<c>operator_rows_scanned</c> of the TABLE_SCAN) compared for a batch of recent
/// ids and for a batch whose ids span the whole table.</summary>
public sealed class DuckDbZoneMapTests : IDisposable
{
    /// <summary>Sixteen row groups of DuckDB's 122,880 rows: enough that one row group is a small share.</summary>
    private const int Rows = 16 * 122_880;

    private const int BatchSize = 10_000;

    /// <summary>The rows' times spread over two days, so that a batch of 10,000 consecutive ids spans under the
    /// range route's hour (15 minutes), as a group commit of a fleet's stream does.</summary>
    private const int Days = 2;

    private static readonly DateTimeOffset End = TestEvents.Base;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Duplicate_check_of_recent_time_ordered_ids_scans_a_small_fraction_of_events_and_a_table_wide_range_scans_it_all()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var store = await OpenAsync())
        {
            // Creates the schema only.
        }

        List<Guid> recent, spread;
        long scannedRecent, scannedSpread;
        using (var db = Connect())
        {
            Fill(db, tenant, device);
            Assert.Equal(Rows, Scalar(db, "SELECT count(*) FROM events"));

            // A retried group commit: 10,000 consecutive ids from the last hours, as the collector's next check sees them.
            recent = Ids(db, $"SELECT event_id FROM events ORDER BY event_id LIMIT {BatchSize} OFFSET {Rows - (3 * BatchSize)}");
            // The same number of ids, one every Rows / 10,000 rows: the range spans the whole table.
            spread = Ids(db, $"SELECT event_id FROM (SELECT event_id, row_number() OVER (ORDER BY event_id) AS n FROM events) WHERE n % {Rows / BatchSize} = 0 LIMIT {BatchSize}");

            int foundRecent, foundSpread;
            (scannedRecent, foundRecent) = ProfileCheck(db, tenant, recent);
            (scannedSpread, foundSpread) = ProfileCheck(db, tenant, spread);

            Assert.Equal(BatchSize, foundRecent);
            Assert.Equal(BatchSize, foundSpread);
        }

        // The recent batch lies in one or two row groups: its scan reads under 15 % of the table (two row groups of
        // sixteen are 12.5 %), the table-wide one reads nearly all of it. Both bounds would fail if the range were
        // not pruned by the zone maps, or if the spread batch were pruned by something else the test did not mean.
        Assert.True(scannedRecent > 0, "the profiler reported no rows scanned for the recent batch");
        Assert.True(scannedRecent < Rows * 0.15, $"recent batch: {scannedRecent:N0} of {Rows:N0} rows scanned");
        Assert.True(scannedSpread > Rows * 0.9, $"table-wide batch: {scannedSpread:N0} of {Rows:N0} rows scanned");
        Assert.True(scannedSpread > scannedRecent * 6, $"recent {scannedRecent:N0} against table-wide {scannedSpread:N0} rows scanned");
        Console.WriteLine($"zone maps: recent batch {scannedRecent:N0}, table-wide batch {scannedSpread:N0} of {Rows:N0} rows scanned");

        // The store itself takes the range route for the retried recent batch: every event a duplicate, none looked up.
        await using (var store = await OpenAsync())
        {
            var batch = recent.Select((id, i) => TestEvents.Make(tenant, device, i) with { EventId = id, Time = V7Time(id) }).ToList();
            var result = await store.AppendAsync(batch);
            Assert.Equal(BatchSize, result.DuplicateIndexes.Count);
            Assert.Equal(0, store.Dedupe.LookedUpRows);
            Assert.Equal(Rows, await store.CountAsync(tenant));
        }
    }

    /// <summary>Two days of rows ending at <see cref="End"/>, in time order as the collector appends a fleet's stream,
    /// each with a version 7 id of its time (48 bits of milliseconds, version 7, then random bits), then checkpointed
    /// as the collector's file would be.</summary>
    private static void Fill(DuckDBConnection db, Guid tenant, Guid device)
    {
        var start = End.AddDays(-Days).ToUnixTimeMilliseconds();
        var step = TimeSpan.FromDays(Days).TotalMilliseconds / Rows;
        using (var fill = db.CreateCommand())
        {
            fill.CommandText = $$"""
                INSERT INTO event_envelopes VALUES (1, $tenant, 'd365.field-service', '9.3.2411.1', 'candor-dotnet/1.0.0', 'mobile',
                                                    'Android', '14', 'arm64', 'en-GB');
                INSERT INTO event_rows
                SELECT $tenant,
                       (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(gen_random_uuid()::VARCHAR, 16))::UUID,
                       'fieldservice.sync.completed', 'required', 'product_and_service_performance', 1, gen_random_uuid(), $device,
                       i, epoch_ms(ms), epoch_ms(ms), '{"durationMs":1840,"recordCount":312,"result":"success"}'
                FROM (SELECT i, ms, lpad(to_hex(ms), 12, '0') AS h
                      FROM (SELECT i, $start + CAST(floor(i * $step) AS BIGINT) AS ms FROM range({{Rows}}) r(i)))
                ORDER BY i
                """;
            fill.Parameters.Add(new DuckDBParameter("tenant", tenant));
            fill.Parameters.Add(new DuckDBParameter("device", device));
            fill.Parameters.Add(new DuckDBParameter("start", start));
            fill.Parameters.Add(new DuckDBParameter("step", step));
            fill.ExecuteNonQuery();
        }

        Run(db, "CHECKPOINT");
    }

    /// <summary>Runs the store's range check for <paramref name="ids"/> (all stored) with DuckDB's JSON profiler and
    /// returns the rows the scan of <c>event_rows</c> read and the duplicates the check found.</summary>
    private (long Scanned, int Found) ProfileCheck(DuckDBConnection db, Guid tenant, List<Guid> ids)
    {
        Run(db, DuckDbStore.KeysTableSql);
        using (var appender = db.CreateAppender("temp", "main", "candor_keys"))
        {
            for (var i = 0; i < ids.Count; i++)
            {
                appender.CreateRow().AppendValue(i).AppendValue(tenant).AppendValue(ids[i]).AppendValue(true).EndRow();
            }
        }

        Guid low, high;
        using (var range = db.CreateCommand())
        {
            range.CommandText = "SELECT min(event_id), max(event_id) FROM candor_keys";
            using var reader = range.ExecuteReader();
            reader.Read();
            (low, high) = (reader.GetGuid(0), reader.GetGuid(1));
        }

        var profile = Path.Combine(_folder.Path, "profile-" + Guid.NewGuid().ToString("N") + ".json");
        Run(db, "PRAGMA enable_profiling = 'json'");
        Run(db, $"PRAGMA profiling_output = '{profile}'");
        var found = 0;
        try
        {
            using var check = db.CreateCommand();
            check.CommandText = DuckDbStore.RangeCheckSql;
            check.Parameters.Add(new DuckDBParameter("low", low));
            check.Parameters.Add(new DuckDBParameter("high", high));
            using var reader = check.ExecuteReader();
            while (reader.Read())
            {
                found++;
            }
        }
        finally
        {
            Run(db, "PRAGMA disable_profiling");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(profile));
        var scans = Operators(json.RootElement)
            .Where(o => o.GetProperty("operator_type").GetString() == "TABLE_SCAN" && Names(o, "event_rows"))
            .ToList();
        Assert.True(scans.Count == 1, "expected one scan of event_rows in the profile: " + File.ReadAllText(profile));
        return (scans[0].GetProperty("operator_rows_scanned").GetInt64(), found);
    }

    private static IEnumerable<JsonElement> Operators(JsonElement node)
    {
        if (node.TryGetProperty("operator_type", out _))
        {
            yield return node;
        }

        if (node.TryGetProperty("children", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                foreach (var o in Operators(child))
                {
                    yield return o;
                }
            }
        }
    }

    private static bool Names(JsonElement scan, string table) =>
        scan.TryGetProperty("extra_info", out var info) && info.ValueKind == JsonValueKind.Object
        && info.TryGetProperty("Table", out var name) && name.GetString() is { } n
        && (n == table || n.EndsWith("." + table, StringComparison.Ordinal)); // DuckDB 1.5 qualifies it: candor.main.events

    private static DateTimeOffset V7Time(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long ms = 0;
        for (var i = 0; i < 6; i++)
        {
            ms = (ms << 8) | bytes[i];
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    private async Task<DuckDbStore> OpenAsync()
    {
        var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _folder.Path, TimeProvider = new FixedClock(End.AddHours(1)) });
        await store.MigrateAsync();
        return store;
    }

    private DuckDBConnection Connect()
    {
        var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder
        {
            DataSource = Path.Combine(_folder.Path, DuckDbStoreOptions.DefaultFileName),
        }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static List<Guid> Ids(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var ids = new List<Guid>();
        while (reader.Read())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private static long Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Run(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

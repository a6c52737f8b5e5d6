using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Candor.Core.Model;
using Candor.Storage.Schema;
using DuckDB.NET.Data;

namespace Candor.Storage.DuckDb;

public sealed partial class DuckDbStore
{
    private const string EventColumns =
        "tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id, device_class, " +
        "os, os_version, arch, locale, seq, time, received_at, data";

    /// <inheritdoc />
    /// <remarks>Repeats within the call are found in memory first. The rest go through DuckDB's appender straight
    /// into <c>events</c> inside one transaction, which commits (and syncs the write-ahead log) before this
    /// returns; the primary key checks every row as it is appended. When it finds an event already stored, the
    /// transaction is rolled back, so nothing of the call is kept, and the call takes the slower path: the
    /// appender into a connection-local staging table, then <c>INSERT ... SELECT ... ON CONFLICT DO NOTHING
    /// RETURNING</c> to learn which ones were new. Appending in place saves the copy out of the staging table in
    /// the common case of no duplicates (docs/benchmarks.md); an anti-join would scan all stored events on
    /// every call.</remarks>
    public Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
    {
        StoreText.Validate(events);
        if (events.Count == 0)
        {
            return Task.FromResult(new AppendResult(0, []));
        }

        return WriteAsync(() => Append(events), cancellationToken);
    }

    private AppendResult Append(IReadOnlyList<StoredEvent> events)
    {
        var duplicates = new List<int>();
        var unique = StoreText.FirstOccurrences(events, duplicates);
        if (TryAppendInPlace(events, unique))
        {
            duplicates.Sort();
            return new AppendResult(unique.Count, duplicates);
        }

        if (!_stagingReady)
        {
            Execute(_writer, "CREATE OR REPLACE TEMP TABLE candor_staging AS SELECT * FROM events LIMIT 0");
            _stagingReady = true;
        }

        try
        {
            using (var appender = _writer.CreateAppender("temp", "main", "candor_staging"))
            {
                foreach (var index in unique)
                {
                    AppendRow(appender, events[index]);
                }
            }

            var stored = InsertSkippingStored(events, unique, duplicates);
            duplicates.Sort();
            return new AppendResult(stored, duplicates);
        }
        finally
        {
            Execute(_writer, "DELETE FROM candor_staging");
        }
    }

    /// <summary>Appends every row in one transaction; false (and nothing kept) when DuckDB refused a row, e.g. a
    /// duplicate key. Any refusal of a row sends the call down the slower path, which reports a real error
    /// again; a failed commit is the store's error and is thrown as it is (DuckDB has ended that transaction).</summary>
    private bool TryAppendInPlace(IReadOnlyList<StoredEvent> events, List<int> unique)
    {
        Execute(_writer, "BEGIN TRANSACTION");
        var committing = false;
        try
        {
            using (var appender = _writer.CreateAppender("events"))
            {
                foreach (var index in unique)
                {
                    AppendRow(appender, events[index]);
                }
            }

            committing = true;
            Execute(_writer, "COMMIT");
            return true;
        }
        catch (DuckDBException) when (!committing)
        {
            Execute(_writer, "ROLLBACK");
            return false;
        }
    }

    private int InsertSkippingStored(IReadOnlyList<StoredEvent> events, List<int> unique, List<int> duplicates)
    {
        var inserted = new HashSet<(Guid, Guid)>(unique.Count);
        using (var command = Command(_writer,
            $"INSERT INTO events ({EventColumns}) SELECT {EventColumns} FROM candor_staging ON CONFLICT DO NOTHING RETURNING tenant_id, event_id"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                inserted.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        foreach (var index in unique)
        {
            if (!inserted.Contains((events[index].TenantId, events[index].EventId)))
            {
                duplicates.Add(index);
            }
        }

        return inserted.Count;
    }

    private static void AppendRow(DuckDBAppender appender, StoredEvent e) =>
        appender.CreateRow()
            .AppendValue(e.TenantId)
            .AppendValue(e.EventId)
            .AppendValue(e.Name)
            .AppendValue(e.Level.ToWire())
            .AppendValue(e.Category.ToWire())
            .AppendValue(e.Product)
            .AppendValue(e.AppVersion)
            .AppendValue(e.Sdk)
            .AppendValue(e.SessionId)
            .AppendValue(e.DeviceId)
            .AppendValue(e.DeviceClass)
            .AppendValue(e.Os)
            .AppendValue(e.OsVersion)
            .AppendValue(e.Arch)
            .AppendValue(e.Locale)
            .AppendValue(e.Seq)
            .AppendValue(Utc(e.Time))
            .AppendValue(Utc(e.ReceivedAt))
            .AppendValue(e.Data)
            .EndRow();

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReadDeviceEventsAsync(Guid tenantId, Guid deviceId, EventFilter? filter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        filter ??= new EventFilter();
        StoreText.ValidatePaging(filter);
        var sql = new StringBuilder($"SELECT {EventColumns} FROM events WHERE tenant_id = $tenant AND device_id = $device");
        var parameters = new List<(string, object?)> { ("tenant", tenantId), ("device", deviceId) };
        if (filter.Level is { } level)
        {
            sql.Append(" AND level = $level");
            parameters.Add(("level", level.ToWire()));
        }

        if (filter.Category is { } category)
        {
            sql.Append(" AND category = $category");
            parameters.Add(("category", category.ToWire()));
        }

        if (filter.From is { } from)
        {
            sql.Append(" AND time >= $from");
            parameters.Add(("from", Utc(from)));
        }

        if (filter.To is { } to)
        {
            sql.Append(" AND time < $to");
            parameters.Add(("to", Utc(to)));
        }

        // Paging needs a total order: time alone can tie, the primary key cannot.
        sql.Append(" ORDER BY time, seq, event_id");
        if (filter.Limit is { } limit)
        {
            sql.Append(CultureInfo.InvariantCulture, $" LIMIT {limit}");
        }

        if (filter.Offset > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $" OFFSET {filter.Offset}");
        }

        // DuckDB's reader blocks; leave the caller's synchronous path before it does.
        await Task.Yield();
        using var connection = ReadConnection();
        using var command = Command(connection, sql.ToString(), [.. parameters]);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return StoredEventRows.Read(reader, ReadTime);
        }
    }

    /// <inheritdoc />
    /// <remarks>Walks every device-keyed table (<see cref="EraseDeviceAsync"/>), not only the events.</remarks>
    public async Task<long> DeleteDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) =>
        (await EraseDeviceAsync(tenantId, deviceId, cancellationToken).ConfigureAwait(false))["events"];

    /// <inheritdoc />
    public Task<long> DeleteReceivedBeforeAsync(Guid tenantId, DateTimeOffset cutoff, string? eventName = null,
        CancellationToken cancellationToken = default) =>
        WriteAsync(() => eventName is null
            ? DeleteEventsWithFacts(e => $"{e}.tenant_id = $tenant AND {e}.received_at < $cutoff",
                [("tenant", tenantId), ("cutoff", Utc(cutoff))])
            : DeleteEventsWithFacts(e => $"{e}.tenant_id = $tenant AND {e}.received_at < $cutoff AND {e}.name = $name",
                [("tenant", tenantId), ("cutoff", Utc(cutoff)), ("name", eventName)]), cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(Guid tenantId, DataLevel? level = null, DataCategory? category = null,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = ReadConnection();
        var sql = "SELECT count(*) FROM events WHERE tenant_id = $tenant"
            + (level is null ? "" : " AND level = $level")
            + (category is null ? "" : " AND category = $category");
        var parameters = new List<(string, object?)> { ("tenant", tenantId) };
        if (level is { } l)
        {
            parameters.Add(("level", l.ToWire()));
        }

        if (category is { } c)
        {
            parameters.Add(("category", c.ToWire()));
        }

        using var command = Command(connection, sql, [.. parameters]);
        return Task.FromResult(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Candor.Core.Model;
using Candor.Storage.Schema;
using Npgsql;
using NpgsqlTypes;

namespace Candor.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string EventColumns =
        "tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id, device_class, " +
        "os, os_version, arch, locale, seq, time, received_at, data";

    /// <summary>The columns in <see cref="EventColumns"/> order, with data as the JSON text.</summary>
    private const string ReadColumns =
        "tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id, device_class, " +
        "os, os_version, arch, locale, seq, time, received_at, data::text";

    /// <inheritdoc />
    /// <remarks>The batch write of every PostgreSQL ingest path (the collector's group commit, the cluster's
    /// loaders): one transaction that stores each new event once and reports the rest as duplicates, exactly,
    /// across the partitions by received day. Repeats within the call are found in memory; then, holding the
    /// advisory locks of the batch's tenant stripes (so that no other writer can store one of these ids between
    /// the check and the commit), the ids are looked up in the days an earlier copy can have been received
    /// (<see cref="DuplicateHorizon"/>), and the events not found are binary-copied straight into events, with
    /// no staging table: BEGIN, the locks, the look-up and the analytics arrival go in one round trip, then the
    /// copy, then COMMIT. A deadlock, a serialization failure, a unique violation (a writer outside this
    /// protocol) or a day whose partition another process dropped rolls the transaction back whole and is
    /// retried, so trying again cannot store anything twice.</remarks>
    public async Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
    {
        StoreText.Validate(events);
        if (events.Count == 0)
        {
            return new AppendResult(0, []);
        }

        var duplicates = new List<int>();
        var unique = StoreText.FirstOccurrences(events, duplicates);
        var stored = new List<int>(unique.Count);
        for (var attempt = 1; ; attempt++)
        {
            await EnsurePartitionsAsync(BatchDays(events, unique), cancellationToken).ConfigureAwait(false);
            try
            {
                await InsertAsync(events, unique, stored, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState is DeadlockDetected or SerializationFailure or UniqueViolation or NoPartition
                && attempt < 3)
            {
                stored.Clear();
                if (ex.SqlState == NoPartition)
                {
                    ForgetPartitions();
                }
            }
        }

        if (stored.Count != unique.Count)
        {
            duplicates.AddRange(unique.Except(stored));
            duplicates.Sort();
        }

        await AnalyzeYoungDaysAsync(events, stored).ConfigureAwait(false);
        return new AppendResult(stored.Count, duplicates);
    }

    /// <summary>The received days of the batch, and the day after the last one, so that the writer that first
    /// meets a new day also creates the next before it is needed.</summary>
    private static IEnumerable<DateOnly> BatchDays(IReadOnlyList<StoredEvent> events, List<int> unique)
    {
        var days = new HashSet<DateOnly>();
        foreach (var index in unique)
        {
            days.Add(Day(events[index].ReceivedAt));
        }

        days.Add(days.Max().AddDays(1));
        return days;
    }

    /// <summary>Three round trips when nothing is a duplicate: the look-up (with BEGIN, the locks and the analytics
    /// arrival), the copy, and COMMIT.</summary>
    private async Task InsertAsync(IReadOnlyList<StoredEvent> events, List<int> unique, List<int> stored,
        CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var found = await LockAndFindStoredAsync(connection, events, unique, cancellationToken).ConfigureAwait(false);
        foreach (var index in unique)
        {
            if (found is null || !found.Contains((events[index].TenantId, events[index].EventId)))
            {
                stored.Add(index);
            }
        }

        if (stored.Count > 0)
        {
            await using var importer = await connection.BeginBinaryImportAsync(
                $"COPY events ({EventColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var index in stored)
            {
                await WriteRowAsync(importer, events[index], cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        // Not cancellable from here: once the commit is sent, the caller must learn its outcome.
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static async ValueTask WriteRowAsync(NpgsqlBinaryImporter importer, StoredEvent e, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.TenantId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.EventId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Name, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Level.ToWire(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Category.ToWire(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Product, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.AppVersion, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Sdk, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.SessionId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.DeviceId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.DeviceClass, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Os, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.OsVersion, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Arch, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Locale, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Time.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.ReceivedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(e.Data, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReadDeviceEventsAsync(Guid tenantId, Guid deviceId, EventFilter? filter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        filter ??= new EventFilter();
        StoreText.ValidatePaging(filter);
        var sql = new StringBuilder(
            $"SELECT {ReadColumns} FROM events WHERE tenant_id = @tenant AND device_id = @device");
        var parameters = new List<(string, object?)> { ("tenant", tenantId), ("device", deviceId) };
        if (filter.Level is { } level)
        {
            sql.Append(" AND level = @level");
            parameters.Add(("level", level.ToWire()));
        }

        if (filter.Category is { } category)
        {
            sql.Append(" AND category = @category");
            parameters.Add(("category", category.ToWire()));
        }

        if (filter.From is { } from)
        {
            sql.Append(" AND time >= @from");
            parameters.Add(("from", from));
        }

        if (filter.To is { } to)
        {
            sql.Append(" AND time < @to");
            parameters.Add(("to", to));
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

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql.ToString(), [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return StoredEventRows.Read(reader, ReadTime);
        }
    }

    /// <inheritdoc />
    /// <remarks>Walks every device-keyed table (<see cref="EraseDeviceAsync"/>), not only the events.</remarks>
    public async Task<long> DeleteDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) =>
        (await EraseDeviceAsync(tenantId, deviceId, cancellationToken).ConfigureAwait(false))["events"];

    /// <inheritdoc />
    public async Task<long> DeleteReceivedBeforeAsync(Guid tenantId, DateTimeOffset cutoff, string? eventName = null,
        CancellationToken cancellationToken = default)
    {
        return eventName is null
            ? await DeleteEventsWithFactsAsync(e => $"{e}.tenant_id = @tenant AND {e}.received_at < @cutoff", cancellationToken,
                ("tenant", tenantId), ("cutoff", cutoff)).ConfigureAwait(false)
            : await DeleteEventsWithFactsAsync(e => $"{e}.tenant_id = @tenant AND {e}.received_at < @cutoff AND {e}.name = @name",
                cancellationToken, ("tenant", tenantId), ("cutoff", cutoff), ("name", eventName)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(Guid tenantId, DataLevel? level = null, DataCategory? category = null,
        CancellationToken cancellationToken = default)
    {
        var sql = "SELECT count(*) FROM events WHERE tenant_id = @tenant"
            + (level is null ? "" : " AND level = @level")
            + (category is null ? "" : " AND category = @category");
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var parameters = new List<(string, object?)> { ("tenant", tenantId) };
        if (level is { } l)
        {
            parameters.Add(("level", l.ToWire()));
        }

        if (category is { } c)
        {
            parameters.Add(("category", c.ToWire()));
        }

        await using var command = Command(connection, sql, [.. parameters]);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}

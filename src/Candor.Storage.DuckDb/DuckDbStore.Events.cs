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
    /// <remarks>Repeats within the call are found in memory first; the rest are checked against the store
    /// (<see cref="FindStored"/>: a pruned id-range join for time-ordered ids, the day filters and an exact
    /// look-up for the others), then the new ones go through DuckDB's appender straight into <c>events</c>, all in
    /// one transaction that commits (and syncs the write-ahead log) before this returns. If anything fails, the
    /// transaction is rolled back and nothing of the call is kept.</remarks>
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
        var fresh = new List<int>(unique.Count);
        Execute(_writer, "BEGIN TRANSACTION");
        var committing = false;
        try
        {
            var stored = FindStored(events, unique);
            foreach (var index in unique)
            {
                if (stored.Contains(index))
                {
                    duplicates.Add(index);
                }
                else
                {
                    fresh.Add(index);
                }
            }

            if (fresh.Count > 0)
            {
                var envelopes = EnvelopeIds(events, fresh);
                using (var appender = _writer.CreateAppender("event_rows"))
                {
                    for (var i = 0; i < fresh.Count; i++)
                    {
                        AppendRow(appender, events[fresh[i]], envelopes[i]);
                    }
                }

                // The analytics projector's to-do list (migration 0021): in this transaction, so that a round sees the
                // row exactly when it can see the events, however long after their received_at they commit.
                Execute(_writer, "INSERT INTO analytics_arrivals (first_received, last_received, events) VALUES ($first, $last, $events)",
                    ("first", Utc(fresh.Min(i => events[i].ReceivedAt))), ("last", Utc(fresh.Max(i => events[i].ReceivedAt))),
                    ("events", (long)fresh.Count));
            }

            committing = true;
            Execute(_writer, "COMMIT");
        }
        catch
        {
            // Nothing of this call may stay, not even the envelope tuples it added to the map. (A failed COMMIT has
            // already ended the transaction.)
            ForgetEnvelopes();
            if (!committing)
            {
                Rollback();
            }

            throw;
        }

        Remember(events, fresh);
        duplicates.Sort();
        return new AppendResult(fresh.Count, duplicates);
    }

    /// <summary>Ends the open transaction without keeping it; a failure to roll back (DuckDB may have ended the
    /// transaction itself) must not hide the error that caused it.</summary>
    private void Rollback()
    {
        try
        {
            Execute(_writer, "ROLLBACK");
        }
        catch (DuckDBException)
        {
            // Already ended.
        }
    }

    /// <summary>One row of <c>event_rows</c>: the event without its envelope's strings, which its envelope id stands for
    /// (migration 0011).</summary>
    private static void AppendRow(DuckDBAppender appender, StoredEvent e, int envelopeId) =>
        appender.CreateRow()
            .AppendValue(e.TenantId)
            .AppendValue(e.EventId)
            .AppendValue(e.Name)
            .AppendValue(e.Level.ToWire())
            .AppendValue(e.Category.ToWire())
            .AppendValue(envelopeId)
            .AppendValue(e.SessionId)
            .AppendValue(e.DeviceId)
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

        // Paging needs a total order: time alone can tie, (tenant, event id) is unique per tenant.
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
        WriteExclusiveAsync(() =>
        {
            // Every column here is in event_rows too: one condition serves the view and the table.
            string Where(string e) => $"{e}.tenant_id = $tenant AND {e}.received_at < $cutoff" + (eventName is null ? "" : $" AND {e}.name = $name");
            return DeleteEventsWithFacts(tenantId, Where, Where,
                [("tenant", tenantId), ("cutoff", Utc(cutoff)), ("name", eventName)]);
        }, cancellationToken);

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

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Candor.Storage.Schema;

namespace Candor.Storage.DuckDb;

public sealed partial class DuckDbStore
{
    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, long>> EraseDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) =>
        WriteExclusiveAsync<IReadOnlyDictionary<string, long>>(() =>
        {
            var removed = new Dictionary<string, long>(StringComparer.Ordinal);
            using var transaction = _writer.BeginTransaction();
            foreach (var (table, column) in DeviceKeyedTables.All)
            {
                // Table and column names come from the fixed list, never from input.
                removed[table] = Execute(_writer, $"DELETE FROM {RowsTable(table)} WHERE tenant_id = $tenant AND {column} = $device",
                    ("tenant", tenantId), ("device", deviceId));
            }

            DeleteUnusedEnvelopes(tenantId);
            transaction.Commit();
            return removed;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long> DeleteEventsAsync(Guid tenantId, BulkDeletion selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.IsEmpty)
        {
            throw new ArgumentException("A bulk deletion needs a product or a time range.", nameof(selection));
        }

        var parameters = new List<(string, object?)> { ("tenant", tenantId) };
        if (selection.Product is { } product)
        {
            parameters.Add(("product", product));
        }

        if (selection.From is { } from)
        {
            parameters.Add(("from", Utc(from)));
        }

        if (selection.To is { } to)
        {
            parameters.Add(("to", Utc(to)));
        }

        // The product is an envelope column: the view `events` has it, event_rows has the envelope's id.
        string Where(string alias, string product)
        {
            return $"{alias}.tenant_id = $tenant"
                + (selection.Product is null ? "" : $" AND {product}")
                + (selection.From is null ? "" : $" AND {alias}.time >= $from")
                + (selection.To is null ? "" : $" AND {alias}.time < $to");
        }

        return WriteExclusiveAsync(() => DeleteEventsWithFacts(tenantId,
            alias => Where(alias, $"{alias}.product = $product"),
            alias => Where(alias, $"{alias}.envelope_id IN (SELECT envelope_id FROM event_envelopes WHERE tenant_id = $tenant AND product = $product)"),
            [.. parameters]), cancellationToken);
    }

    /// <summary>Deletes the events that <paramref name="where"/> selects in the <c>events</c> view, and
    /// <paramref name="rowsWhere"/> in <c>event_rows</c> (the same condition on its columns), and in the same transaction
    /// the analytics facts derived from them (<see cref="EventDerivedFacts"/>) and the envelope tuples no event uses any
    /// more; returns how many events went. Runs on the writer.</summary>
    private long DeleteEventsWithFacts(Guid tenantId, Func<string, string> where, Func<string, string> rowsWhere, (string, object?)[] parameters)
    {
        using var transaction = _writer.BeginTransaction();
        foreach (var statement in EventDerivedFacts.Statements("$tenant", where,
            day => $"CAST({day} AS TIMESTAMP)", day => $"CAST({day} AS TIMESTAMP) + INTERVAL 1 DAY"))
        {
            Execute(_writer, statement, Referenced(statement, parameters));
        }

        var events = $"DELETE FROM event_rows WHERE {rowsWhere("event_rows")}";
        long removed = Execute(_writer, events, Referenced(events, parameters));
        if (removed > 0)
        {
            DeleteUnusedEnvelopes(tenantId);
        }

        transaction.Commit();
        return removed;
    }

    /// <summary>The parameters a statement uses: DuckDB refuses a statement given parameters it does not name.</summary>
    private static (string, object?)[] Referenced(string sql, (string Name, object? Value)[] parameters) =>
        [.. parameters.Where(p => Regex.IsMatch(sql, $@"\${p.Name}\b"))];

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReadTenantEventsAsync(Guid tenantId,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // DuckDB's reader blocks; leave the caller's synchronous path before it does.
        await Task.Yield();
        using var connection = ReadConnection();
        using var command = Command(connection,
            $"SELECT {EventColumns} FROM events WHERE tenant_id = $tenant ORDER BY time, device_id, seq, event_id", ("tenant", tenantId));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return StoredEventRows.Read(reader, ReadTime);
        }
    }

    /// <inheritdoc />
    public Task<DataInventory> ReadInventoryAsync(Guid tenantId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = ReadConnection();

        // One scan of the tenant's events for every count (per product, category, name and UTC day of receipt: a few
        // thousand rows), the groups, days and names summed from it here, and one more for the distinct devices. The
        // three grouped scans this replaces (one formatting every row's day as text) took over a second at 10 million
        // events, the privacy dashboard's whole budget (docs/benchmarks.md). The day is formatted after grouping.
        var rows = new List<(string Product, string Category, string Name, string Day, long Events, long Recent, DateTimeOffset Last)>();
        using (var command = Command(connection,
            "SELECT product, category, name, CAST(day AS VARCHAR), events, recent, last FROM (" +
            "SELECT product, category, name, CAST(received_at AS DATE) AS day, count(*) AS events, " +
            "count(*) FILTER (WHERE received_at >= $since) AS recent, max(received_at) AS last " +
            "FROM events WHERE tenant_id = $tenant GROUP BY product, category, name, day) " +
            "ORDER BY product, category, name, day", ("tenant", tenantId), ("since", Utc(since))))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                    reader.GetInt64(5), ReadTime(reader, 6)));
            }
        }

        var devices = new Dictionary<(string, string), long>();
        using (var command = Command(connection,
            "SELECT product, category, count(DISTINCT device_id) FROM events WHERE tenant_id = $tenant GROUP BY product, category",
            ("tenant", tenantId)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                devices[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
            }
        }

        // Sorted as the store's text sorts (ordinal), as the grouped queries returned them.
        var groups = rows.GroupBy(r => (r.Product, r.Category))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal).ThenBy(g => g.Key.Category, StringComparer.Ordinal)
            .Select(g => new InventoryGroup(g.Key.Product, StoreText.Category(g.Key.Category), g.Sum(r => r.Events),
                devices.GetValueOrDefault(g.Key), g.Max(r => r.Last)))
            .ToList();
        var days = rows.Where(r => r.Recent > 0).GroupBy(r => (r.Product, r.Category, r.Day))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal).ThenBy(g => g.Key.Category, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Day, StringComparer.Ordinal)
            .Select(g => new InventoryDay(g.Key.Product, StoreText.Category(g.Key.Category),
                DateOnly.ParseExact(g.Key.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), g.Sum(r => r.Recent)))
            .ToList();
        var names = rows.GroupBy(r => (r.Product, r.Category, r.Name))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal).ThenBy(g => g.Key.Category, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Name, StringComparer.Ordinal)
            .Select(g => new InventoryName(g.Key.Product, StoreText.Category(g.Key.Category), g.Key.Name, g.Sum(r => r.Events)))
            .ToList();

        return Task.FromResult(new DataInventory(groups, days, names));
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Candor.Storage.Schema;

namespace Candor.Storage.DuckDb;

public sealed partial class DuckDbStore
{
    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, long>> EraseDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) =>
        WriteAsync<IReadOnlyDictionary<string, long>>(() =>
        {
            var removed = new Dictionary<string, long>(StringComparer.Ordinal);
            using var transaction = _writer.BeginTransaction();
            foreach (var (table, column) in DeviceKeyedTables.All)
            {
                // Table and column names come from the fixed list, never from input.
                removed[table] = Execute(_writer, $"DELETE FROM {table} WHERE tenant_id = $tenant AND {column} = $device",
                    ("tenant", tenantId), ("device", deviceId));
            }

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

        string Where(string alias)
        {
            return $"{alias}.tenant_id = $tenant"
                + (selection.Product is null ? "" : $" AND {alias}.product = $product")
                + (selection.From is null ? "" : $" AND {alias}.time >= $from")
                + (selection.To is null ? "" : $" AND {alias}.time < $to");
        }

        return WriteAsync(() => DeleteEventsWithFacts(Where, [.. parameters]), cancellationToken);
    }

    /// <summary>Deletes the events <paramref name="where"/> selects and, in the same transaction, the analytics
    /// facts derived from them (<see cref="EventDerivedFacts"/>); returns how many events went. Runs on the writer.</summary>
    private long DeleteEventsWithFacts(Func<string, string> where, (string, object?)[] parameters)
    {
        using var transaction = _writer.BeginTransaction();
        foreach (var statement in EventDerivedFacts.Statements("$tenant", where,
            day => $"CAST({day} AS TIMESTAMP)", day => $"CAST({day} AS TIMESTAMP) + INTERVAL 1 DAY"))
        {
            Execute(_writer, statement, Referenced(statement, parameters));
        }

        var events = $"DELETE FROM events WHERE {where("events")}";
        long removed = Execute(_writer, events, Referenced(events, parameters));
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
        var groups = new List<InventoryGroup>();
        using (var command = Command(connection,
            "SELECT product, category, count(*), count(DISTINCT device_id), max(received_at) FROM events WHERE tenant_id = $tenant " +
            "GROUP BY product, category ORDER BY product, category", ("tenant", tenantId)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                groups.Add(new InventoryGroup(reader.GetString(0), StoreText.Category(reader.GetString(1)), reader.GetInt64(2),
                    reader.GetInt64(3), ReadTime(reader, 4)));
            }
        }

        var days = new List<InventoryDay>();
        using (var command = Command(connection,
            "SELECT product, category, strftime(received_at, '%Y-%m-%d') AS day, count(*) FROM events " +
            "WHERE tenant_id = $tenant AND received_at >= $since GROUP BY product, category, day ORDER BY product, category, day",
            ("tenant", tenantId), ("since", Utc(since))))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                days.Add(new InventoryDay(reader.GetString(0), StoreText.Category(reader.GetString(1)),
                    DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", CultureInfo.InvariantCulture), reader.GetInt64(3)));
            }
        }

        var names = new List<InventoryName>();
        using (var command = Command(connection,
            "SELECT product, category, name, count(*) FROM events WHERE tenant_id = $tenant " +
            "GROUP BY product, category, name ORDER BY product, category, name", ("tenant", tenantId)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                names.Add(new InventoryName(reader.GetString(0), StoreText.Category(reader.GetString(1)), reader.GetString(2), reader.GetInt64(3)));
            }
        }

        return Task.FromResult(new DataInventory(groups, days, names));
    }
}

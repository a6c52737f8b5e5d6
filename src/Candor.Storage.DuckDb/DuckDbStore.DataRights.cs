using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
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

        var sql = new StringBuilder("DELETE FROM events WHERE tenant_id = $tenant");
        var parameters = new List<(string, object?)> { ("tenant", tenantId) };
        if (selection.Product is { } product)
        {
            sql.Append(" AND product = $product");
            parameters.Add(("product", product));
        }

        if (selection.From is { } from)
        {
            sql.Append(" AND time >= $from");
            parameters.Add(("from", Utc(from)));
        }

        if (selection.To is { } to)
        {
            sql.Append(" AND time < $to");
            parameters.Add(("to", Utc(to)));
        }

        return WriteAsync(() => (long)Execute(_writer, sql.ToString(), [.. parameters]), cancellationToken);
    }

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

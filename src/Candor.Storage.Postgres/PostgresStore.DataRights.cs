using System.Globalization;
using System.Runtime.CompilerServices;
using Candor.Storage.Schema;

namespace Candor.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> EraseDeviceAsync(Guid tenantId, Guid deviceId,
        CancellationToken cancellationToken = default)
    {
        var removed = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockDerivedDataAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var (table, column) in DeviceKeyedTables.All)
        {
            // Table and column names come from the fixed list, never from input.
            removed[table] = await ExecuteAsync(connection, $"DELETE FROM {table} WHERE tenant_id = @tenant AND {column} = @device",
                cancellationToken, ("tenant", tenantId), ("device", deviceId)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <inheritdoc />
    public async Task<long> DeleteEventsAsync(Guid tenantId, BulkDeletion selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.IsEmpty)
        {
            throw new ArgumentException("A bulk deletion needs a product or a time range.", nameof(selection));
        }

        string Where(string alias) =>
            $"{alias}.tenant_id = @tenant"
            + (selection.Product is null ? "" : $" AND {alias}.product = @product")
            + (selection.From is null ? "" : $" AND {alias}.time >= @from")
            + (selection.To is null ? "" : $" AND {alias}.time < @to");
        var parameters = new List<(string, object?)> { ("tenant", tenantId) };
        if (selection.Product is { } product)
        {
            parameters.Add(("product", product));
        }

        if (selection.From is { } from)
        {
            parameters.Add(("from", from));
        }

        if (selection.To is { } to)
        {
            parameters.Add(("to", to));
        }

        return await DeleteEventsWithFactsAsync(Where, cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    /// <summary>Deletes the events <paramref name="where"/> selects and, in the same transaction, the analytics
    /// facts derived from them (<see cref="EventDerivedFacts"/>); returns how many events went.</summary>
    private async Task<long> DeleteEventsWithFactsAsync(Func<string, string> where, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockDerivedDataAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var statement in EventDerivedFacts.Statements("@tenant", where,
            day => $"({day}::timestamp AT TIME ZONE 'UTC')", day => $"(({day} + 1)::timestamp AT TIME ZONE 'UTC')"))
        {
            await ExecuteAsync(connection, statement, cancellationToken, parameters).ConfigureAwait(false);
        }

        long removed = await ExecuteAsync(connection, $"DELETE FROM events WHERE {where("events")}", cancellationToken, parameters)
            .ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return removed;
    }

    /// <inheritdoc />
    /// <remarks>Npgsql reads the rows off the socket as they are enumerated, so the result is never held whole.</remarks>
    public async IAsyncEnumerable<StoredEvent> ReadTenantEventsAsync(Guid tenantId,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"SELECT {ReadColumns} FROM events WHERE tenant_id = @tenant ORDER BY time, device_id, seq, event_id", ("tenant", tenantId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return StoredEventRows.Read(reader, ReadTime);
        }
    }

    /// <inheritdoc />
    public async Task<DataInventory> ReadInventoryAsync(Guid tenantId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var groups = new List<InventoryGroup>();
        await using (var command = Command(connection,
            "SELECT product, category, count(*), count(DISTINCT device_id), max(received_at) FROM events WHERE tenant_id = @tenant " +
            "GROUP BY product, category ORDER BY product COLLATE \"C\", category COLLATE \"C\"", ("tenant", tenantId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                groups.Add(new InventoryGroup(reader.GetString(0), StoreText.Category(reader.GetString(1)), reader.GetInt64(2),
                    reader.GetInt64(3), ReadTime(reader, 4)));
            }
        }

        var days = new List<InventoryDay>();
        await using (var command = Command(connection,
            "SELECT product, category, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) FROM events " +
            "WHERE tenant_id = @tenant AND received_at >= @since GROUP BY product, category, day " +
            "ORDER BY product COLLATE \"C\", category COLLATE \"C\", day", ("tenant", tenantId), ("since", since)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                days.Add(new InventoryDay(reader.GetString(0), StoreText.Category(reader.GetString(1)),
                    DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", CultureInfo.InvariantCulture), reader.GetInt64(3)));
            }
        }

        var names = new List<InventoryName>();
        await using (var command = Command(connection,
            "SELECT product, category, name, count(*) FROM events WHERE tenant_id = @tenant GROUP BY product, category, name " +
            "ORDER BY product COLLATE \"C\", category COLLATE \"C\", name COLLATE \"C\"", ("tenant", tenantId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(new InventoryName(reader.GetString(0), StoreText.Category(reader.GetString(1)), reader.GetString(2), reader.GetInt64(3)));
            }
        }

        return new DataInventory(groups, days, names);
    }
}

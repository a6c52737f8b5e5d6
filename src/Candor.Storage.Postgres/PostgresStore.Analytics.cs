using Npgsql;

namespace Candor.Storage.Postgres;

public sealed partial class PostgresStore : IAnalyticsStore
{
    /// <inheritdoc />
    public SqlDialect Dialect => SqlDialect.Postgres;

    /// <inheritdoc />
    public async Task<IReadOnlyList<long>> ExecuteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockDerivedDataAsync(connection, cancellationToken).ConfigureAwait(false);
        var affected = new List<long>(statements.Count);
        foreach (var statement in statements)
        {
            await using var command = Positional(connection, statement);
            affected.Add(await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return affected;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<object?[]>> QueryAsync(SqlStatement query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Positional(connection, query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static NpgsqlCommand Positional(NpgsqlConnection connection, SqlStatement statement)
    {
        var command = new NpgsqlCommand(statement.Sql, connection);
        foreach (var value in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Parameter(value) });
        }

        return command;
    }
}

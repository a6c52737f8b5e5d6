using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace Candor.Storage.DuckDb;

public sealed partial class DuckDbStore : IAnalyticsStore
{
    /// <inheritdoc />
    public SqlDialect Dialect => SqlDialect.DuckDb;

    /// <inheritdoc />
    /// <remarks>Statements that write the analytics tables only (the projector's rounds, alerts, triage) run on the
    /// analytics connection, beside appends; a batch that writes <c>event_rows</c> or <c>event_envelopes</c> (a bench's
    /// bulk load, a deletion) runs on the event writer with both locks.</remarks>
    public Task<IReadOnlyList<long>> ExecuteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        if (!statements.Any(s => WritesEventTables().IsMatch(s.Sql)))
        {
            return WriteDerivedAsync(connection => Execute(connection, statements, cancellationToken), cancellationToken);
        }

        return WriteExclusiveAsync(() =>
        {
            var affected = Execute(_writer, statements, cancellationToken);

            // What the writer keeps in memory about the event tables (envelope tuples, duplicate filters) may be stale. A
            // statement that only reads them (the projector's rounds) keeps both: rebuilding them every round would cost
            // a scan of the store.
            ForgetEnvelopes();
            ForgetDedupeFilters();
            return affected;
        }, cancellationToken);
    }

    private static IReadOnlyList<long> Execute(DuckDBConnection connection, IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken)
    {
        var affected = new List<long>(statements.Count);
        using var transaction = connection.BeginTransaction();
        foreach (var statement in statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var command = Positional(connection, statement);
            affected.Add(command.ExecuteNonQuery());
        }

        transaction.Commit();
        return affected;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<object?[]>> QueryAsync(SqlStatement query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);

        // DuckDB's reader blocks; leave the caller's synchronous path before it does.
        await Task.Yield();
        using var connection = ReadConnection();
        using var command = Positional(connection, query);
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static DuckDBCommand Positional(DuckDBConnection connection, SqlStatement statement)
    {
        var command = connection.CreateCommand();
        command.CommandText = statement.Sql;
        foreach (var value in statement.Parameters)
        {
            command.Parameters.Add(new DuckDBParameter(value ?? DBNull.Value));
        }

        return command;
    }

    /// <summary>A statement that changes event_rows or event_envelopes (inserts, deletes, updates, copies into, or
    /// alters or drops either), as opposed to one that reads them.</summary>
    [GeneratedRegex(
        @"\b(INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|UPDATE|COPY|TRUNCATE(\s+TABLE)?|ALTER\s+TABLE|DROP\s+TABLE(\s+IF\s+EXISTS)?)\s+(main\.)?(event_rows|event_envelopes)\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex WritesEventTables();
}

namespace Candor.Storage;

/// <summary>What the analytics module needs of a store: run its SQL (written once for both backends, with a
/// few dialect tokens the analytics module expands) against the store's database. Implemented by both
/// backends. Thread-safe.</summary>
/// <remarks>Parameters are positional (<c>$1</c>, <c>$2</c>, ...). Values may be <see cref="Guid"/>,
/// <see cref="string"/>, <see cref="long"/>, <see cref="int"/>, <see cref="double"/>, <see cref="bool"/>, a UTC
/// <see cref="DateTime"/> or null. Result cells come back as the provider's CLR values, with dates and
/// times to be cast to text in the SQL itself, so that both backends return the same thing.</remarks>
public interface IAnalyticsStore
{
    /// <summary>Which SQL dialect the store speaks.</summary>
    SqlDialect Dialect { get; }

    /// <summary>Runs the statements in order in one transaction; returns the rows each affected.
    /// Writes are serialised with the store's other writes.</summary>
    Task<IReadOnlyList<long>> ExecuteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default);

    /// <summary>Runs one query and returns every row, each as an array of cells (<see cref="DBNull"/> becomes null).</summary>
    Task<IReadOnlyList<object?[]>> QueryAsync(SqlStatement query, CancellationToken cancellationToken = default);
}

/// <summary>The SQL dialect of a store.</summary>
public enum SqlDialect
{
    /// <summary>DuckDB.</summary>
    DuckDb,

    /// <summary>PostgreSQL.</summary>
    Postgres,
}

/// <summary>One SQL statement with its positional parameters.</summary>
/// <param name="Sql">The text, parameters written <c>$1</c>, <c>$2</c>, ...</param>
/// <param name="Parameters">The values of <c>$1</c>, <c>$2</c>, ... in order.</param>
public sealed record SqlStatement(string Sql, IReadOnlyList<object?> Parameters)
{
    /// <summary>A statement with the given parameters.</summary>
    public SqlStatement(string sql, params object?[] parameters)
        : this(sql, (IReadOnlyList<object?>)parameters)
    {
    }
}

using System.Data.Common;
using Candor.Storage.Schema;
using Npgsql;

namespace Candor.Storage.Postgres;

/// <summary>The server store: PostgreSQL (and Citus, distributed by tenant). Create it with
/// <see cref="OpenAsync"/>, then call <see cref="MigrateAsync"/> once before use; any number of collectors may
/// share one database. Thread-safe: every call takes its own pooled connection.</summary>
public sealed partial class PostgresStore : ICandorStore
{
    private const string MigrationPrefix = "Candor.Storage.Postgres.Migrations.";

    /// <summary>The advisory lock that serialises <see cref="MigrateAsync"/> across processes ("candor" in ASCII).</summary>
    private const long MigrationLockKey = 0x63616e646f72;

    /// <summary>Taken (for the transaction) by every analytics write and every deletion of events, so that the
    /// projector never inserts facts of events a concurrent deletion is removing after that deletion has removed
    /// their facts: with the lock, one of the two sees the other's committed result. DuckDB has one writer anyway.</summary>
    private const long DerivedDataLockKey = 0x63616e646f73;

    private const string UniqueViolation = "23505";
    private const string DeadlockDetected = "40P01";
    private const string SerializationFailure = "40001";

    private static readonly IReadOnlyList<SchemaMigration> Migrations =
        SchemaMigration.Load(typeof(PostgresStore).Assembly, MigrationPrefix);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    private PostgresStore(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _time = time;
    }

    /// <summary>Creates the store over a pooled data source. No connection is made until the first call.</summary>
    /// <exception cref="ArgumentException">When the options or the connection string are invalid.</exception>
    public static Task<PostgresStore> OpenAsync(PostgresStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new PostgresStore(NpgsqlDataSource.Create(options.ConnectionString!), options.TimeProvider));
    }

    /// <inheritdoc />
    /// <remarks>All pending migrations run in one transaction under a transaction-level advisory lock, so
    /// collectors starting together apply each exactly once and none uses a half-migrated schema.</remarks>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await MigrateThroughAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);

        // A new store gets today and the days ahead now, so that its first writers need not lock events to
        // create them (the retention round keeps them ahead from then on).
        var today = Day(_time.GetUtcNow());
        await EnsurePartitionsAsync(Enumerable.Range(0, 3).Select(today.AddDays), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies the pending migrations up to and including <paramref name="throughVersion"/> (tests build
    /// a store of an older schema with it).</summary>
    internal async Task MigrateThroughAsync(int throughVersion, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", MigrationLockKey)).ConfigureAwait(false);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL)
            """, cancellationToken).ConfigureAwait(false);
        var applied = new HashSet<int>();
        await using (var command = Command(connection, "SELECT version FROM schema_migrations"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        SchemaMigration.EnsureNotNewer(Migrations, applied, $"PostgreSQL database '{connection.Database}'");
        foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version) && m.Version <= throughVersion))
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "INSERT INTO schema_migrations VALUES (@version, @name, @at)", cancellationToken,
                ("version", migration.Version), ("name", migration.Name), ("at", _time.GetUtcNow())).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false),
                System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Closes the pooled connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, Parameter(value)));
        }

        return command;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, Parameter(value)));
        }

        return command;
    }

    private static Task LockDerivedDataAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", DerivedDataLockKey));

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>timestamptz takes UTC only: an offset other than zero would be refused by Npgsql.</summary>
    private static object Parameter(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => time.ToUniversalTime(),
        _ => value,
    };

    private static DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static DateTimeOffset? ReadOptionalTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    private static string? ReadOptionalString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static bool IsUniqueViolation(PostgresException ex) => ex.SqlState == UniqueViolation;
}

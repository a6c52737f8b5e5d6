using System.Data.Common;
using Candor.Storage.Schema;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Candor.Storage.DuckDb;

/// <summary>The embedded store: every table in one DuckDB file. Open it with <see cref="OpenAsync"/>, then call
/// <see cref="MigrateAsync"/> once before use. Thread-safe: events, tenants and the audit log are written on one
/// connection, one write at a time (the duplicate check relies on it); the analytics tables (facts, alerts, triage,
/// saved views) on a second one, so that an analytics round does not hold up ingestion; reads run concurrently on
/// their own connections to the same database. A deletion of events takes both, like PostgreSQL's derived-data lock
/// (see <see cref="WriteExclusiveAsync{T}"/>). Only one process may open the file at a time, and only one
/// <see cref="DuckDbStore"/> in it: the duplicate check relies on being the file's only writer of events
/// (DuckDbStore.Dedupe.cs).</summary>
public sealed partial class DuckDbStore : ICandorStore
{
    private const string MigrationPrefix = "Candor.Storage.DuckDb.Migrations.";

    private static readonly IReadOnlyList<SchemaMigration> Migrations =
        SchemaMigration.Load(typeof(DuckDbStore).Assembly, MigrationPrefix);

    /// <summary>DuckDB allocator settings applied on open (see <see cref="OpenAsync"/>); database-wide.</summary>
    internal static readonly string[] AllocatorSettings =
    [
        "allocator_background_threads = true",
        "allocator_flush_threshold = '32MiB'",
        "allocator_bulk_deallocation_flush_threshold = '64MiB'",
    ];

    private readonly DuckDBConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly DuckDBConnection _derivedWriter;
    private readonly SemaphoreSlim _derivedLock = new(1, 1);
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly int _windowDays;
    private bool _disposed;

    private DuckDbStore(DuckDBConnection writer, DuckDBConnection derivedWriter, string connectionString, string filePath, TimeProvider time,
        int windowDays, int recentIdCapacity)
    {
        _recentIdCapacity = recentIdCapacity;
        _writer = writer;
        _derivedWriter = derivedWriter;
        _connectionString = connectionString;
        FilePath = filePath;
        _time = time;
        _windowDays = windowDays;
    }

    /// <summary>The full path of the DuckDB file.</summary>
    public string FilePath { get; }

    /// <summary>Opens (creating when missing) the store's file. The schema is not touched: call
    /// <see cref="MigrateAsync"/> next.</summary>
    /// <exception cref="ArgumentException">When the options are invalid.</exception>
    /// <exception cref="InvalidOperationException">When the file cannot be opened, e.g. another process has it open.</exception>
    public static Task<DuckDbStore> OpenAsync(DuckDbStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var path = options.ResolveFilePath();
        MakePrivate(path);
        var builder = new DuckDBConnectionStringBuilder { DataSource = path };
        var connection = new DuckDBConnection(builder.ConnectionString);
        try
        {
            connection.Open();
        }
        catch (DuckDBException ex)
        {
            connection.Dispose();
            throw new InvalidOperationException($"Cannot open the DuckDB store '{path}': {ex.Message}", ex);
        }

        try
        {
            // A database-wide setting: it bounds every connection of this process to the file, the readers too.
            Execute(connection, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SET memory_limit = '{options.MemoryLimitMiB}MiB'"));
            // Database-wide too; see DuckDbStoreOptions.CheckpointThresholdMiB for why it is above DuckDB's 16 MiB.
            Execute(connection, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"SET checkpoint_threshold = '{options.CheckpointThresholdMiB}MiB'"));
            // DuckDB's allocator (its own jemalloc) keeps what a query frees as dirty pages until they decay, and only
            // purges on later allocations, so during an analytics round, whose joins and sorts free and take hundreds of
            // MiB while the buffer pool is full, the process held up to about 250 MiB above memory_limit (issue 11: DuckDB's
            // own accounting stayed at 511 MiB while the collector's RSS reached 1,026 MiB). Background threads purge
            // the dirty pages, and the flush thresholds return a task's or a bulk free's memory at once instead of at
            // DuckDB's defaults of 128 and 512 MiB (docs/operations.md, "DuckDB: files").
            foreach (var setting in AllocatorSettings)
            {
                Execute(connection, "SET " + setting);
            }

            if (options.Threads is { } threads)
            {
                Execute(connection, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SET threads = {threads}"));
            }
        }
        catch (DuckDBException ex)
        {
            connection.Dispose();
            throw new InvalidOperationException($"Cannot apply the memory limit, allocator settings, checkpoint threshold and threads of the DuckDB store '{path}': {ex.Message}", ex);
        }

        // The analytics tables' writer: a second connection to the same database instance (DuckDB.NET shares it per file),
        // whose transactions run beside the event writer's (DuckDB's optimistic concurrency; the two never write the same
        // rows: appends insert events and arrivals, the projector inserts facts and deletes the arrivals it consumed).
        var derived = new DuckDBConnection(builder.ConnectionString);
        try
        {
            derived.Open();
        }
        catch (DuckDBException ex)
        {
            derived.Dispose();
            connection.Dispose();
            throw new InvalidOperationException($"Cannot open the DuckDB store '{path}': {ex.Message}", ex);
        }

        MakePrivate(path);
        return Task.FromResult(new DuckDbStore(connection, derived, builder.ConnectionString, path, options.TimeProvider, options.DedupeWindowDays,
            options.RecentIdCapacity));
    }

    /// <summary>The data folder 0700 and the database and its write-ahead log 0600: events are readable by the
    /// collector's user only, whatever the umask. Before the open, the folder is created (or tightened) so that no file
    /// DuckDB creates in it is ever reachable by another user; after it, the files DuckDB created with the umask's
    /// mode are tightened too. Nothing to do on Windows, where the folder inherits its parent's ACL.</summary>
    private static void MakePrivate(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Directory.CreateDirectory(folder, owner | UnixFileMode.UserExecute);
        File.SetUnixFileMode(folder, owner | UnixFileMode.UserExecute);
        foreach (var file in new[] { path, path + ".wal" })
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, owner);
            }
        }
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await WriteExclusiveAsync(() =>
        {
            Execute(_writer, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER   NOT NULL PRIMARY KEY,
                    name       VARCHAR   NOT NULL,
                    applied_at TIMESTAMP NOT NULL)
                """);
            var applied = new HashSet<int>();
            using (var command = Command(_writer, "SELECT version FROM schema_migrations"))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            SchemaMigration.EnsureNotNewer(Migrations, applied, $"DuckDB store '{FilePath}'");
            foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                using var transaction = _writer.BeginTransaction();
                Execute(_writer, migration.Sql);
                Execute(_writer, "INSERT INTO schema_migrations VALUES ($version, $name, $at)",
                    ("version", migration.Version), ("name", migration.Name), ("at", Utc(_time.GetUtcNow())));
                transaction.Commit();
            }

            // A migration may have rebuilt events: the filters are read from it again when needed.
            ForgetDedupeFilters();
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var connection = ReadConnection();
            using var command = Command(connection, "SELECT 1");
            return Task.FromResult(Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1);
        }
        catch (Exception ex) when (ex is DuckDBException or ObjectDisposedException)
        {
            return Task.FromResult(false);
        }
    }

    /// <summary>Closes the file once pending writes have finished. DuckDB checkpoints the write-ahead log into
    /// the file on close.</summary>
    public async ValueTask DisposeAsync()
    {
        await _derivedLock.WaitAsync().ConfigureAwait(false);
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _derivedWriter.Dispose();
            _writer.Dispose();
        }
        finally
        {
            _writeLock.Release();
            _derivedLock.Release();
        }
    }

    /// <summary>Runs a write on the event writer connection: appends, tenants, credentials, policies, the audit log.
    /// DuckDB's calls are synchronous; the lock is not.</summary>
    private Task<T> WriteAsync<T>(Func<T> write, CancellationToken cancellationToken) =>
        UnderLockAsync(_writeLock, write, cancellationToken);

    /// <summary>Runs a write of the analytics tables on their own connection, beside the event writer.</summary>
    private Task<T> WriteDerivedAsync<T>(Func<DuckDBConnection, T> write, CancellationToken cancellationToken) =>
        UnderLockAsync(_derivedLock, () => write(_derivedWriter), cancellationToken);

    private async Task<T> UnderLockAsync<T>(SemaphoreSlim gate, Func<T> write, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            return write();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Runs a write on the event writer while no analytics write runs: every deletion of events (with the facts
    /// derived from them), tenant offboarding, migrations. Without it, a projector statement whose snapshot predates a
    /// deletion would insert facts of events the deletion had just removed, with their facts, after it committed: an
    /// erased device's facts would come back. With it, one of the two sees the other's committed result. The analytics
    /// lock is taken first, always in that order.</summary>
    private async Task<T> WriteExclusiveAsync<T>(Func<T> write, CancellationToken cancellationToken)
    {
        await _derivedLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _derivedLock.Release();
        }
    }

    /// <summary>A new connection for one read. DuckDB.NET gives every connection to the same file in a process the
    /// same database instance, so this is cheap and DuckDB's MVCC lets it run beside the writer.</summary>
    private DuckDBConnection ReadConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new DuckDBConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static DuckDBCommand Command(DuckDBConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    private static int Execute(DuckDBConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static bool IsConstraintViolation(DuckDBException ex) => ex.ErrorType == DuckDBErrorType.Constraint;

    /// <summary>The UTC wall-clock value stored in a TIMESTAMP column.</summary>
    private static DateTime Utc(DateTimeOffset value) => value.UtcDateTime;

    private static DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    private static DateTimeOffset? ReadOptionalTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    private static string? ReadOptionalString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

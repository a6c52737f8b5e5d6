using Candor.Storage;
using Candor.Storage.DuckDb;
using Candor.Storage.Postgres;
using Npgsql;

namespace Candor.Server.Stores;

/// <summary>Opens the store the options name: the embedded DuckDB file <c>candor.duckdb</c> in the data folder
/// (created with the folder when missing), or a PostgreSQL database. The schema is migrated before use.</summary>
internal static class StoreFactory
{
    public static bool IsPostgres(string? store) =>
        store is not null && (store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || store.Contains("Host=", StringComparison.OrdinalIgnoreCase));

    public static string DuckDbPath(CandorServerOptions options) =>
        Path.Combine(Path.GetFullPath(options.DataDirectory), DuckDbStoreOptions.DefaultFileName);

    /// <summary>An Npgsql connection string from a <c>postgres://user:password@host:port/database?sslmode=...</c>
    /// URL; a connection string (<c>Host=...</c>) is returned as it is.</summary>
    public static string ToConnectionString(string store)
    {
        if (!store.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) || !Uri.TryCreate(store, UriKind.Absolute, out var uri))
        {
            return store;
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : null,
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2 && kv[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase)
                && Enum.TryParse<SslMode>(kv[1], ignoreCase: true, out var mode))
            {
                builder.SslMode = mode;
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>Opens and migrates the store. Throws <see cref="InvalidOperationException"/> with a clear message
    /// when it cannot be opened (for example, another process holds the DuckDB file).</summary>
    public static async Task<ICandorStore> OpenAsync(CandorServerOptions options, CancellationToken ct)
    {
        ICandorStore store = IsPostgres(options.Store)
            ? await PostgresStore.OpenAsync(new PostgresStoreOptions
            {
                ConnectionString = ToConnectionString(options.Store),
                TimeProvider = options.TimeProvider,
            }, ct).ConfigureAwait(false)
            : await DuckDbStore.OpenAsync(new DuckDbStoreOptions
            {
                DataFolder = Path.GetFullPath(options.DataDirectory),
                TimeProvider = options.TimeProvider,
                MemoryLimitMiB = options.DuckDbMemoryLimitMiB,
                Threads = options.DuckDbThreads == 0 ? null : options.DuckDbThreads,
                // An event older than the acceptance window is refused before the store; a day more for clock skew.
                DedupeWindowDays = options.MaxEventAgeDays + 1,
            }, ct).ConfigureAwait(false);
        try
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"Cannot reach the PostgreSQL store: {ex.Message}", ex);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

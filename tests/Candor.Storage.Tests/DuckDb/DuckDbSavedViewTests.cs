using Candor.Storage.DuckDb;

namespace Candor.Storage.Tests.DuckDb;

/// <summary>The saved views contract over a real DuckDB file.</summary>
public sealed class DuckDbSavedViewTests : SavedViewContractTests
{
    private readonly TempFolder _folder = new();

    protected override async Task<ICandorStore> OpenStoreAsync()
    {
        var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _folder.Path });
        await store.MigrateAsync();
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}

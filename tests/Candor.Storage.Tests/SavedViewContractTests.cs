using Candor.Storage.Views;
using Xunit;

namespace Candor.Storage.Tests;

/// <summary>What every store does with the console's saved views: per tenant, by name, bounded, unique by name, and
/// never visible to or deletable by another tenant; offboarding removes them.</summary>
public abstract class SavedViewContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private ICandorStore? _store;

    private ICandorStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    private SavedViewStore Views => new((IAnalyticsStore)Store);

    /// <summary>A migrated store, ready to use.</summary>
    protected abstract Task<ICandorStore> OpenStoreAsync();

    public virtual async Task InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private static SavedView View(string name, string link = "/console/failures?kind=crash&range=7d") =>
        new(Guid.NewGuid(), name, link, Now.AddTicks(1230), "credential-1");

    private async Task<Guid> NewTenantAsync()
    {
        var tenant = new TenantRecord(Guid.NewGuid(), "views-" + Guid.NewGuid().ToString("N"), "fieldservice", Now);
        await Store.CreateTenantAsync(tenant);
        return tenant.Id;
    }

    [Fact]
    public async Task Saved_views_read_back_by_name_and_another_tenant_neither_sees_nor_deletes_them()
    {
        var tenant = await NewTenantAsync();
        var other = await NewTenantAsync();
        var zeta = View("zeta crashes");
        var alpha = View("alpha 7 days", "/console/releases?range=7d&product=p.one");
        Assert.Equal(SaveViewOutcome.Saved, await Views.SaveAsync(tenant, zeta));
        Assert.Equal(SaveViewOutcome.Saved, await Views.SaveAsync(tenant, alpha));

        var listed = await Views.ListAsync(tenant);
        Assert.Equal(["alpha 7 days", "zeta crashes"], listed.Select(v => v.Name));
        Assert.Equal(zeta, await Views.GetAsync(tenant, zeta.Id));
        Assert.Equal(alpha, listed[0]);
        Assert.Equal(TimeSpan.Zero, listed[1].CreatedAt.Offset);

        Assert.Empty(await Views.ListAsync(other));
        Assert.Null(await Views.GetAsync(other, zeta.Id));
        Assert.False(await Views.DeleteAsync(other, zeta.Id));
        Assert.Equal(2, (await Views.ListAsync(tenant)).Count);

        // The same name in another tenant is that tenant's own.
        Assert.Equal(SaveViewOutcome.Saved, await Views.SaveAsync(other, View("zeta crashes")));
    }

    [Fact]
    public async Task A_taken_name_and_a_full_tenant_are_refused_without_a_change()
    {
        var tenant = await NewTenantAsync();
        Assert.Equal(SaveViewOutcome.Saved, await Views.SaveAsync(tenant, View("one"), limit: 2));
        Assert.Equal(SaveViewOutcome.NameTaken, await Views.SaveAsync(tenant, View("one", "/console/usage"), limit: 2));
        Assert.Equal(SaveViewOutcome.Saved, await Views.SaveAsync(tenant, View("two"), limit: 2));
        Assert.Equal(SaveViewOutcome.LimitReached, await Views.SaveAsync(tenant, View("three"), limit: 2));
        Assert.Equal(["one", "two"], (await Views.ListAsync(tenant)).Select(v => v.Name));
        Assert.Equal("/console/failures?kind=crash&range=7d", (await Views.ListAsync(tenant))[0].Link);

        // Deleting one makes room again.
        var two = (await Views.ListAsync(tenant))[1];
        Assert.True(await Views.DeleteAsync(tenant, two.Id));
        Assert.False(await Views.DeleteAsync(tenant, two.Id));
        Assert.Equal(SaveViewOutcome.Saved, await Views.SaveAsync(tenant, View("three"), limit: 2));
    }

    [Fact]
    public async Task Offboarding_a_tenant_deletes_its_saved_views()
    {
        var tenant = await NewTenantAsync();
        var kept = await NewTenantAsync();
        await Views.SaveAsync(tenant, View("gone"));
        await Views.SaveAsync(kept, View("kept"));

        await Store.DeleteTenantAsync(tenant);

        Assert.Empty(await Views.ListAsync(tenant));
        Assert.Equal(["kept"], (await Views.ListAsync(kept)).Select(v => v.Name));
    }
}

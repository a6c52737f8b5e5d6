using Candor.Core.Model;
using Candor.Core.Policy;
using Candor.Storage.Postgres;
using Candor.Storage.Views;

namespace Candor.Storage.Tests.Postgres;

/// <summary>Every operation of the PostgreSQL store once, on a fresh schema: migration, ingest (new events,
/// copies of them on a later day), reads, deletions, data rights, tenants, credentials, policies, audit,
/// offboarding and the retention round, so that a test can look at every statement the store issues.</summary>
internal static class StoreWorkload
{
    public static async Task RunAsync(string connectionString)
    {
        await using var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = connectionString });
        await store.MigrateAsync();
        var now = TestEvents.Base;
        var tenant = new TenantRecord(Guid.NewGuid(), "workload-" + Guid.NewGuid().ToString("N"), "fieldservice", now);
        await store.CreateTenantAsync(tenant);
        await store.GetTenantAsync(tenant.Id);
        await store.ListTenantsAsync();
        var credential = new CredentialRecord(Guid.NewGuid(), tenant.Id, CredentialKind.Ingestion, "ingest", "hash-" + Guid.NewGuid(), now, null);
        await store.AddCredentialAsync(credential);
        await store.FindCredentialAsync(credential.SecretHash);
        await store.ListCredentialsAsync(tenant.Id);
        await store.RevokeCredentialAsync(tenant.Id, credential.Id, now);
        await store.SavePolicyAsync(new PolicyRecord(tenant.Id, 1, new TenantPolicy(), now), 0);
        await store.GetPolicyAsync(tenant.Id);
        await store.AppendAuditAsync(new AuditRecord(Guid.NewGuid(), tenant.Id, now, "cli", "operator", "policy.changed", "policy", null, "{}"));
        await ReadAllAsync(store.ReadAuditAsync(tenant.Id));
        await ReadAllAsync(store.ReadAuditAsync(tenant.Id, now.AddDays(-1)));
        var views = new SavedViewStore(store);
        var view = new SavedView(Guid.NewGuid(), "crashes", "/console/failures?kind=crash", now, "owner");
        await views.SaveAsync(tenant.Id, view);
        await views.SaveAsync(tenant.Id, view with { Id = Guid.NewGuid() });
        await views.ListAsync(tenant.Id);
        await views.GetAsync(tenant.Id, view.Id);
        await views.DeleteAsync(tenant.Id, view.Id);

        var device = Guid.NewGuid();
        var events = TestEvents.Many(tenant.Id, device, 20);
        await store.AppendAsync(events);
        await store.AppendAsync([.. events.Select(e => e with { ReceivedAt = e.ReceivedAt.AddDays(1) })]);
        await ReadAllAsync(store.ReadDeviceEventsAsync(tenant.Id, device, new EventFilter
        {
            Level = DataLevel.Required, Category = DataCategory.ProductAndServicePerformance, From = now.AddDays(-1), To = now.AddDays(1),
            Limit = 5, Offset = 1,
        }));
        await store.CountAsync(tenant.Id, DataLevel.Required, DataCategory.ProductAndServicePerformance);
        await store.ReadInventoryAsync(tenant.Id, now.AddDays(-30));
        await ReadAllAsync(store.ReadTenantEventsAsync(tenant.Id));
        await store.DeleteReceivedBeforeAsync(tenant.Id, events[2].ReceivedAt);
        await store.DeleteReceivedBeforeAsync(tenant.Id, events[4].ReceivedAt, events[4].Name);
        await store.DeleteEventsAsync(tenant.Id, new BulkDeletion { Product = events[5].Product, From = events[5].Time, To = events[6].Time });
        await store.DeleteDeviceAsync(tenant.Id, Guid.NewGuid());
        await store.EraseDeviceAsync(tenant.Id, device);
        await store.MaintainPartitionsAsync(now.AddDays(40), now.AddDays(10));
        await store.DeleteTenantAsync(tenant.Id);
        await store.PingAsync();
    }

    private static async Task ReadAllAsync<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var _ in items)
        {
        }
    }
}

using System.Net;
using Candor.Core.Model;
using Candor.Server.Ingestion;
using Candor.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Candor.Server.Tests.Http;

public sealed class BackpressureTests
{
    [Fact]
    public async Task Tenant_over_its_rate_limit_gets_429_with_retry_after_and_others_are_not_affected()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxEventsPerBatch = 3;
            o.RateLimitEventsPerSecond = 3;
        });
        var a = await server.CreateTenantAsync();
        var b = await server.CreateTenantAsync();
        var batch = Events.Batch(Events.Valid(), Events.Valid(), Events.Valid());
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(a.IngestionKey, batch)).StatusCode);

        var limited = await server.PostAsync(a.IngestionKey, Events.Batch(Events.Valid(), Events.Valid(), Events.Valid()));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("rate_limited", (await TestServer.JsonAsync(limited))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(b.IngestionKey, batch)).StatusCode);
        Assert.Equal(3, await server.Store.CountAsync(a.TenantId));
    }

    [Fact]
    public async Task Saturated_write_path_gets_503_with_retry_after_and_acknowledges_only_what_it_stored()
    {
        HeldStore? held = null;
        await using var server = await TestServer.StartAsync(o => o.WriteQueueCapacity = 1, store => held = new HeldStore(store));
        var tenant = await server.CreateTenantAsync();

        var first = server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()));
        await held!.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var second = server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()));
        await WaitUntil(() => server.Handle.Services.GetRequiredService<GroupCommitWriter>().Depth == 1);

        var refused = await server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("overloaded", (await TestServer.JsonAsync(refused))["code"]!.GetValue<string>());

        held.Release();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
        Assert.Equal(2, await server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Store_failure_gets_503_and_nothing_is_acknowledged()
    {
        HeldStore? held = null;
        await using var server = await TestServer.StartAsync(wrapStore: store => held = new HeldStore(store) { Fail = true });
        held!.Release();
        var tenant = await server.CreateTenantAsync();
        var response = await server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("store_unavailable", (await TestServer.JsonAsync(response))["code"]!.GetValue<string>());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition());
    }

    /// <summary>The real DuckDB store, with appends held until released (or failed), so that a test can fill the
    /// write queue at a moment it chooses.</summary>
    private sealed class HeldStore(ICandorStore inner) : ICandorStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public bool Fail { get; init; }

        public void Release() => _gate.TrySetResult();

        public async Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
        {
            _entered.TrySetResult();
            await _gate.Task;
            return Fail ? throw new IOException("the disk is full") : await inner.AppendAsync(events, cancellationToken);
        }

        public Task MigrateAsync(CancellationToken cancellationToken = default) => inner.MigrateAsync(cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadDeviceEventsAsync(Guid tenantId, Guid deviceId, EventFilter? filter = null, CancellationToken cancellationToken = default) =>
            inner.ReadDeviceEventsAsync(tenantId, deviceId, filter, cancellationToken);

        public Task<long> DeleteDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) => inner.DeleteDeviceAsync(tenantId, deviceId, cancellationToken);

        public Task<long> DeleteReceivedBeforeAsync(Guid tenantId, DateTimeOffset cutoff, string? eventName = null, CancellationToken cancellationToken = default) =>
            inner.DeleteReceivedBeforeAsync(tenantId, cutoff, eventName, cancellationToken);

        public Task<long> CountAsync(Guid tenantId, DataLevel? level = null, DataCategory? category = null, CancellationToken cancellationToken = default) =>
            inner.CountAsync(tenantId, level, category, cancellationToken);

        public Task<bool> PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

        public Task<IReadOnlyDictionary<string, long>> EraseDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) =>
            inner.EraseDeviceAsync(tenantId, deviceId, cancellationToken);

        public Task<long> DeleteEventsAsync(Guid tenantId, BulkDeletion selection, CancellationToken cancellationToken = default) =>
            inner.DeleteEventsAsync(tenantId, selection, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadTenantEventsAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
            inner.ReadTenantEventsAsync(tenantId, cancellationToken);

        public Task<DataInventory> ReadInventoryAsync(Guid tenantId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            inner.ReadInventoryAsync(tenantId, since, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public Task CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default) => inner.CreateTenantAsync(tenant, cancellationToken);

        public Task<TenantRecord?> GetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default) => inner.GetTenantAsync(tenantId, cancellationToken);

        public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default) => inner.ListTenantsAsync(cancellationToken);

        public Task<long> DeleteTenantAsync(Guid tenantId, CancellationToken cancellationToken = default) => inner.DeleteTenantAsync(tenantId, cancellationToken);

        public Task AddCredentialAsync(CredentialRecord credential, CancellationToken cancellationToken = default) => inner.AddCredentialAsync(credential, cancellationToken);

        public Task<CredentialRecord?> FindCredentialAsync(string secretHash, CancellationToken cancellationToken = default) => inner.FindCredentialAsync(secretHash, cancellationToken);

        public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
            inner.ListCredentialsAsync(tenantId, cancellationToken);

        public Task<bool> RevokeCredentialAsync(Guid tenantId, Guid credentialId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            inner.RevokeCredentialAsync(tenantId, credentialId, at, cancellationToken);

        public Task<PolicyRecord?> GetPolicyAsync(Guid tenantId, CancellationToken cancellationToken = default) => inner.GetPolicyAsync(tenantId, cancellationToken);

        public Task<bool> SavePolicyAsync(PolicyRecord policy, long expectedVersion, CancellationToken cancellationToken = default) =>
            inner.SavePolicyAsync(policy, expectedVersion, cancellationToken);

        public Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default) => inner.AppendAuditAsync(record, cancellationToken);

        public IAsyncEnumerable<AuditRecord> ReadAuditAsync(Guid tenantId, DateTimeOffset? since = null, int limit = 1000, CancellationToken cancellationToken = default) =>
            inner.ReadAuditAsync(tenantId, since, limit, cancellationToken);
    }
}

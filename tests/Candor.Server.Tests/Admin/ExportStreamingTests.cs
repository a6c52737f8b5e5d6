using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Candor.Core.Model;
using Candor.Core.Policy;
using Candor.Server.Tests.Http;
using Candor.Storage;
using Xunit;

namespace Candor.Server.Tests.Admin;

/// <summary>The device export is streamed: the first lines reach the administrator while the store is still
/// reading, so an export's size never has to fit in the collector's memory.</summary>
public sealed class ExportStreamingTests
{
    [Fact]
    public async Task Device_export_lines_arrive_while_the_store_is_still_reading_and_the_audit_says_how_many_were_sent()
    {
        GatedReadStore? gated = null;
        await using var server = await TestServer.StartAsync(wrapStore: s => gated = new GatedReadStore(s));
        var tenant = await server.CreateTenantAsync();
        var device = Guid.NewGuid();
        var batch = Events.Batch([.. Enumerable.Range(0, 1000).Select(_ => AdminClient.Event(device))]);
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(tenant.IngestionKey, batch)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/admin/devices/{device}/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.AdminToken);
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var early = 0;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            // The store holds back its last row until the test has read lines: a buffered export would deadlock here.
            while (early < 100)
            {
                Assert.NotNull(await reader.ReadLineAsync(timeout.Token));
                early++;
            }
        }

        Assert.False(gated!.Released);
        gated.Release();
        var rest = 0;
        while (await reader.ReadLineAsync() is { Length: > 0 })
        {
            rest++;
        }

        Assert.Equal(1000, early + rest);
        await Eventually(async () =>
        {
            await foreach (var r in server.Store.ReadAuditAsync(tenant.TenantId))
            {
                if (r.Action == "device.exported")
                {
                    return r.After!.Contains("\"events\":1000", StringComparison.Ordinal) && r.After.Contains("\"completed\":true", StringComparison.Ordinal);
                }
            }

            return false;
        });
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(await condition());
    }

    /// <summary>The real store, whose device reads hold back their last row until released.</summary>
    private sealed class GatedReadStore(ICandorStore inner) : ICandorStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Released => _gate.Task.IsCompleted;

        public void Release() => _gate.TrySetResult();

        public async IAsyncEnumerable<StoredEvent> ReadDeviceEventsAsync(Guid tenantId, Guid deviceId, EventFilter? filter = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            StoredEvent? previous = null;
            await foreach (var e in inner.ReadDeviceEventsAsync(tenantId, deviceId, filter, cancellationToken))
            {
                if (previous is not null)
                {
                    yield return previous;
                }

                previous = e;
            }

            await _gate.Task.WaitAsync(cancellationToken);
            if (previous is not null)
            {
                yield return previous;
            }
        }

        public Task MigrateAsync(CancellationToken cancellationToken = default) => inner.MigrateAsync(cancellationToken);

        public Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(events, cancellationToken);

        public Task<long> DeleteDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) =>
            inner.DeleteDeviceAsync(tenantId, deviceId, cancellationToken);

        public Task<long> DeleteReceivedBeforeAsync(Guid tenantId, DateTimeOffset cutoff, string? eventName = null, CancellationToken cancellationToken = default) =>
            inner.DeleteReceivedBeforeAsync(tenantId, cutoff, eventName, cancellationToken);

        public Task<long> CountAsync(Guid tenantId, DataLevel? level = null, DataCategory? category = null, CancellationToken cancellationToken = default) =>
            inner.CountAsync(tenantId, level, category, cancellationToken);

        public Task<bool> PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public Task<IReadOnlyDictionary<string, long>> EraseDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) =>
            inner.EraseDeviceAsync(tenantId, deviceId, cancellationToken);

        public Task<long> DeleteEventsAsync(Guid tenantId, BulkDeletion selection, CancellationToken cancellationToken = default) =>
            inner.DeleteEventsAsync(tenantId, selection, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadTenantEventsAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
            inner.ReadTenantEventsAsync(tenantId, cancellationToken);

        public Task<DataInventory> ReadInventoryAsync(Guid tenantId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            inner.ReadInventoryAsync(tenantId, since, cancellationToken);

        public Task CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default) => inner.CreateTenantAsync(tenant, cancellationToken);

        public Task<TenantRecord?> GetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default) => inner.GetTenantAsync(tenantId, cancellationToken);

        public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default) => inner.ListTenantsAsync(cancellationToken);

        public Task<long> DeleteTenantAsync(Guid tenantId, CancellationToken cancellationToken = default) => inner.DeleteTenantAsync(tenantId, cancellationToken);

        public Task AddCredentialAsync(CredentialRecord credential, CancellationToken cancellationToken = default) => inner.AddCredentialAsync(credential, cancellationToken);

        public Task<CredentialRecord?> FindCredentialAsync(string secretHash, CancellationToken cancellationToken = default) =>
            inner.FindCredentialAsync(secretHash, cancellationToken);

        public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
            inner.ListCredentialsAsync(tenantId, cancellationToken);

        public Task<bool> RevokeCredentialAsync(Guid tenantId, Guid credentialId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            inner.RevokeCredentialAsync(tenantId, credentialId, at, cancellationToken);

        public Task<PolicyRecord?> GetPolicyAsync(Guid tenantId, CancellationToken cancellationToken = default) => inner.GetPolicyAsync(tenantId, cancellationToken);

        public Task<bool> SavePolicyAsync(PolicyRecord policy, long expectedVersion, CancellationToken cancellationToken = default) =>
            inner.SavePolicyAsync(policy, expectedVersion, cancellationToken);

        public Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default) => inner.AppendAuditAsync(record, cancellationToken);

        public IAsyncEnumerable<AuditRecord> ReadAuditAsync(Guid tenantId, DateTimeOffset? since = null, int limit = 1000,
            CancellationToken cancellationToken = default) => inner.ReadAuditAsync(tenantId, since, limit, cancellationToken);
    }
}

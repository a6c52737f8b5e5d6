using Candor.Core.Model;
using Candor.Storage;

namespace Candor.Cluster.Tests;

/// <summary>An event store that passes every call to another, for tests that change one behaviour (a crash after the
/// commit, a transaction that never ends).</summary>
internal abstract class ForwardingStore(IEventStore inner) : IEventStore
{
    public Task MigrateAsync(CancellationToken cancellationToken = default) => inner.MigrateAsync(cancellationToken);

    public virtual Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(events, cancellationToken);

    public IAsyncEnumerable<StoredEvent> ReadDeviceEventsAsync(Guid tenantId, Guid deviceId, EventFilter? filter = null,
        CancellationToken cancellationToken = default) => inner.ReadDeviceEventsAsync(tenantId, deviceId, filter, cancellationToken);

    public Task<long> DeleteDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) =>
        inner.DeleteDeviceAsync(tenantId, deviceId, cancellationToken);

    public Task<long> DeleteReceivedBeforeAsync(Guid tenantId, DateTimeOffset cutoff, string? eventName = null,
        CancellationToken cancellationToken = default) => inner.DeleteReceivedBeforeAsync(tenantId, cutoff, eventName, cancellationToken);

    public Task<long> CountAsync(Guid tenantId, DataLevel? level = null, DataCategory? category = null,
        CancellationToken cancellationToken = default) => inner.CountAsync(tenantId, level, category, cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

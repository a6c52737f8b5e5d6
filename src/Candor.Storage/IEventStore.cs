using Candor.Core.Model;

namespace Candor.Storage;

/// <summary>Where accepted events live. Every backend passes the same contract test suite.
/// Implementations are thread-safe; every method may be called concurrently.</summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>Applies the versioned schema migrations that are not applied yet. Idempotent.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores events in one transaction and returns once it is durable (committed). An event whose
    /// (tenant, event id) is already stored, or appears earlier in the same call, is not stored again.</summary>
    /// <returns>How many were stored and which indexes were duplicates.</returns>
    Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Every stored event of one device of one tenant, oldest first, streamed.</summary>
    IAsyncEnumerable<StoredEvent> ReadDeviceEventsAsync(Guid tenantId, Guid deviceId, EventFilter? filter = null,
        CancellationToken cancellationToken = default);

    /// <summary>Deletes everything stored for one device of one tenant; returns how many events were removed.</summary>
    Task<long> DeleteDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a tenant's events received before <paramref name="cutoff"/>, optionally only those of
    /// one event name (per-definition retention). Returns how many were removed.</summary>
    Task<long> DeleteReceivedBeforeAsync(Guid tenantId, DateTimeOffset cutoff, string? eventName = null,
        CancellationToken cancellationToken = default);

    /// <summary>How many events a tenant has stored, optionally of one level or category.</summary>
    Task<long> CountAsync(Guid tenantId, DataLevel? level = null, DataCategory? category = null,
        CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers (for <c>/readyz</c>).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IEventStore.AppendAsync"/>.</summary>
/// <param name="Stored">How many events were newly stored.</param>
/// <param name="DuplicateIndexes">The indexes (in the input list) of events that were already stored.</param>
public sealed record AppendResult(int Stored, IReadOnlyList<int> DuplicateIndexes);

/// <summary>A filter for reading stored events (for viewing: by level, category and time).</summary>
public sealed record EventFilter
{
    /// <summary>Only events of this level.</summary>
    public DataLevel? Level { get; init; }

    /// <summary>Only events of this category.</summary>
    public DataCategory? Category { get; init; }

    /// <summary>Only events that happened at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events that happened before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>At most this many events (paging).</summary>
    public int? Limit { get; init; }

    /// <summary>Skip this many events (paging).</summary>
    public int Offset { get; init; }
}

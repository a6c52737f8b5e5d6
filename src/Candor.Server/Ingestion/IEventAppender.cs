using Candor.Storage;

namespace Candor.Server.Ingestion;

/// <summary>Where the group commit writes accepted events: the store itself (<see cref="IEventStore.AppendAsync"/>),
/// or, in cluster mode, the replicated ingest log (<c>Cluster/LogAppender</c>). Implementations are thread-safe and
/// return only once the events are durable; an exception means none of the call is acknowledged (part of it may be
/// kept, which the event ids make harmless on retry).</summary>
internal interface IEventAppender
{
    /// <summary>Makes the events durable; returns how many were new and which indexes were already there.</summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default);
}

/// <summary>Thrown by an <see cref="IEventAppender"/> that is full and refuses new events until it drains: the
/// request gets 503 <c>log_full</c> with a longer <c>Retry-After</c> than a passing failure.</summary>
internal sealed class AppenderFullException(string message, Exception? inner = null) : Exception(message, inner);

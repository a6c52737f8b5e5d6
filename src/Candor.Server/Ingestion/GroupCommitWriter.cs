using System.Diagnostics;
using System.Threading.Channels;
using Candor.Storage;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Ingestion;

/// <summary>The result of storing one request's events.</summary>
/// <param name="Stored">How many were newly stored.</param>
/// <param name="DuplicateIndexes">Indexes, in the request's accepted list, of events already stored.</param>
internal sealed record WriteResult(int Stored, IReadOnlyList<int> DuplicateIndexes);

/// <summary>Groups the writes of concurrent requests into one store call, so that many small durable commits
/// cost one: one background loop drains a bounded queue of pending batches, appends all their events with a
/// single <see cref="IEventAppender.AppendAsync"/> (the store, or in cluster mode the ingest log), then completes
/// every request. When the queue is full,
/// <see cref="TryEnqueue"/> refuses at once (the request gets 503 and retries later): memory stays bounded by
/// the queue's capacity and the batch size limit. Thread-safe.</summary>
internal sealed partial class GroupCommitWriter : IAsyncDisposable
{
    private readonly Channel<Pending> _queue;
    /// <summary>How long a client is asked to wait when the appender is full (the log must drain first).</summary>
    internal static readonly TimeSpan FullRetryAfter = TimeSpan.FromSeconds(30);

    private readonly IEventAppender _store;
    private readonly CandorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly int _maxEventsPerCommit;
    private readonly Task _loop;
    private int _depth;

    public GroupCommitWriter(IEventStore store, int capacity, int maxEventsPerCommit, CandorMetrics metrics, ILogger logger)
        : this(new StoreAppender(store), capacity, maxEventsPerCommit, metrics, logger)
    {
    }

    public GroupCommitWriter(IEventAppender store, int capacity, int maxEventsPerCommit, CandorMetrics metrics, ILogger logger)
    {
        _store = store;
        _metrics = metrics;
        _logger = logger;
        _maxEventsPerCommit = Math.Max(1, maxEventsPerCommit);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How many batches wait to be written.</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>Queues a request's events; null when the queue is full or the writer is stopping.</summary>
    public Task<WriteResult>? TryEnqueue(List<StoredEvent> events)
    {
        var pending = new Pending(events);
        if (!_queue.Writer.TryWrite(pending))
        {
            return null;
        }

        Interlocked.Increment(ref _depth);
        return pending.Completion.Task;
    }

    /// <summary>Stores a request's events and waits for their commit, as both ingestion endpoints do: the result, or
    /// the 503 to answer when the queue is full (<c>overloaded</c>), the ingest log is full (<c>log_full</c>) or the
    /// store or log refused the commit (<c>store_unavailable</c>). Not cancelled by the client: once queued, the batch is written; waiting is only
    /// for the answer.</summary>
    public async Task<(WriteResult? Result, BatchError? Error)> WriteAsync(List<StoredEvent> events)
    {
        if (events.Count == 0)
        {
            return (new WriteResult(0, []), null);
        }

        var pending = TryEnqueue(events);
        if (pending is null)
        {
            return (null, new BatchError(503, "overloaded", "The write queue is full; retry later."));
        }

        try
        {
            return (await pending.ConfigureAwait(false), null);
        }
        catch (AppenderFullException)
        {
            return (null, new BatchError(503, "log_full", "The ingest log is full until the loaders drain it; retry later.", FullRetryAfter));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, new BatchError(503, "store_unavailable", "The events could not be stored; retry later."));
        }
    }

    private async Task RunAsync()
    {
        var group = new List<Pending>();
        var all = new List<StoredEvent>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            all.Clear();
            while (all.Count < _maxEventsPerCommit && _queue.Reader.TryRead(out var pending))
            {
                Interlocked.Decrement(ref _depth);
                group.Add(pending);
                all.AddRange(pending.Events);
            }

            await CommitAsync(group, all).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(List<Pending> group, List<StoredEvent> all)
    {
        var started = Stopwatch.GetTimestamp();
        AppendResult result;
        try
        {
            result = await _store.AppendAsync(all).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nothing of this group is acknowledged: every request fails with 503 and its client retries; the
            // event ids make the retry safe whether or not the store kept part of it.
            LogCommitFailed(_logger, ex, group.Count, all.Count);
            _metrics.CommitFailed();
            foreach (var p in group)
            {
                p.Completion.TrySetException(ex);
            }

            return;
        }

        _metrics.Committed(all.Count, group.Count, Stopwatch.GetElapsedTime(started));
        // The store does not promise an order; the mapping below walks the indexes in order.
        var duplicates = result.DuplicateIndexes.Count == 0 ? [] : result.DuplicateIndexes.Order().ToList();
        var d = 0;
        var offset = 0;
        foreach (var p in group)
        {
            var end = offset + p.Events.Count;
            List<int>? mine = null;
            while (d < duplicates.Count && duplicates[d] < end)
            {
                (mine ??= []).Add(duplicates[d] - offset);
                d++;
            }

            var count = mine?.Count ?? 0;
            p.Completion.TrySetResult(new WriteResult(p.Events.Count - count, (IReadOnlyList<int>?)mine ?? []));
            offset = end;
        }
    }

    /// <summary>Stops taking batches, writes the ones already queued, and returns when they are done.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Group commit of {Batches} batches ({Events} events) failed; the requests get 503 and will be retried")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int batches, int events);

    private sealed class StoreAppender(IEventStore store) : IEventAppender
    {
        public Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default) =>
            store.AppendAsync(events, cancellationToken);
    }

    private sealed class Pending(List<StoredEvent> events)
    {
        public List<StoredEvent> Events { get; } = events;

        public TaskCompletionSource<WriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using Candor.Client.Queue;

namespace Candor.Client.Diagnostics;

/// <summary>Makes each flush's <see cref="FlushReceipt"/>: what the counters gained since the previous receipt, and
/// what is still queued. Thread-safe: concurrent flushes each get a share, and no event is in two receipts.</summary>
internal sealed class FlushReceipts
{
    private readonly object _gate = new();
    private readonly SelfDiagnostics _diagnostics;
    private readonly DurableQueue _queue;
    private long _persisted;
    private long _sent;
    private IReadOnlyDictionary<string, long> _dropped = new Dictionary<string, long>();

    public FlushReceipts(SelfDiagnostics diagnostics, DurableQueue queue)
    {
        _diagnostics = diagnostics;
        _queue = queue;
    }

    /// <summary>The receipt since the previous one.</summary>
    /// <param name="completed">Whether the flush emptied the queue.</param>
    public FlushReceipt Take(bool completed)
    {
        var now = _diagnostics.Snapshot();
        lock (_gate)
        {
            var dropped = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var pair in now.Dropped)
            {
                var before = _dropped.TryGetValue(pair.Key, out var b) ? b : 0;
                if (pair.Value - before > 0)
                {
                    dropped[pair.Key] = pair.Value - before;
                }
            }

            var receipt = new FlushReceipt(now.Persisted - _persisted, now.Sent - _sent, dropped, _queue.Count, completed);
            _persisted = now.Persisted;
            _sent = now.Sent;
            _dropped = now.Dropped;
            return receipt;
        }
    }
}

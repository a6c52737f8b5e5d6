using System.Collections.Concurrent;

namespace Candor.Server.Ingestion;

/// <summary>At most a fixed number of requests in progress per key (a client address, an ingestion key). A key is
/// kept only while it has a request in progress, so the map holds no more entries than there are requests.
/// Thread-safe.</summary>
internal sealed class ConcurrencyBound<TKey>(int max)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, int> _inProgress = new();

    /// <summary>Requests in progress for every key together (for tests and diagnostics).</summary>
    public int Total => _inProgress.Values.Sum();

    /// <summary>Takes a slot for <paramref name="key"/>; a default (empty) slot when the bound is off. False when
    /// the key already has the most requests allowed.</summary>
    public bool TryEnter(TKey key, out Slot slot)
    {
        slot = default;
        if (max <= 0)
        {
            return true;
        }

        var count = _inProgress.AddOrUpdate(key, 1, static (_, n) => n + 1);
        if (count > max)
        {
            Exit(key);
            return false;
        }

        slot = new Slot(this, key);
        return true;
    }

    private void Exit(TKey key)
    {
        if (_inProgress.AddOrUpdate(key, 0, static (_, n) => n - 1) == 0)
        {
            // Removed only if still zero: a request that entered meanwhile keeps its count.
            _inProgress.TryRemove(new KeyValuePair<TKey, int>(key, 0));
        }
    }

    /// <summary>One request's place; disposing it gives the place back (once).</summary>
    public struct Slot(ConcurrencyBound<TKey>? bound, TKey key) : IDisposable
    {
        private ConcurrencyBound<TKey>? _bound = bound;

        public void Dispose()
        {
            _bound?.Exit(key);
            _bound = null;
        }
    }
}

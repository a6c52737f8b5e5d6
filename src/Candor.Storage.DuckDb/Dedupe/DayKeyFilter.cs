namespace Candor.Storage.DuckDb.Dedupe;

/// <summary>The keys of every stored event of one UTC day of event time: a list of
/// <see cref="SplitBlockBloomFilter"/>s, the first sized for the day's rows when it was loaded, each further one
/// twice the size of the one before, so a day that keeps growing keeps its false-positive rate at the cost of at
/// most twice its memory. Not thread-safe (the store's write lock).</summary>
internal sealed class DayKeyFilter
{
    /// <summary>The smallest filter: 65,536 keys, 128 KiB.</summary>
    private const int MinimumCapacity = 1 << 16;

    private readonly List<SplitBlockBloomFilter> _filters;

    public DayKeyFilter(long expectedKeys)
    {
        var capacity = (int)Math.Clamp(expectedKeys + expectedKeys / 4, MinimumCapacity, 1 << 28);
        _filters = [new SplitBlockBloomFilter(capacity)];
    }

    public long Bytes => _filters.Sum(f => f.Bytes);

    public long Count => _filters.Sum(f => (long)f.Count);

    public void Add(ulong hash)
    {
        var last = _filters[^1];
        if (last.Count >= last.Capacity)
        {
            last = new SplitBlockBloomFilter((int)Math.Min((long)last.Capacity * 2, 1 << 28));
            _filters.Add(last);
        }

        last.Add(hash);
    }

    public bool MightContain(ulong hash)
    {
        foreach (var filter in _filters)
        {
            if (filter.MightContain(hash))
            {
                return true;
            }
        }

        return false;
    }
}

namespace Candor.Storage.DuckDb.Dedupe;

/// <summary>The keys of the time-ordered (version 7) events stored above a floor, so that the range route can answer
/// "certainly new" for a fresh batch without reading the table. Invariant: every stored version 7 key whose id is
/// above <see cref="Floor"/> (in DuckDB's UUID order) is in the filter. It holds because the floor starts at the
/// highest version 7 id the table holds and only ever rises to the highest id added so far, and every key the store
/// commits is added. The filter has a fixed capacity: when it is full, the floor rises to the highest id added and the
/// filter starts empty, so its memory is fixed (2 bytes a key) whatever the store holds; ids at or below the floor
/// (late uploads, a retry of an older batch) take the range route as before. Not thread-safe: the store uses it
/// under its write lock only.</summary>
internal sealed class RecentIdFilter(UInt128 floor, int capacity)
{
    private SplitBlockBloomFilter _filter = new(capacity);
    private UInt128 _highest = floor;

    /// <summary>Ids above it are covered: stored ones are in the filter.</summary>
    public UInt128 Floor { get; private set; } = floor;

    /// <summary>The memory of the bits.</summary>
    public long Bytes => _filter.Bytes;

    /// <summary>True when the key is certainly not stored: its id is above the floor and the filter has not seen it.</summary>
    public bool IsCertainlyNew(UInt128 id, ulong hash) => id > Floor && !_filter.MightContain(hash);

    /// <summary>Records a committed version 7 key.</summary>
    public void Add(UInt128 id, ulong hash)
    {
        if (_filter.Count >= _filter.Capacity)
        {
            // Every key stored so far is at or below the highest id added: none of them is above the new floor.
            Floor = _highest;
            _filter = new SplitBlockBloomFilter(_filter.Capacity);
        }

        _filter.Add(hash);
        if (id > _highest)
        {
            _highest = id;
        }
    }
}

namespace Candor.Storage.DuckDb.Dedupe;

/// <summary>A split block Bloom filter (the layout of Parquet's bloom filters): the bits live in blocks of 256 bits,
/// a key sets one bit in each of the block's eight 32-bit words, so adding or probing a key touches one cache line.
/// Answers "certainly not added" or "maybe added"; never a false "not added". Sized once for a capacity; past it
/// the false-positive rate rises, so <see cref="DayKeyFilter"/> adds another filter instead. Not thread-safe: the
/// store uses it under its write lock only.</summary>
internal sealed class SplitBlockBloomFilter
{
    /// <summary>Bits per key at capacity: 16 (two bytes) gives a false-positive rate of about 0.05 % to 0.1 %
    /// (measured by <c>SplitBlockBloomFilterTests</c>), so a batch of 10,000 new random ids sends about ten ids to
    /// the exact look-up.</summary>
    public const int BitsPerKey = 16;

    // The eight odd constants of the Parquet specification: each word of a block takes its bit from a different
    // multiple of the key's low 32 bits.
    private static readonly uint[] Salt =
        [0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU, 0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U];

    private readonly uint[] _words;
    private readonly ulong _blocks;

    public SplitBlockBloomFilter(int capacity)
    {
        Capacity = Math.Max(1, capacity);
        var blocks = Math.Max(1L, ((long)Capacity * BitsPerKey + 255) / 256);
        _blocks = (ulong)blocks;
        _words = new uint[checked((int)(blocks * 8))];
    }

    /// <summary>How many keys the filter was sized for.</summary>
    public int Capacity { get; }

    /// <summary>How many keys were added (a key added twice counts twice).</summary>
    public int Count { get; private set; }

    /// <summary>The memory of the bits.</summary>
    public long Bytes => _words.LongLength * sizeof(uint);

    public void Add(ulong hash)
    {
        var block = Block(hash);
        var key = (uint)hash;
        for (var i = 0; i < 8; i++)
        {
            _words[block + i] |= 1u << (int)((key * Salt[i]) >> 27);
        }

        Count++;
    }

    public bool MightContain(ulong hash)
    {
        var block = Block(hash);
        var key = (uint)hash;
        for (var i = 0; i < 8; i++)
        {
            if ((_words[block + i] & (1u << (int)((key * Salt[i]) >> 27))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first word of the key's block, from the hash's high 32 bits (multiply-shift, no modulo).</summary>
    private int Block(ulong hash) => (int)((((hash >> 32) * _blocks) >> 32) * 8);
}

namespace Candor.Core.Model;

/// <summary>UUID version 7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, so ids sort by time
/// and a store's index grows at its end; 74 bits are the caller's. Given the same time and bits, the same id comes
/// out: a collector that derives the bits from an event's content turns a client's retry into the same id.</summary>
/// <remarks>Thread-safe (no state).</remarks>
public static class Uuid7
{
    /// <summary>How many bytes of <c>randomBits</c> <see cref="Create"/> reads.</summary>
    public const int RandomByteCount = 10;

    private const long MaxMilliseconds = (1L << 48) - 1;

    /// <summary>Creates the version 7 UUID of a time and 74 caller-chosen bits.</summary>
    /// <param name="timestamp">The time; before 1970 counts as 1970.</param>
    /// <param name="randomBits">At least <see cref="RandomByteCount"/> bytes: the low 4 bits of the first, the second,
    /// the low 6 bits of the third and the next seven fill the id's 74 free bits.</param>
    /// <returns>The id; <see cref="Guid.ToString()"/> shows the time as its first 12 hex digits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="randomBits"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="randomBits"/> holds fewer than 10 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is past the 48-bit millisecond range
    /// (the year 10889).</exception>
    public static Guid Create(DateTimeOffset timestamp, byte[] randomBits)
    {
        if (randomBits is null)
        {
            throw new ArgumentNullException(nameof(randomBits));
        }

        if (randomBits.Length < RandomByteCount)
        {
            throw new ArgumentException($"At least {RandomByteCount} bytes are needed.", nameof(randomBits));
        }

        var ms = Math.Max(0L, timestamp.ToUnixTimeMilliseconds());
        if (ms > MaxMilliseconds)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), "The time is past the 48-bit millisecond range of UUID version 7.");
        }

        // Fields as RFC 9562 lays them out: unix_ts_ms (48), ver (4) rand_a (12), var (2) rand_b (62).
        var a = (int)(ms >> 16);
        var b = (short)(ms & 0xFFFF);
        var c = (short)(0x7000 | ((randomBits[0] & 0x0F) << 8) | randomBits[1]);
        var d = (byte)(0x80 | (randomBits[2] & 0x3F));
        return new Guid(a, b, c, d, randomBits[3], randomBits[4], randomBits[5], randomBits[6], randomBits[7], randomBits[8], randomBits[9]);
    }
}

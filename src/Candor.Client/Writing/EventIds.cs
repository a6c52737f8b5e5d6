using System.Security.Cryptography;

namespace Candor.Client.Writing;

/// <summary>Makes event ids as version 7 UUIDs (RFC 9562): 48 bits of Unix milliseconds, the version, then 74
/// random bits. Ids made later sort after ids made earlier, so a collector's duplicate check can look at the recent
/// stored events only (docs/protocol.md, "Event ids"). Within one millisecond, or when the clock steps back, the
/// random part of the previous id is incremented instead of drawn (RFC 9562, section 6.2, method 2), so the ids
/// of one process are strictly increasing. netstandard2.0-compatible (no <c>Guid.CreateVersion7</c> there).
/// Thread-safe.</summary>
internal static class EventIds
{
    private const ulong RandomBMask = (1UL << 62) - 1;

    private static readonly object Gate = new();
    private static readonly RandomNumberGenerator Rng = RandomNumberGenerator.Create();
    private static readonly byte[] Fresh = new byte[10];
    private static long _lastMs = long.MinValue;
    private static int _randA; // 12 bits
    private static ulong _randB; // 62 bits

    /// <summary>A new id whose time is <paramref name="time"/> (the event's own time), or a hair later when an
    /// id with that time or a later one was already made.</summary>
    public static Guid Next(DateTimeOffset time)
    {
        var ms = Math.Max(0, Math.Min(time.ToUnixTimeMilliseconds(), (1L << 48) - 1));
        long idMs;
        int a;
        ulong b;
        lock (Gate)
        {
            if (ms > _lastMs)
            {
                Rng.GetBytes(Fresh);
                _lastMs = ms;
                _randA = ((Fresh[0] << 8) | Fresh[1]) & 0xFFF;
                // The top bit stays clear, so increments within a millisecond rarely carry into the next one.
                _randB = BitConverter.ToUInt64(Fresh, 2) & (RandomBMask >> 1);
            }
            else if (++_randB > RandomBMask)
            {
                _randB = 0;
                if (++_randA > 0xFFF)
                {
                    _randA = 0;
                    _lastMs++;
                }
            }

            (idMs, a, b) = (_lastMs, _randA, _randB);
        }

        return Compose(idMs, a, b);
    }

    /// <summary>The id with these fields, in the big-endian field order of RFC 9562.</summary>
    internal static Guid Compose(long ms, int randA, ulong randB) => new(
        (int)(ms >> 16),
        (short)(ms & 0xFFFF),
        (short)(0x7000 | (randA & 0xFFF)),
        (byte)(0x80 | (int)((randB >> 56) & 0x3F)),
        (byte)(randB >> 48),
        (byte)(randB >> 40),
        (byte)(randB >> 32),
        (byte)(randB >> 24),
        (byte)(randB >> 16),
        (byte)(randB >> 8),
        (byte)randB);
}

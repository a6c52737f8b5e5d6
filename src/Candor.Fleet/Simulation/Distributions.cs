namespace Candor.Fleet.Simulation;

/// <summary>The few distributions the fleet needs, drawn from a caller's seeded <see cref="Random"/> so that
/// every draw is part of the reproducible sequence.</summary>
internal static class Distributions
{
    /// <summary>A standard normal value (Box-Muller; one of the pair is discarded to keep the state simple).</summary>
    public static double Normal(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A log-normal value with the given median and shape: latencies and durations have a long right
    /// tail, which is what makes p95 differ from the median.</summary>
    public static double LogNormal(Random rng, double median, double sigma) => median * Math.Exp(sigma * Normal(rng));

    /// <summary>A log-normal duration in whole milliseconds, at least <paramref name="min"/>.</summary>
    public static long DurationMs(Random rng, double median, double sigma, long min = 1) =>
        Math.Max(min, (long)Math.Round(LogNormal(rng, median, sigma)));

    /// <summary>A Poisson count (Knuth; the means used here are small).</summary>
    public static int Poisson(Random rng, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = rng.NextDouble();
        while (p > limit)
        {
            k++;
            p *= rng.NextDouble();
        }

        return k;
    }

    /// <summary>An index drawn with the given non-negative weights.</summary>
    public static int Weighted(Random rng, ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var x = rng.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>One item of a list, uniformly.</summary>
    public static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>Whether an event with this probability happens.</summary>
    public static bool Chance(Random rng, double probability) => rng.NextDouble() < probability;

    /// <summary>A random (version 4 layout) UUID whose bits all come from <paramref name="rng"/>, so ids are
    /// unique in practice yet reproducible from the seed.</summary>
    public static Guid Uuid(Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>A random (version 4 layout) UUID from a SplitMix64 state: the per-event ids are the fleet's hottest
    /// random draw, and two 64-bit steps are much cheaper than sixteen byte draws of <see cref="Random"/>.</summary>
    public static Guid Uuid(ref ulong state)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, SplitMix(ref state));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], SplitMix(ref state));
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>A time-ordered (version 7 layout, RFC 9562) UUID: the 48-bit Unix milliseconds
    /// <paramref name="timeMs"/>, then bits from a SplitMix64 state, as the SDK makes its event ids at the event's
    /// time (reproducible from the seed, like <see cref="Uuid(ref ulong)"/>).</summary>
    public static Guid UuidV7(long timeMs, ref ulong state)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, SplitMix(ref state));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], SplitMix(ref state));
        var ms = (ulong)Math.Clamp(timeMs, 0, (1L << 48) - 1);
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private static ulong SplitMix(ref ulong state)
    {
        unchecked
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A stable 32-bit hash (FNV-1a) for deriving seeds; <see cref="string.GetHashCode()"/> changes per process.</summary>
    public static int StableHash(string text, int seed)
    {
        unchecked
        {
            var h = 2166136261u ^ (uint)seed;
            foreach (var c in text)
            {
                h = (h ^ c) * 16777619u;
            }

            return (int)(h & 0x7FFFFFFF);
        }
    }

    /// <summary>A seed for a sub-stream (a device, the batch ids) derived from the fleet seed.</summary>
    public static int DeriveSeed(int seed, int stream)
    {
        unchecked
        {
            var x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)stream * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL;
            x ^= x >> 31;
            x *= 0xBF58476D1CE4E5B9UL;
            x ^= x >> 27;
            return (int)(x & 0x7FFFFFFF);
        }
    }
}

using System.Buffers.Binary;

namespace Candor.Client.Queue;

/// <summary>CRC-32 (IEEE 802.3, reflected 0xEDB88320): detects torn and bit-flipped queue records. Computed eight
/// bytes at a time (slicing-by-8: eight 256-entry tables, one lookup per byte but no dependency between the eight
/// lookups of a step), about four times the speed of the byte-at-a-time loop on the background writer's thread;
/// the result is the same CRC, so segments written before read back unchanged.</summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320u;

    // Table k (k = 0..7) at [k * 256 ..]: table 0 is the classic byte table; table k advances a byte through k more
    // zero bytes.
    private static readonly uint[] Tables = CreateTables();

    public static uint Compute(ReadOnlySpan<byte> data) => Continue(0, data);

    /// <summary>The CRC of the bytes that gave <paramref name="crc"/> followed by <paramref name="data"/>: a frame's
    /// CRC over its sequence number and its JSON without copying them next to each other.</summary>
    public static uint Continue(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        crc = ~crc;
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
            crc = t[(7 * 256) + (low & 0xFF)] ^
                  t[(6 * 256) + ((low >> 8) & 0xFF)] ^
                  t[(5 * 256) + ((low >> 16) & 0xFF)] ^
                  t[(4 * 256) + (low >> 24)] ^
                  t[(3 * 256) + (high & 0xFF)] ^
                  t[(2 * 256) + ((high >> 8) & 0xFF)] ^
                  t[256 + ((high >> 16) & 0xFF)] ^
                  t[high >> 24];
            data = data.Slice(8);
        }

        foreach (var b in data)
        {
            crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>The byte-at-a-time definition, kept as the reference the tests compare the fast path against.</summary>
    internal static uint ComputeBytewise(ReadOnlySpan<byte> data)
    {
        var t = Tables;
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] CreateTables()
    {
        var tables = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            tables[i] = c;
        }

        for (var i = 0; i < 256; i++)
        {
            for (var k = 1; k < 8; k++)
            {
                var previous = tables[((k - 1) * 256) + i];
                tables[(k * 256) + i] = tables[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return tables;
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace Candor.Client.Queue;

/// <summary>The durable queue's on-disk format: segment file names, and the frame every record is written in,
/// <c>u32 length | u32 CRC-32 | i64 seq | UTF-8 JSON</c> (little endian; the length and the CRC cover the sequence
/// number and the JSON). A frame is accepted back only if its length fits in the bytes that follow, its CRC matches
/// and its JSON names an event, so a torn or bit-flipped record is never mistaken for a whole one.</summary>
internal static class SegmentFormat
{
    /// <summary>The bytes a frame adds to its JSON: length, CRC and sequence number.</summary>
    public const int FrameOverhead = 16;

    /// <summary>What every segment file name starts with.</summary>
    public const string SegmentPrefix = "seg-";

    /// <summary>What every segment file name ends with.</summary>
    public const string SegmentSuffix = ".log";

    /// <summary>Segment files are <c>seg-NNNNNNNN.log</c>, numbered in the order they were started.</summary>
    public static string SegmentFileName(int id) =>
        SegmentPrefix + id.ToString("D8", CultureInfo.InvariantCulture) + SegmentSuffix;

    /// <summary>The id in the name of a file that matched <c>seg-*.log</c>; false when the middle is not a number.</summary>
    public static bool TryParseSegmentId(string fileName, out int id)
    {
        var stem = fileName.Substring(SegmentPrefix.Length);
        stem = stem.Substring(0, stem.Length - SegmentSuffix.Length);
        return int.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    /// <summary>Fills <paramref name="frame"/> (exactly <see cref="FrameOverhead"/> + the JSON's length) with one
    /// record.</summary>
    public static void WriteFrame(byte[] frame, long seq, byte[] json)
    {
        WriteHeader(frame, seq, json);
        json.CopyTo(frame.AsSpan(FrameOverhead));
    }

    /// <summary>Fills <paramref name="header"/> (<see cref="FrameOverhead"/> bytes) with the length, the CRC and the
    /// sequence number of the record whose JSON follows it.</summary>
    public static void WriteHeader(Span<byte> header, long seq, ReadOnlySpan<byte> json)
    {
        BinaryPrimitives.WriteInt64LittleEndian(header.Slice(8), seq);
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(8 + json.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(4), Crc32.Continue(Crc32.Compute(header.Slice(8, 8)), json));
    }

    /// <summary>Reads the frame at <paramref name="offset"/>: false when the bytes there are not a whole, intact
    /// frame (too short, a length past the end, or a CRC that does not match).</summary>
    /// <param name="bytes">The segment's bytes.</param>
    /// <param name="offset">Where the frame starts.</param>
    /// <param name="seq">The record's sequence number.</param>
    /// <param name="json">The record's JSON.</param>
    /// <param name="frameLength">The bytes the whole frame takes.</param>
    public static bool TryReadFrame(byte[] bytes, int offset, out long seq, out ReadOnlySpan<byte> json, out int frameLength)
    {
        seq = 0;
        json = default;
        frameLength = 0;
        if (bytes.Length - offset < FrameOverhead)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
        if (length < 9 || length > bytes.Length - offset - 8)
        {
            return false;
        }

        var payload = bytes.AsSpan(offset + 8, (int)length);
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)) != Crc32.Compute(payload))
        {
            return false;
        }

        seq = BinaryPrimitives.ReadInt64LittleEndian(payload);
        json = payload.Slice(8);
        frameLength = 8 + (int)length;
        return true;
    }

    /// <summary>The event name in a record's JSON (kept in memory to re-check the policy), or null when the JSON is
    /// not an event object.</summary>
    public static string? ReadEventName(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (isName && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

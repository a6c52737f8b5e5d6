using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace Candor.Server.Ingestion;

/// <summary>A body read into a pooled buffer; return it with <see cref="Dispose"/>.</summary>
internal sealed class PooledBody : IDisposable
{
    private byte[]? _buffer;

    public PooledBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public Stream OpenRead() => new MemoryStream(_buffer ?? throw new ObjectDisposedException(nameof(PooledBody)), 0, Length, writable: false);

    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}

/// <summary>Reads a request body within the limits: never more than the compressed limit from the network and
/// never more than the decompressed limit out of gzip, whatever the headers or the gzip trailer claim, so a
/// gzip bomb costs at most the decompressed limit of memory.</summary>
internal static class RequestBody
{
    private const int InitialSize = 16 * 1024;

    public static async Task<(PooledBody? Body, BatchError? Error)> ReadAsync(HttpRequest request, IngestionLimits limits, CancellationToken ct)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new BatchError(415, "unsupported_encoding", "Content-Encoding must be gzip or absent."));
        }

        if (request.ContentLength is { } declared && declared > limits.MaxCompressedBytes)
        {
            return (null, TooLarge(limits.MaxCompressedBytes, "compressed"));
        }

        var (raw, overflow) = await ReadBoundedAsync(request.Body, limits.MaxCompressedBytes,
            (int)Math.Min(request.ContentLength ?? InitialSize, limits.MaxCompressedBytes + 1), ct);
        if (overflow)
        {
            raw.Dispose();
            return (null, TooLarge(limits.MaxCompressedBytes, gzip ? "compressed" : "uncompressed"));
        }

        if (!gzip)
        {
            if (raw.Length > limits.MaxDecompressedBytes)
            {
                raw.Dispose();
                return (null, TooLarge(limits.MaxDecompressedBytes, "decompressed"));
            }

            return (raw, null);
        }

        using (raw)
        {
            // GZipStream yields nothing, without complaint, from a stream cut inside its header; the smallest
            // whole member is 18 bytes (header, an empty block, trailer).
            if (raw.Length < 18)
            {
                return (null, InvalidGzip);
            }

            try
            {
                using var source = raw.OpenRead();
                await using var unzip = new GZipStream(source, CompressionMode.Decompress);
                var (plain, tooBig) = await ReadBoundedAsync(unzip, limits.MaxDecompressedBytes,
                    (int)Math.Min(Math.Max((long)raw.Length * 4, InitialSize), limits.MaxDecompressedBytes + 1), ct);
                if (tooBig)
                {
                    plain.Dispose();
                    return (null, TooLarge(limits.MaxDecompressedBytes, "decompressed"));
                }

                if (!EndsWithTrailerOf(raw.Span, plain.Span))
                {
                    plain.Dispose();
                    return (null, InvalidGzip);
                }

                return (plain, null);
            }
            catch (InvalidDataException)
            {
                return (null, InvalidGzip);
            }
        }
    }

    /// <summary>Whether the body's last eight bytes are the gzip trailer (CRC-32 and length modulo 2^32, RFC 1952) of
    /// everything decompressed. GZipStream stops without complaint at the end of a body cut inside the deflate data or
    /// the trailer, and reads bytes after the member as if they were another member, so a cut body would reach the
    /// JSON reader as a cut batch and a body with anything appended would pass. The body must be exactly one member
    /// (what every HTTP client sends).</summary>
    private static bool EndsWithTrailerOf(ReadOnlySpan<byte> gzip, ReadOnlySpan<byte> plain) =>
        BinaryPrimitives.ReadUInt32LittleEndian(gzip[^8..]) == Crc32.HashToUInt32(plain)
        && BinaryPrimitives.ReadUInt32LittleEndian(gzip[^4..]) == (uint)plain.Length;

    private static readonly BatchError InvalidGzip = new(400, "invalid_gzip", "The body is not valid gzip data.");

    private static BatchError TooLarge(long limit, string what) =>
        new(413, "body_too_large", $"The {what} body is larger than the limit of {limit} bytes.");

    /// <summary>Reads at most <paramref name="limit"/> + 1 bytes; the extra byte tells that the limit was passed.</summary>
    private static async Task<(PooledBody Body, bool Overflow)> ReadBoundedAsync(Stream stream, long limit, int initial, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 256));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        return (new PooledBody(buffer, length), true);
                    }

                    var next = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(next);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = next;
                }

                var want = (int)Math.Min(buffer.Length - length, limit + 1 - length);
                var read = await stream.ReadAsync(buffer.AsMemory(length, want), ct);
                if (read == 0)
                {
                    return (new PooledBody(buffer, length), false);
                }

                length += read;
                if (length > limit)
                {
                    return (new PooledBody(buffer, length), true);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}

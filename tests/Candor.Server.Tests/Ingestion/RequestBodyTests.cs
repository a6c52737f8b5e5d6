using System.IO.Compression;
using System.Text;
using Candor.Core.Privacy;
using Candor.Server.Ingestion;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Candor.Server.Tests.Ingestion;

public sealed class RequestBodyTests
{
    private static DefaultHttpContext Request(byte[] body, string? encoding = null, bool declareLength = true)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        if (declareLength)
        {
            context.Request.ContentLength = body.Length;
        }

        if (encoding is not null)
        {
            context.Request.Headers.ContentEncoding = encoding;
        }

        return context;
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }

    [Fact]
    public async Task Plain_body_is_read_whole()
    {
        var body = Encoding.UTF8.GetBytes("""{"events":[]}""");
        var (read, error) = await RequestBody.ReadAsync(Request(body).Request, new IngestionLimits(), default);
        Assert.Null(error);
        using (read)
        {
            Assert.Equal(body, read!.Span.ToArray());
        }
    }

    [Fact]
    public async Task Gzip_body_is_decompressed()
    {
        var plain = Encoding.UTF8.GetBytes(new string('x', 100_000));
        var (read, error) = await RequestBody.ReadAsync(Request(Gzip(plain), "gzip").Request, new IngestionLimits(), default);
        Assert.Null(error);
        using (read)
        {
            Assert.Equal(plain, read!.Span.ToArray());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Body_over_the_compressed_limit_gets_413_whether_or_not_its_length_is_declared(bool declared)
    {
        var (read, error) = await RequestBody.ReadAsync(Request(new byte[2_000], declareLength: declared).Request,
            new IngestionLimits { MaxCompressedBytes = 1_000 }, default);
        Assert.Null(read);
        Assert.Equal(413, error?.Status);
        Assert.Equal("body_too_large", error?.Code);
    }

    [Fact]
    public async Task Gzip_bomb_gets_413_without_using_the_memory_it_claims()
    {
        // 400 MB of zeros compress to about 400 KB: within the compressed limit, forty times the decompressed one.
        byte[] bomb;
        using (var output = new MemoryStream())
        {
            using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
            {
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 400; i++)
                {
                    gzip.Write(zeros);
                }
            }

            bomb = output.ToArray();
        }

        Assert.True(bomb.Length < 1_000_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (read, error) = await RequestBody.ReadAsync(Request(bomb, "gzip").Request, new IngestionLimits(), default);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(read);
        Assert.Equal(413, error?.Status);
        Assert.True(allocated < 64_000_000, $"reading the bomb allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4 })]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff })]
    public async Task Bad_gzip_gets_400_invalid_gzip(byte[] body)
    {
        var (_, error) = await RequestBody.ReadAsync(Request(body, "gzip").Request, new IngestionLimits(), default);
        Assert.Equal(400, error?.Status);
        Assert.Equal("invalid_gzip", error?.Code);
    }

    [Fact]
    public async Task Truncated_gzip_never_yields_a_batch()
    {
        // GZipStream hands out what it could inflate from a cut stream without complaint; the batch is then cut
        // too, and the reader refuses it as a whole.
        var json = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid(), Events.Valid()));
        var gzip = Gzip(json);
        for (var cut = 1; cut < gzip.Length - 8; cut += 7)
        {
            var (read, error) = await RequestBody.ReadAsync(Request(gzip[..cut], "gzip").Request, new IngestionLimits(), default);
            using (read)
            {
                if (error is null && read!.Span.SequenceEqual(json))
                {
                    // Deflate emitted the whole batch before the cut: it arrived whole, only the trailer did not.
                    continue;
                }

                if (error is null)
                {
                    var result = BatchReader.Read(read!.Span, new BatchRules(new CatalogIndex(TestCatalogs.Create()), new(), Guid.NewGuid(),
                        Events.Now, new IngestionLimits(), new PiiGuard()));
                    Assert.Equal(400, result.Error?.Status);
                }
                else
                {
                    Assert.Equal("invalid_gzip", error.Code);
                }
            }
        }
    }

    [Fact]
    public async Task Unknown_content_encoding_gets_415()
    {
        var (_, error) = await RequestBody.ReadAsync(Request([1], "br").Request, new IngestionLimits(), default);
        Assert.Equal(415, error?.Status);
    }
}

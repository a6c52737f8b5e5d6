using System.Net;
using System.Text;
using Xunit;

namespace Candor.Server.Tests.Http;

/// <summary>How the body is framed and encoded, against a real collector: gzip that is cut short or followed by
/// anything is <c>invalid_gzip</c>, a charset other than UTF-8 is 415, and the OpenAPI document does not echo the
/// request's Host header.</summary>
public sealed class BodyEncodingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static byte[] ValidGzip() => TestServer.Gzip(Encoding.UTF8.GetBytes(Events.Batch(Events.Valid(), Events.Valid())));

    public static TheoryData<string> Cuts() => ["header", "deflate", "trailer"];

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task Truncated_gzip_is_invalid_gzip_not_invalid_json(string where)
    {
        var tenant = await Server.CreateTenantAsync();
        var gzip = ValidGzip();
        var cut = where switch
        {
            "header" => gzip[..12],
            "deflate" => gzip[..(gzip.Length / 2)],
            _ => gzip[..^3],
        };

        var response = await PostGzipAsync(tenant.IngestionKey, cut);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_gzip", (await TestServer.JsonAsync(response))["code"]!.GetValue<string>());
        Assert.Equal(0, await Server.Store.CountAsync(tenant.TenantId));
    }

    public static TheoryData<string> Trailers() => ["garbage", "zeros", "json"];

    [Theory]
    [MemberData(nameof(Trailers))]
    public async Task Anything_after_the_gzip_stream_is_refused(string what)
    {
        var tenant = await Server.CreateTenantAsync();
        byte[] trailer = what switch
        {
            "garbage" => [0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03],
            "zeros" => new byte[64],
            _ => Encoding.UTF8.GetBytes("""{"events":[]}"""),
        };

        var response = await PostGzipAsync(tenant.IngestionKey, [.. ValidGzip(), .. trailer]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_gzip", (await TestServer.JsonAsync(response))["code"]!.GetValue<string>());
        Assert.Equal(0, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Whole_gzip_is_still_accepted()
    {
        var tenant = await Server.CreateTenantAsync();
        var response = await PostGzipAsync(tenant.IngestionKey, ValidGzip());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=utf-16le")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=\"utf-32\"")]
    public async Task A_charset_other_than_utf8_gets_415(string contentType)
    {
        var tenant = await Server.CreateTenantAsync();
        var response = await Server.PostBytesAsync(tenant.IngestionKey, Encoding.UTF8.GetBytes(Events.Batch(Events.Valid())), contentType: contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported_media_type", (await TestServer.JsonAsync(response))["code"]!.GetValue<string>());
        Assert.Equal(0, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json")]
    public async Task Utf8_or_no_charset_is_accepted(string contentType)
    {
        var tenant = await Server.CreateTenantAsync();
        var response = await Server.PostBytesAsync(tenant.IngestionKey, Encoding.UTF8.GetBytes(Events.Batch(Events.Valid())), contentType: contentType);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Otlp_json_with_a_utf16_charset_gets_415()
    {
        var tenant = await Server.CreateTenantAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}")) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-16");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tenant.IngestionKey);
        var response = await Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Openapi_document_does_not_reflect_the_request_host()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "attacker.example";
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "attacker2.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "gopher");
        var response = await Server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("/v1/events", text, StringComparison.Ordinal);
        Assert.DoesNotContain("attacker", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("gopher", text, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<HttpResponseMessage> PostGzipAsync(string key, byte[] gzip)
    {
        var content = new ByteArrayContent(gzip);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return await Server.Http.SendAsync(request);
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Candor.Cli.Privacy;

/// <summary>The admin API of a running collector, as the privacy commands call it: <c>--url</c> and <c>--token</c>
/// or <c>CANDOR_URL</c> and <c>CANDOR_ADMIN_TOKEN</c>. Every failure becomes one <see cref="CliException"/> line
/// naming what went wrong (unreachable server, the problem's code and detail).</summary>
internal sealed class AdminApi : IDisposable
{
    public const string UrlVariable = "CANDOR_URL";
    public const string TokenVariable = "CANDOR_ADMIN_TOKEN";

    private readonly HttpClient _http;

    private AdminApi(Uri url, string token)
    {
        _http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Url = url;
    }

    public Uri Url { get; }

    public static AdminApi Connect(string? url, string? token)
    {
        url ??= Environment.GetEnvironmentVariable(UrlVariable);
        token ??= Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new CliException($"No collector given: pass --url http://host:port or set {UrlVariable}.", 2);
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            throw new CliException($"No admin token given: pass --token or set {TokenVariable}.", 2);
        }

        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException($"--url '{url}' is not an http(s) URL such as http://127.0.0.1:5080.", 2);
        }

        return new AdminApi(uri, token.Trim());
    }

    /// <summary>Sends a request and returns the successful response, its body not yet read (so it can be streamed).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"Cannot reach the collector at {Url}: {ex.Message}");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw new CliException(await DescribeAsync(response, method, path, ct));
        }
    }

    public async Task<JsonDocument> JsonAsync(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, json, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        try
        {
            return await JsonDocument.ParseAsync(body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            throw new CliException($"{method} {path}: the collector's answer is not JSON ({ex.Message}).");
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> DescribeAsync(HttpResponseMessage response, HttpMethod method, string path, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var problem = JsonDocument.Parse(text);
            var code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return $"{method} /{path.TrimStart('/')} failed: {status.ToString(System.Globalization.CultureInfo.InvariantCulture)} {code}: {detail}";
        }
        catch (JsonException)
        {
            return $"{method} /{path.TrimStart('/')} failed: {status.ToString(System.Globalization.CultureInfo.InvariantCulture)} {response.ReasonPhrase}";
        }
    }
}

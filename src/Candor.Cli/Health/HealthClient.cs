using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Candor.Cli.Health;

/// <summary>Calls a running collector's <c>/v1/analytics/</c> API with an admin token. A refused request becomes a
/// <see cref="CliException"/> carrying the problem's code and detail.</summary>
internal sealed class HealthClient(Uri baseUrl, string token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public static HealthClient FromOptions(string? url, string? token)
    {
        url ??= Environment.GetEnvironmentVariable("CANDOR_URL");
        token ??= Environment.GetEnvironmentVariable("CANDOR_ADMIN_TOKEN");
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException($"pass the collector's address with --url or CANDOR_URL (got '{url}').", 2);
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            throw new CliException("pass an admin token with --token or CANDOR_ADMIN_TOKEN.", 2);
        }

        return new HealthClient(uri, token);
    }

    public Task<JsonNode> GetAsync(string path, IEnumerable<(string Name, string? Value)> query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path + Query(query), null, cancellationToken);

    public async Task<JsonNode> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, "/v1/analytics/" + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach the collector at {_http.BaseAddress}: {ex.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var problem = TryParse(text);
                throw new CliException(
                    $"the collector answered {(int)response.StatusCode} {problem?["code"]}: {problem?["detail"]?.ToString() ?? text}".Replace("  ", " ", StringComparison.Ordinal));
            }

            return text.Length == 0 ? new JsonObject() : TryParse(text) ?? throw new CliException("the collector's answer is not JSON.");
        }
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Query(IEnumerable<(string Name, string? Value)> query)
    {
        var parts = query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => q.Name + "=" + Uri.EscapeDataString(q.Value!)).ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    public void Dispose() => _http.Dispose();
}

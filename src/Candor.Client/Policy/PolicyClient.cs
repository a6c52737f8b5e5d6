using System.Net;
using System.Net.Http.Headers;
using Candor.Client.Storage;
using Candor.Core.Policy;

namespace Candor.Client.Policy;

/// <summary>Fetches <c>GET /v1/policy</c> with <c>If-None-Match</c>, and keeps the last policy with its ETag in the
/// data folder so that a restart without network obeys the last known policy.</summary>
internal sealed class PolicyClient
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string _key;
    private readonly string _cachePath;
    private string? _etag;

    public PolicyClient(HttpClient http, Uri collector, string key, string dataFolder)
    {
        _http = http;
        _url = new Uri(collector, "v1/policy");
        _key = key;
        _cachePath = Path.Combine(dataFolder, "policy.json");
    }

    public TenantPolicy? LoadCache()
    {
        var text = DataFolder.ReadAllTextOrNull(_cachePath);
        if (text is not null && PolicyCacheFile.TryRead(text, out var policy, out var etag))
        {
            _etag = etag;
            return policy;
        }

        return null;
    }

    /// <summary>Makes the next poll fetch the policy in full: after a 403 the local state must be rebuilt from the
    /// collector's answer, not confirmed by a 304.</summary>
    public void ForgetEtag() => _etag = null;

    public void DeleteCache()
    {
        _etag = null;
        DataFolder.DeleteIfExists(_cachePath);
    }

    /// <summary>The new policy, or null when it has not changed (304) or could not be fetched (then the caller keeps
    /// the one it has). Network failures surface as exceptions for the caller to count.</summary>
    public async Task<TenantPolicy?> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        request.Headers.UserAgent.ParseAdd(ClientInfo.SdkName);
        if (_etag is not null && EntityTagHeaderValue.TryParse(_etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified || !response.IsSuccessStatusCode)
        {
            return null;
        }

#if NET
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
#else
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
#endif
        if (TenantPolicyJson.Read(body, TenantPolicyReadOptions.Tolerant) is not { } policy)
        {
            return null;
        }

        _etag = response.Headers.ETag?.ToString();
        DataFolder.WriteAllTextAtomic(_cachePath, PolicyCacheFile.Serialize(policy, _etag));
        return policy;
    }
}

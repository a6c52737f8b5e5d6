using System.Collections.Concurrent;
using Candor.Storage;
using Microsoft.AspNetCore.Http;

namespace Candor.Server.Access;

/// <summary>Turns a bearer secret into a <see cref="Principal"/>: hashes it, finds the credential, checks that it is
/// of the wanted kind and not revoked. Results (also "unknown") are cached for a short time so that the hot path
/// does not query the store per request; a revocation through this collector clears the cache at once.
/// Thread-safe.</summary>
internal sealed class CredentialResolver(ITenantStore store, TimeProvider time, TimeSpan ttl)
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    public async ValueTask<Principal?> ResolveAsync(HttpRequest request, CredentialKind kind, CancellationToken ct)
    {
        var secret = BearerSecret(request);
        if (secret is null)
        {
            return null;
        }

        var hash = Secrets.Hash(secret);
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var entry) || entry.Expires <= now)
        {
            entry = new Entry(await LoadAsync(hash, ct).ConfigureAwait(false), now + ttl);
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear();
            }

            if (ttl > TimeSpan.Zero)
            {
                _cache[hash] = entry;
            }
        }

        var p = entry.Principal;
        if (p is null || p.Kind != kind || (entry.RevokedAt is { } revoked && revoked <= now))
        {
            return null;
        }

        return p;
    }

    /// <summary>Forgets every cached credential of a tenant (after a revocation or deletion).</summary>
    public void Invalidate(Guid tenantId)
    {
        foreach (var (hash, entry) in _cache)
        {
            if (entry.Principal?.Tenant.Id == tenantId)
            {
                _cache.TryRemove(hash, out _);
            }
        }
    }

    public static string? BearerSecret(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var secret = header[prefix.Length..].Trim();
        return secret.Length is > 0 and <= 512 ? secret : null;
    }

    private async Task<LoadedCredential> LoadAsync(string hash, CancellationToken ct)
    {
        var credential = await store.FindCredentialAsync(hash, ct).ConfigureAwait(false);
        if (credential is null)
        {
            return default;
        }

        var tenant = await store.GetTenantAsync(credential.TenantId, ct).ConfigureAwait(false);
        return tenant is null
            ? default
            : new LoadedCredential(new Principal(tenant, credential.Id, credential.Kind, credential.Role), credential.RevokedAt);
    }

    private readonly record struct LoadedCredential(Principal? Principal, DateTimeOffset? RevokedAt);

    private sealed record Entry(Principal? Principal, DateTimeOffset? RevokedAt, DateTimeOffset Expires)
    {
        public Entry(LoadedCredential loaded, DateTimeOffset expires)
            : this(loaded.Principal, loaded.RevokedAt, expires)
        {
        }
    }
}

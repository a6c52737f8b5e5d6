using System.Collections.Concurrent;
using Candor.Storage;
using Microsoft.AspNetCore.Http;

namespace Candor.Server.Access;

/// <summary>Turns a bearer secret into a <see cref="Principal"/>: hashes it, finds the credential, checks that it is
/// of the wanted kind and not revoked. Results are cached for a short time so that the hot path does not query the
/// store per request; a revocation through this collector clears the cache at once.
/// <para>Two bounded caches, so that a spray of random tokens cannot push valid credentials out: credentials the
/// store knows (at most <c>capacity</c>; when full, the least recently used tenth goes) and unknown secrets (a
/// smaller cache that is simply emptied when full: losing a miss costs one lookup, losing a hit a lookup per
/// request). A known entry outlives its time to live as a memory that the secret was valid, which exempts it from
/// the <see cref="AuthenticationThrottle"/>; it is re-checked against the store before it is used again. Every
/// refused secret is counted by the throttle. Thread-safe.</para></summary>
internal sealed class CredentialResolver(ITenantStore store, TimeProvider time, TimeSpan ttl, AuthenticationThrottle? throttle = null,
    int capacity = 10_000)
{
    private readonly ConcurrentDictionary<string, Entry> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);
    private readonly int _unknownCapacity = Math.Clamp(capacity / 4, 16, 4_096);
    private int _trimming;

    /// <summary>How many credentials the store knows are cached (also those past their time to live).</summary>
    public int KnownCount => _known.Count;

    public ValueTask<Principal?> ResolveAsync(HttpRequest request, CredentialKind kind, CancellationToken ct) =>
        BearerSecret(request) is { } secret
            ? ResolveAsync(secret, request.HttpContext.Connection.RemoteIpAddress, kind, ct)
            : ValueTask.FromResult<Principal?>(null);

    /// <summary>Resolves a secret presented other than as a bearer header (the console's sign-in form), from
    /// <paramref name="address"/>; a refused secret is counted by the throttle as any other.</summary>
    public async ValueTask<Principal?> ResolveAsync(string secret, System.Net.IPAddress? address, CredentialKind kind, CancellationToken ct)
    {
        var hash = Secrets.Hash(secret);
        var now = time.GetUtcNow();
        Principal? p = null;
        DateTimeOffset? revokedAt = null;
        if (_known.TryGetValue(hash, out var entry) && entry.Expires > now)
        {
            entry.Touch(now);
            (p, revokedAt) = (entry.Principal, entry.RevokedAt);
        }
        else if (!(_unknown.TryGetValue(hash, out var until) && until > now))
        {
            LoadedCredential loaded;
            try
            {
                loaded = await LoadAsync(hash, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (entry is not null && ex is not OperationCanceledException)
            {
                // The store does not answer (an outage, a migration): a credential this collector has seen keeps the
                // standing it had, so that ingestion into the cluster's log goes on; the store is asked again at the
                // next request. Nothing can be revoked while the store is down, so nothing revoked is let in.
                loaded = new LoadedCredential(entry.Principal, entry.RevokedAt);
                entry.Touch(now);
                (p, revokedAt) = (loaded.Principal, loaded.RevokedAt);
                goto Checked;
            }

            (p, revokedAt) = (loaded.Principal, loaded.RevokedAt);
            Remember(hash, loaded, now);
        }

    Checked:

        if (p is null || p.Kind != kind || (revokedAt is { } revoked && revoked <= now))
        {
            throttle?.RecordFailure(address, secret);
            return null;
        }

        return p;
    }

    /// <summary>Whether <paramref name="secret"/> was a valid, unrevoked credential when this collector last looked
    /// (within the cache's memory): such a secret is not a guess, so the throttle lets it through.</summary>
    public bool WasValid(string secret) =>
        _known.TryGetValue(Secrets.Hash(secret), out var entry) && (entry.RevokedAt is not { } revoked || revoked > time.GetUtcNow());

    /// <summary>Forgets every cached credential of a tenant (after a revocation or deletion).</summary>
    public void Invalidate(Guid tenantId)
    {
        foreach (var (hash, entry) in _known)
        {
            if (entry.Principal.Tenant.Id == tenantId)
            {
                _known.TryRemove(hash, out _);
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

    private void Remember(string hash, LoadedCredential loaded, DateTimeOffset now)
    {
        if (loaded.Principal is { } principal)
        {
            _unknown.TryRemove(hash, out _);
            _known[hash] = new Entry(principal, loaded.RevokedAt, now + ttl, now);
            if (_known.Count > capacity)
            {
                Trim();
            }
        }
        else if (ttl > TimeSpan.Zero)
        {
            if (_unknown.Count >= _unknownCapacity)
            {
                _unknown.Clear();
            }

            _unknown[hash] = now + ttl;
        }
    }

    /// <summary>Evicts the least recently used tenth of the known credentials; one thread at a time, the others
    /// carry on (the cache may briefly exceed its capacity by what they add meanwhile).</summary>
    private void Trim()
    {
        if (Interlocked.Exchange(ref _trimming, 1) == 1)
        {
            return;
        }

        try
        {
            var excess = _known.Count - (capacity - (capacity / 10));
            foreach (var (hash, _) in _known.OrderBy(e => e.Value.LastUsed).Take(Math.Max(excess, 0)).ToList())
            {
                _known.TryRemove(hash, out _);
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    private readonly record struct LoadedCredential(Principal? Principal, DateTimeOffset? RevokedAt);

    private sealed class Entry(Principal principal, DateTimeOffset? revokedAt, DateTimeOffset expires, DateTimeOffset used)
    {
        private long _lastUsed = used.UtcTicks;

        public Principal Principal => principal;

        public DateTimeOffset? RevokedAt => revokedAt;

        public DateTimeOffset Expires => expires;

        public long LastUsed => Volatile.Read(ref _lastUsed);

        public void Touch(DateTimeOffset now) => Volatile.Write(ref _lastUsed, now.UtcTicks);
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Core.Policy;
using Candor.Server.Catalogs;
using Candor.Storage;

namespace Candor.Server.TenantPolicies;

/// <summary>A tenant's policy as served: the policy, its stored version (0 for the default), its JSON and the
/// ETag derived from that JSON.</summary>
internal sealed record EffectivePolicy(TenantPolicy Policy, long Version, byte[] Json, string ETag);

/// <summary>The policy that applies to a tenant: the saved one, or the default (collection on, the family's
/// levels, every category, 90 days, 60 seconds) when none is saved. Cached briefly per tenant, since every
/// ingestion request needs it; a change through this collector takes effect at once. Thread-safe.</summary>
internal sealed class PolicyService(ITenantStore store, CatalogRegistry catalogs, TimeProvider time, TimeSpan ttl)
{
    private readonly ConcurrentDictionary<Guid, (EffectivePolicy Policy, DateTimeOffset Expires)> _cache = new();

    public async ValueTask<EffectivePolicy> GetAsync(TenantRecord tenant, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(tenant.Id, out var cached) && cached.Expires > now)
        {
            return cached.Policy;
        }

        PolicyRecord? record;
        try
        {
            record = await store.GetPolicyAsync(tenant.Id, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _cache.TryGetValue(tenant.Id, out var stale))
        {
            // The store does not answer: the policy last read stands (no change can be saved meanwhile), so that
            // ingestion into the cluster's log goes on through a PostgreSQL outage. Asked again next time.
            return stale.Policy;
        }

        var policy = record?.Policy ?? Default(FamilyLevels(tenant.Family));
        var json = ToJson(policy);
        var effective = new EffectivePolicy(policy, record?.Version ?? 0, json, ETagOf(json));
        if (ttl > TimeSpan.Zero)
        {
            _cache[tenant.Id] = (effective, now + ttl);
        }

        return effective;
    }

    public void Invalidate(Guid tenantId) => _cache.TryRemove(tenantId, out _);

    public IReadOnlyList<DataLevel> FamilyLevels(string family) =>
        catalogs.TryGet(family, out var catalog) ? catalog.FamilyLevels : [DataLevel.Required];

    public int FamilyMaxRetentionDays(string family) =>
        catalogs.TryGet(family, out var catalog) && catalog.Catalog.Family.MaxRetentionDays > 0
            ? catalog.Catalog.Family.MaxRetentionDays
            : 3_650;

    public static TenantPolicy Default(IReadOnlyList<DataLevel> familyLevels) => new()
    {
        CollectionOn = true,
        Levels = [.. familyLevels],
        Categories = WireNames.AllCategories,
        RetentionDays = 90,
        UploadIntervalSeconds = 60,
    };

    /// <summary>The policy's wire JSON, written by the shared serializer so that the SDK reads what the store keeps.</summary>
    public static byte[] ToJson(TenantPolicy policy)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            TenantPolicyJson.Write(writer, policy);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a policy sent by an administrator and checks it against the family's rule, with the shared
    /// reader: unknown properties are refused, the scope must be stated, levels may only narrow the family's and
    /// uploads are at most every 10 seconds. Every problem is added to <paramref name="errors"/>; null when there
    /// was any.</summary>
    public static TenantPolicy? Parse(ReadOnlySpan<byte> json, IReadOnlyList<DataLevel> familyLevels, int maxRetentionDays, List<string> errors) =>
        TenantPolicyJson.Read(json, new TenantPolicyReadOptions
        {
            RejectUnknownProperties = true,
            RequireScope = true,
            AllowedLevels = familyLevels,
            MaxRetentionDays = maxRetentionDays,
            MinUploadIntervalSeconds = 10,
        }, errors);

    private static string ETagOf(byte[] json)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(json, digest);
        return "\"" + Convert.ToHexStringLower(digest[..8]) + "\"";
    }
}

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

        var record = await store.GetPolicyAsync(tenant.Id, ct).ConfigureAwait(false);
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

    /// <summary>Parses a policy sent by an administrator and checks it against the family's rule. Every problem
    /// is added to <paramref name="errors"/>; null when there was any.</summary>
    public static TenantPolicy? Parse(ReadOnlySpan<byte> json, IReadOnlyList<DataLevel> familyLevels, int maxRetentionDays, List<string> errors)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            errors.Add($"The body is not valid JSON: {ex.Message}");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add("The policy must be a JSON object.");
                return null;
            }

            var collection = true;
            var levels = new List<DataLevel>();
            var categories = new List<DataCategory>();
            var retention = 90;
            var upload = 60;
            bool sawCollection = false, sawLevels = false, sawCategories = false;
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "collection":
                        sawCollection = true;
                        if (value.ValueKind == JsonValueKind.String && value.GetString() is "on" or "off")
                        {
                            collection = value.GetString() == "on";
                        }
                        else
                        {
                            errors.Add("collection: must be \"on\" or \"off\".");
                        }

                        break;
                    case "levels":
                        sawLevels = true;
                        ReadList(value, "levels", levels, WireNames.TryParseLevel, errors);
                        foreach (var level in levels)
                        {
                            if (!familyLevels.Contains(level))
                            {
                                errors.Add($"levels: the family does not collect {level.ToWire()} data; a policy can only narrow the family's rule.");
                            }
                        }

                        break;
                    case "categories":
                        sawCategories = true;
                        ReadList(value, "categories", categories, WireNames.TryParseCategory, errors);
                        break;
                    case "retentionDays":
                        if (!value.TryGetInt32(out retention) || retention < 1 || retention > maxRetentionDays)
                        {
                            errors.Add($"retentionDays: must be an integer from 1 to {maxRetentionDays} (the family's maximum).");
                        }

                        break;
                    case "uploadIntervalSeconds":
                        if (!value.TryGetInt32(out upload) || upload < 10 || upload > 86_400)
                        {
                            errors.Add("uploadIntervalSeconds: must be an integer from 10 to 86400.");
                        }

                        break;
                    default:
                        errors.Add($"{property.Name}: is not a policy setting.");
                        break;
                }
            }

            if (!sawCollection)
            {
                errors.Add("collection: is required.");
            }

            if (!sawLevels)
            {
                errors.Add("levels: is required.");
            }

            if (!sawCategories)
            {
                errors.Add("categories: is required.");
            }

            return errors.Count > 0
                ? null
                : new TenantPolicy
                {
                    CollectionOn = collection,
                    Levels = [.. levels.Distinct()],
                    Categories = [.. categories.Distinct()],
                    RetentionDays = retention,
                    UploadIntervalSeconds = upload,
                };
        }
    }

    private delegate bool TryParse<T>(string? text, out T value);

    private static void ReadList<T>(JsonElement value, string name, List<T> into, TryParse<T> parse, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{name}: must be an array of strings.");
            return;
        }

        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (parse(text, out var parsed))
            {
                into.Add(parsed);
            }
            else
            {
                errors.Add($"{name}: '{text ?? item.ValueKind.ToString()}' is not a known value.");
            }
        }
    }

    private static string ETagOf(byte[] json)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(json, digest);
        return "\"" + Convert.ToHexStringLower(digest[..8]) + "\"";
    }
}

using System.Text;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Core.Policy;

namespace Candor.Client.Policy;

/// <summary>Reads and writes the <c>GET /v1/policy</c> document. Unknown levels and categories are ignored (a newer
/// collector may know more), which can only narrow what the SDK sends.</summary>
internal static class PolicyJson
{
    public static bool TryParse(ReadOnlySpan<byte> json, out TenantPolicy policy)
    {
        policy = new TenantPolicy();
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var on = !root.TryGetProperty("collection", out var collection) || collection.ValueKind != JsonValueKind.String ||
                     !string.Equals(collection.GetString(), "off", StringComparison.Ordinal);
            var levels = new List<DataLevel>();
            if (root.TryGetProperty("levels", out var levelArray) && levelArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in levelArray.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && WireNames.TryParseLevel(item.GetString(), out var level))
                    {
                        levels.Add(level);
                    }
                }
            }
            else
            {
                levels.Add(DataLevel.Required);
            }

            var categories = new List<DataCategory>();
            if (root.TryGetProperty("categories", out var categoryArray) && categoryArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in categoryArray.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && WireNames.TryParseCategory(item.GetString(), out var category))
                    {
                        categories.Add(category);
                    }
                }
            }
            else
            {
                categories.AddRange(WireNames.AllCategories);
            }

            var retention = root.TryGetProperty("retentionDays", out var r) && r.TryGetInt32(out var days) ? days : 90;
            var interval = root.TryGetProperty("uploadIntervalSeconds", out var u) && u.TryGetInt32(out var seconds) && seconds > 0 ? seconds : 60;
            policy = new TenantPolicy
            {
                CollectionOn = on,
                Levels = levels,
                Categories = categories,
                RetentionDays = retention,
                UploadIntervalSeconds = interval,
            };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static byte[] Serialize(TenantPolicy policy)
    {
        // One wire format for SDK, collector and store: the shared writer in Core.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            TenantPolicyJson.Write(writer, policy);
        }

        return buffer.ToArray();
    }

    /// <summary>The on-disk cache: the policy with the ETag it was served with.</summary>
    public static string SerializeCache(TenantPolicy policy, string? etag)
    {
        var body = Encoding.UTF8.GetString(Serialize(policy));
        return JsonSerializer.Serialize(new Dictionary<string, object?> { ["etag"] = etag, ["policy"] = JsonDocument.Parse(body).RootElement });
    }

    public static bool TryParseCache(string text, out TenantPolicy policy, out string? etag)
    {
        policy = new TenantPolicy();
        etag = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("policy", out var body))
            {
                return false;
            }

            etag = doc.RootElement.TryGetProperty("etag", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            return TryParse(Encoding.UTF8.GetBytes(body.GetRawText()), out policy);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

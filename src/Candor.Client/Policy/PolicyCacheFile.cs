using System.Text;
using System.Text.Json;
using Candor.Core.Policy;

namespace Candor.Client.Policy;

/// <summary>The on-disk cache of the last policy (<c>policy.json</c> in the data folder): the policy in its wire
/// form with the ETag it was served with, so that a restart without network obeys the last known policy. The
/// policy itself is written and read by the shared <see cref="TenantPolicyJson"/>, tolerantly as served.</summary>
internal static class PolicyCacheFile
{
    public static string Serialize(TenantPolicy policy, string? etag)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("etag", etag);
            writer.WritePropertyName("policy");
            TenantPolicyJson.Write(writer, policy);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static bool TryRead(string text, out TenantPolicy policy, out string? etag)
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
            if (TenantPolicyJson.Read(Encoding.UTF8.GetBytes(body.GetRawText()), TenantPolicyReadOptions.Tolerant) is not { } read)
            {
                return false;
            }

            policy = read;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

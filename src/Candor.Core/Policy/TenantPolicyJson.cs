using System.Text;
using System.Text.Json;
using Candor.Core.Model;

namespace Candor.Core.Policy;

/// <summary>Reads and writes a <see cref="TenantPolicy"/> in its wire form (<c>GET /v1/policy</c>):
/// <c>{"collection":"on","levels":["required"],"categories":[...],"retentionDays":90,"uploadIntervalSeconds":60}</c>.
/// The collector serves it, the SDK obeys it and the stores keep it, all through this one class. Thread-safe.</summary>
public static class TenantPolicyJson
{
    /// <summary>The longest retention a policy may ask for: one hundred years.</summary>
    public const int MaxRetentionDays = 36500;

    /// <summary>The longest upload interval a policy may ask for: one day.</summary>
    public const int MaxUploadIntervalSeconds = 86400;

    /// <summary>Serializes a policy to compact JSON with the properties in the order above.</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="policy"/> is null.</exception>
    public static string Serialize(TenantPolicy policy)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, policy);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes a policy as one JSON object to <paramref name="writer"/>.</summary>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    public static void Write(Utf8JsonWriter writer, TenantPolicy policy)
    {
        if (writer is null)
        {
            throw new ArgumentNullException(nameof(writer));
        }

        if (policy is null)
        {
            throw new ArgumentNullException(nameof(policy));
        }

        writer.WriteStartObject();
        writer.WriteString("collection", policy.CollectionOn ? "on" : "off");
        writer.WriteStartArray("levels");
        foreach (var level in policy.Levels)
        {
            writer.WriteStringValue(level.ToWire());
        }

        writer.WriteEndArray();
        writer.WriteStartArray("categories");
        foreach (var category in policy.Categories)
        {
            writer.WriteStringValue(category.ToWire());
        }

        writer.WriteEndArray();
        writer.WriteNumber("retentionDays", policy.RetentionDays);
        writer.WriteNumber("uploadIntervalSeconds", policy.UploadIntervalSeconds);
        writer.WriteEndObject();
    }

    /// <summary>Parses a policy, ignoring properties it does not know (a newer collector may add some).
    /// A property that is absent keeps its <see cref="TenantPolicy"/> default.</summary>
    /// <exception cref="InvalidDataException">With a message naming the offending property when the text is not a
    /// valid policy.</exception>
    public static TenantPolicy Parse(string json)
    {
        if (!TryParse(json, rejectUnknownProperties: false, out var policy, out var error))
        {
            throw new InvalidDataException($"Not a valid Candor policy: {error}");
        }

        return policy!;
    }

    /// <summary>Parses a policy without throwing. Use <paramref name="rejectUnknownProperties"/> for input typed
    /// by a person (an administrator's <c>PUT</c>), where an unknown property is most likely a typo.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="rejectUnknownProperties">Whether a property this version does not know is an error.</param>
    /// <param name="policy">The policy, or null when the text is not valid.</param>
    /// <param name="error">A one-line message naming the offending property, or null when the text is valid.</param>
    /// <returns>Whether the text is a valid policy.</returns>
    public static bool TryParse(string? json, bool rejectUnknownProperties, out TenantPolicy? policy, out string? error)
    {
        policy = null;
        if (json is null)
        {
            error = "the policy is missing";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            error = $"not JSON ({ex.Message})";
            return false;
        }

        using (document)
        {
            error = Read(document.RootElement, rejectUnknownProperties, out policy);
            return error is null;
        }
    }

    private static string? Read(JsonElement root, bool rejectUnknownProperties, out TenantPolicy? policy)
    {
        policy = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "expected a JSON object";
        }

        var result = new TenantPolicy();
        foreach (var property in root.EnumerateObject())
        {
            string? error;
            switch (property.Name)
            {
                case "collection":
                    error = ReadCollection(property.Value, out var on);
                    result = result with { CollectionOn = on };
                    break;
                case "levels":
                    error = ReadList<DataLevel>(property, WireNames.TryParseLevel, "required, optional", out var levels);
                    result = result with { Levels = levels };
                    break;
                case "categories":
                    error = ReadList<DataCategory>(property, WireNames.TryParseCategory,
                        string.Join(", ", WireNames.AllCategories.Select(c => c.ToWire())), out var categories);
                    result = result with { Categories = categories };
                    break;
                case "retentionDays":
                    error = ReadInt(property, MaxRetentionDays, out var days);
                    result = result with { RetentionDays = days };
                    break;
                case "uploadIntervalSeconds":
                    error = ReadInt(property, MaxUploadIntervalSeconds, out var seconds);
                    result = result with { UploadIntervalSeconds = seconds };
                    break;
                default:
                    error = rejectUnknownProperties ? $"'{property.Name}' is not a policy property" : null;
                    break;
            }

            if (error is not null)
            {
                return error;
            }
        }

        policy = result;
        return null;
    }

    private static string? ReadCollection(JsonElement value, out bool on)
    {
        on = true;
        switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
        {
            case "on":
                return null;
            case "off":
                on = false;
                return null;
            default:
                return "'collection' must be \"on\" or \"off\"";
        }
    }

    private delegate bool TryParseWire<T>(string? text, out T value);

    private static string? ReadList<T>(JsonProperty property, TryParseWire<T> parse, string allowed, out IReadOnlyList<T> values)
        where T : struct, Enum
    {
        values = [];
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            return $"'{property.Name}' must be an array";
        }

        var list = new List<T>();
        var index = 0;
        foreach (var item in property.Value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (!parse(text, out var value))
            {
                return $"'{property.Name}[{index}]' must be one of {allowed}";
            }

            // A repeated name means nothing more; keeping one keeps the served policy canonical.
            if (!list.Contains(value))
            {
                list.Add(value);
            }

            index++;
        }

        values = list;
        return null;
    }

    private static string? ReadInt(JsonProperty property, int max, out int value)
    {
        value = 0;
        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out value) || value < 1 || value > max)
        {
            return $"'{property.Name}' must be a whole number from 1 to {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        return null;
    }
}

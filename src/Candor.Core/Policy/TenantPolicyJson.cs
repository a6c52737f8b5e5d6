using System.Globalization;
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

        var errors = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            error = NotJson(ex);
            return false;
        }

        using (document)
        {
            policy = Read(document.RootElement, rejectUnknownProperties ? StoredStrict : TenantPolicyReadOptions.Stored, errors);
            error = errors.Count > 0 ? errors[0] : null;
            return policy is not null;
        }
    }

    /// <summary>Reads a policy from UTF-8 JSON as <paramref name="options"/> say, reporting every problem rather
    /// than the first, so that a person fixing a policy sees them all at once.</summary>
    /// <param name="json">The UTF-8 JSON.</param>
    /// <param name="options">How strictly to read (<see cref="TenantPolicyReadOptions.Tolerant"/> for the SDK).</param>
    /// <param name="errors">Receives a one-line message per problem, each naming its property; may be null.</param>
    /// <returns>The policy, or null when there was any problem.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="options"/> is null.</exception>
    public static TenantPolicy? Read(ReadOnlySpan<byte> json, TenantPolicyReadOptions options, ICollection<string>? errors = null)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        errors ??= new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException ex)
        {
            errors.Add(NotJson(ex));
            return null;
        }

        using (document)
        {
            return Read(document.RootElement, options, errors);
        }
    }

    private static readonly TenantPolicyReadOptions StoredStrict = new() { RejectUnknownProperties = true };

    private static string NotJson(JsonException ex) => $"not JSON ({ex.Message})";

    private static TenantPolicy? Read(JsonElement root, TenantPolicyReadOptions options, ICollection<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("expected a JSON object");
            return null;
        }

        var before = errors.Count;
        var result = new TenantPolicy();
        bool sawCollection = false, sawLevels = false, sawCategories = false;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "collection":
                    sawCollection = true;
                    if (ReadCollection(property.Value, options, errors) is { } on)
                    {
                        result = result with { CollectionOn = on };
                    }

                    break;
                case "levels":
                    sawLevels = true;
                    // Both checks run, so that a person sees an unknown name and a widening level together.
                    var levels = ReadList<DataLevel>(property, WireNames.TryParseLevel, "required, optional", options, errors, out var valid);
                    if (AllowedByFamily(levels, options, errors) && valid)
                    {
                        result = result with { Levels = levels };
                    }

                    break;
                case "categories":
                    sawCategories = true;
                    var categories = ReadList<DataCategory>(property, WireNames.TryParseCategory,
                        string.Join(", ", WireNames.AllCategories.Select(c => c.ToWire())), options, errors, out valid);
                    if (valid)
                    {
                        result = result with { Categories = categories };
                    }

                    break;
                case "retentionDays":
                    if (ReadInt(property, 1, options.MaxRetentionDays, options, errors) is { } days)
                    {
                        result = result with { RetentionDays = days };
                    }

                    break;
                case "uploadIntervalSeconds":
                    if (ReadInt(property, options.MinUploadIntervalSeconds, MaxUploadIntervalSeconds, options, errors) is { } seconds)
                    {
                        result = result with { UploadIntervalSeconds = seconds };
                    }

                    break;
                default:
                    if (options.RejectUnknownProperties)
                    {
                        errors.Add($"'{property.Name}' is not a policy property");
                    }

                    break;
            }
        }

        if (options.RequireScope)
        {
            Require(sawCollection, "collection", errors);
            Require(sawLevels, "levels", errors);
            Require(sawCategories, "categories", errors);
        }

        return errors.Count == before ? result : null;
    }

    private static void Require(bool seen, string name, ICollection<string> errors)
    {
        if (!seen)
        {
            errors.Add($"'{name}' is required");
        }
    }

    private static bool? ReadCollection(JsonElement value, TenantPolicyReadOptions options, ICollection<string> errors)
    {
        switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
        {
            case "on":
                return true;
            case "off":
                return false;
            default:
                if (!options.SkipInvalidValues)
                {
                    errors.Add("'collection' must be \"on\" or \"off\"");
                }

                return null;
        }
    }

    private delegate bool TryParseWire<T>(string? text, out T value);

    /// <summary>The names of the list this version knows, each once; <paramref name="valid"/> is false when the
    /// property is not an array, or when a name is unknown and <see cref="TenantPolicyReadOptions.SkipInvalidValues"/>
    /// is not set.</summary>
    private static List<T> ReadList<T>(
        JsonProperty property, TryParseWire<T> parse, string allowed, TenantPolicyReadOptions options, ICollection<string> errors,
        out bool valid)
        where T : struct, Enum
    {
        var list = new List<T>();
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            if (!options.SkipInvalidValues)
            {
                errors.Add($"'{property.Name}' must be an array");
            }

            valid = false;
            return list;
        }

        valid = true;
        var index = 0;
        foreach (var item in property.Value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (!parse(text, out var value))
            {
                // Skipping a name this version does not know can only narrow what is allowed.
                if (!options.SkipInvalidValues)
                {
                    errors.Add($"'{property.Name}[{index.ToString(CultureInfo.InvariantCulture)}]' must be one of {allowed}");
                    valid = false;
                }
            }
            else if (!list.Contains(value))
            {
                // A repeated name means nothing more; keeping one keeps the served policy canonical.
                list.Add(value);
            }

            index++;
        }

        return list;
    }

    private static bool AllowedByFamily(List<DataLevel> levels, TenantPolicyReadOptions options, ICollection<string> errors)
    {
        if (options.AllowedLevels is not { } family)
        {
            return true;
        }

        var allowed = true;
        foreach (var level in levels)
        {
            if (!EnumSet.Contains(family, level))
            {
                errors.Add($"'levels' holds {level.ToWire()}, which the family does not collect; a policy can only narrow the family's rule");
                allowed = false;
            }
        }

        return allowed;
    }

    private static int? ReadInt(JsonProperty property, int min, int max, TenantPolicyReadOptions options, ICollection<string> errors)
    {
        if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var value) && value >= min
            && (value <= max || options.SkipInvalidValues))
        {
            return value;
        }

        if (!options.SkipInvalidValues)
        {
            errors.Add($"'{property.Name}' must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        }

        return null;
    }
}

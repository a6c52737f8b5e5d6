using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Fleet.Tests;

/// <summary>Checks one wire event against the catalog, independently of the fleet's own code: the envelope is
/// complete and typed as the common fields declare, the event exists and applies to its product, and every
/// data field is declared, of the right type, within its length and among its enum values.</summary>
internal static partial class CatalogValidator
{
    public static IEnumerable<string> Validate(JsonElement ev, CompiledCatalog catalog)
    {
        var name = ev.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        foreach (var common in catalog.CommonFields)
        {
            var value = Envelope(ev, common.WireName ?? common.Name);
            if (value is null)
            {
                yield return $"{name}: envelope field {common.WireName} missing";
                continue;
            }

            foreach (var problem in Check(common, value.Value))
            {
                yield return $"{name}: envelope {common.WireName}: {problem}";
            }
        }

        foreach (var key in new[] { "id", "session" })
        {
            if (!Guid.TryParseExact(ev.GetProperty(key).GetString(), "D", out _))
            {
                yield return $"{name}: {key} is not a UUID";
            }
        }

        if (!Guid.TryParseExact(ev.GetProperty("device").GetProperty("id").GetString(), "D", out _))
        {
            yield return $"{name}: device.id is not a UUID";
        }

        var definition = catalog.Events.FirstOrDefault(e => e.Name == name);
        if (definition is null)
        {
            yield return $"unknown event {name}";
            yield break;
        }

        var product = ev.GetProperty("product").GetString() ?? "";
        if (catalog.Products.All(p => p.Id != product))
        {
            yield return $"{name}: unknown product {product}";
        }

        if (!definition.AppliesTo(product))
        {
            yield return $"{name}: does not apply to {product}";
        }

        if (!ev.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            yield return $"{name}: data is not an object";
            yield break;
        }

        foreach (var property in data.EnumerateObject())
        {
            var field = definition.Fields.FirstOrDefault(f => f.Name == property.Name);
            if (field is null)
            {
                yield return $"{name}: undeclared field {property.Name}";
                continue;
            }

            foreach (var problem in Check(field, property.Value))
            {
                yield return $"{name}.{property.Name}: {problem}";
            }
        }

        foreach (var field in definition.Fields.Where(f => f.Required))
        {
            if (!data.TryGetProperty(field.Name, out _))
            {
                yield return $"{name}: required field {field.Name} missing";
            }
        }
    }

    private static JsonElement? Envelope(JsonElement ev, string path)
    {
        var current = ev;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    private static IEnumerable<string> Check(FieldDefinition field, JsonElement value)
    {
        switch (field.Type)
        {
            case FieldType.String:
                if (value.ValueKind != JsonValueKind.String)
                {
                    yield return "not a string";
                }
                else if (field.MaxLength is { } max && value.GetString()!.Length > max)
                {
                    yield return $"longer than {max}";
                }
                else if (value.GetString()!.Length == 0)
                {
                    yield return "empty";
                }

                break;
            case FieldType.Int:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out _))
                {
                    yield return "not an int";
                }

                break;
            case FieldType.Long:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _))
                {
                    yield return "not a long";
                }

                break;
            case FieldType.Duration:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var ms) || ms < 0)
                {
                    yield return "not a non-negative integer of milliseconds";
                }

                break;
            case FieldType.Double:
                if (value.ValueKind != JsonValueKind.Number)
                {
                    yield return "not a number";
                }

                break;
            case FieldType.Bool:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    yield return "not a bool";
                }

                break;
            case FieldType.Timestamp:
                if (value.ValueKind != JsonValueKind.String || !TimestampPattern().IsMatch(value.GetString()!)
                    || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                {
                    yield return $"not an ISO 8601 UTC time: {value}";
                }

                break;
            case FieldType.Version:
                if (value.ValueKind != JsonValueKind.String || !VersionPattern().IsMatch(value.GetString()!))
                {
                    yield return $"not a dotted version: {value}";
                }

                break;
            case FieldType.Enum:
                if (value.ValueKind != JsonValueKind.String || !field.Values.Contains(value.GetString()))
                {
                    yield return $"not one of [{string.Join(", ", field.Values)}]: {value}";
                }

                break;
            case FieldType.Hash:
                if (value.ValueKind != JsonValueKind.String || !HashPattern().IsMatch(value.GetString()!))
                {
                    yield return "not 64 lowercase hex digits";
                }

                break;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$")]
    private static partial Regex TimestampPattern();

    [GeneratedRegex(@"^\d+(\.\d+){1,3}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HashPattern();
}

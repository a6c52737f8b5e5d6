using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Server.Ingestion;

/// <summary>A compiled catalog turned into the lookups the ingestion hot path needs: events, products and
/// fields by name straight from a span of characters (no string per lookup), and each field's rule
/// precomputed. Immutable; shared by every request of the family.</summary>
internal sealed class CatalogIndex
{
    private readonly Dictionary<string, EventRule>.AlternateLookup<ReadOnlySpan<char>> _events;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _products;

    public CatalogIndex(CompiledCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        Family = catalog.Family.Id;
        FamilyLevels = catalog.Family.Levels;
        var events = new Dictionary<string, EventRule>(StringComparer.Ordinal);
        foreach (var definition in catalog.Events)
        {
            events[definition.Name] = new EventRule(definition);
        }

        _events = events.GetAlternateLookup<ReadOnlySpan<char>>();
        var products = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var product in catalog.Products)
        {
            products[product.Id] = product.Id;
        }

        _products = products.GetAlternateLookup<ReadOnlySpan<char>>();
        Envelope = new EnvelopeRules(catalog.CommonFields);
        Rules = [.. events.Values.OrderBy(r => r.Name, StringComparer.Ordinal)];
    }

    public CompiledCatalog Catalog { get; }

    public string Family { get; }

    public IReadOnlyList<DataLevel> FamilyLevels { get; }

    public EnvelopeRules Envelope { get; }

    public IReadOnlyList<EventRule> Rules { get; }

    public bool TryGetEvent(ReadOnlySpan<char> name, out EventRule rule) => _events.TryGetValue(name, out rule!);

    public bool TryGetProduct(ReadOnlySpan<char> id, out string product) => _products.TryGetValue(id, out product!);
}

/// <summary>An event definition prepared for validation.</summary>
internal sealed class EventRule
{
    private readonly Dictionary<string, FieldRule>.AlternateLookup<ReadOnlySpan<char>> _fields;
    private readonly HashSet<string> _products;

    public EventRule(EventDefinition definition)
    {
        Name = definition.Name;
        Level = definition.Level;
        Category = definition.Category;
        AllProducts = definition.AllProducts;
        _products = new HashSet<string>(definition.Products, StringComparer.Ordinal);
        RetentionDays = definition.RetentionDays;
        Expires = definition.Expires is { Length: > 0 } e
            && DateOnly.TryParseExact(e, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;
        var fields = new Dictionary<string, FieldRule>(StringComparer.Ordinal);
        var list = new List<FieldRule>();
        foreach (var field in definition.Fields)
        {
            var rule = new FieldRule(field, list.Count);
            fields[field.Name] = rule;
            list.Add(rule);
        }

        Fields = list;
        _fields = fields.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Name { get; }

    public DataLevel Level { get; }

    public DataCategory Category { get; }

    public bool AllProducts { get; }

    public int RetentionDays { get; }

    /// <summary>The last day on which the event may be collected, or null for never.</summary>
    public DateOnly? Expires { get; }

    public IReadOnlyList<FieldRule> Fields { get; }

    public bool AppliesTo(string product) => AllProducts || _products.Contains(product);

    public bool TryGetField(ReadOnlySpan<char> name, out FieldRule rule) => _fields.TryGetValue(name, out rule!);
}

/// <summary>A field definition prepared for validation and for writing the stored <c>data</c> object.</summary>
internal sealed class FieldRule
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _values;

    public FieldRule(FieldDefinition definition, int index)
    {
        Name = definition.Name;
        EncodedName = JsonEncodedText.Encode(definition.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        Type = definition.Type;
        MaxLength = definition.MaxLength;
        Classification = definition.Classification;
        Required = definition.Required;
        Index = index;
        _values = new HashSet<string>(definition.Values, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Name { get; }

    public JsonEncodedText EncodedName { get; }

    public FieldType Type { get; }

    public int? MaxLength { get; }

    public DataClassification Classification { get; }

    public bool Required { get; }

    /// <summary>The field's position in its event, for tracking which fields a value was seen for.</summary>
    public int Index { get; }

    public bool IsAllowedValue(ReadOnlySpan<char> value) => _values.Contains(value);
}

/// <summary>The limits of the envelope's strings, taken from the catalog's common fields (by their wire name)
/// so that the collector enforces what the published summary documents.</summary>
internal sealed class EnvelopeRules
{
    private static readonly string[] DefaultDeviceClasses = ["desktop", "mobile", "mixed_reality", "browser"];

    public EnvelopeRules(IReadOnlyList<FieldDefinition> common)
    {
        var byWire = new Dictionary<string, FieldDefinition>(StringComparer.Ordinal);
        foreach (var f in common)
        {
            if (f.WireName is { } wire)
            {
                byWire[wire] = f;
            }
        }

        Sdk = Rule(byWire, EnvelopeNames.Sdk, 64);
        Os = Rule(byWire, EnvelopeNames.DevicePaths.Os, 32);
        OsVersion = Rule(byWire, EnvelopeNames.DevicePaths.OsVersion, 64);
        Arch = Rule(byWire, EnvelopeNames.DevicePaths.Arch, 16);
        Locale = Rule(byWire, EnvelopeNames.DevicePaths.Locale, 35);
        var classes = byWire.TryGetValue(EnvelopeNames.DevicePaths.Class, out var c) && c.Values.Count > 0 ? c.Values : DefaultDeviceClasses;
        _deviceClasses = new HashSet<string>(classes, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _deviceClasses;

    public EnvelopeString Sdk { get; }

    public EnvelopeString Os { get; }

    public EnvelopeString OsVersion { get; }

    public EnvelopeString Arch { get; }

    public EnvelopeString Locale { get; }

    public bool TryGetDeviceClass(ReadOnlySpan<char> value, out string deviceClass) =>
        _deviceClasses.TryGetValue(value, out deviceClass!);

    private static EnvelopeString Rule(Dictionary<string, FieldDefinition> byWire, string wire, int defaultMax) =>
        byWire.TryGetValue(wire, out var f)
            ? new EnvelopeString(wire, f.MaxLength ?? defaultMax, f.Classification)
            : new EnvelopeString(wire, defaultMax, DataClassification.SystemMetadata);
}

/// <summary>A free-text string of the envelope: its wire path, maximum length and classification.</summary>
internal sealed record EnvelopeString(string WireName, int MaxLength, DataClassification Classification);

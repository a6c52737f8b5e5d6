using Candor.Catalog.Diagnostics;

namespace Candor.Catalog.Loading;

/// <summary>A node of the catalog sources as written, with the position of the node and of each of its keys,
/// so that every rule can point at the exact line. Values stay raw (strings) so that the rules, not the
/// loader, judge them.</summary>
internal abstract class SourceNode
{
    public required SourceLocation Location { get; init; }

    /// <summary>Where each key's value starts, by key.</summary>
    public Dictionary<string, SourceLocation> KeyLocations { get; } = new(StringComparer.Ordinal);

    /// <summary>The location of a key's value, or of the node itself when the key is absent.</summary>
    public SourceLocation At(string key) => KeyLocations.TryGetValue(key, out var l) ? l : Location;

    public bool Has(string key) => KeyLocations.ContainsKey(key);
}

internal sealed class LinkSource : SourceNode
{
    public string? Title { get; set; }
    public string? Url { get; set; }
}

internal sealed class FamilySource : SourceNode
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Published { get; set; }
    public string? Description { get; set; }
    public List<string>? Levels { get; set; }
    public int? MaxRetentionDays { get; set; }
    public List<LinkSource> PrivacyLinks { get; } = [];
    public List<LinkSource> AdminLinks { get; } = [];
}

internal sealed class ProductSource : SourceNode
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public List<string>? Platforms { get; set; }
    public string? DeviceClass { get; set; }
}

internal sealed class FieldSource : SourceNode
{
    public string? Name { get; set; }
    public string? WireName { get; set; }
    public string? Type { get; set; }
    public List<string>? Values { get; set; }
    public string? Description { get; set; }
    public bool? Required { get; set; }
    public int? MaxLength { get; set; }
    public string? Classification { get; set; }
    public string? Justification { get; set; }

    /// <summary>Only for common (envelope) fields.</summary>
    public string? Category { get; set; }
}

internal sealed class EventSource : SourceNode
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Level { get; set; }
    public string? Category { get; set; }

    /// <summary>True when <c>products: all</c>.</summary>
    public bool AllProducts { get; set; }

    /// <summary>The listed product ids, with the location of each entry.</summary>
    public List<(string Id, SourceLocation Location)>? Products { get; set; }

    public string? Owner { get; set; }
    public string? Added { get; set; }
    public string? Expires { get; set; }
    public string? ExpiryJustification { get; set; }
    public int? RetentionDays { get; set; }
    public double? Sampling { get; set; }
    public List<FieldSource> Fields { get; } = [];
}

/// <summary>Everything read from one catalog folder, plus what the loader itself found wrong.</summary>
internal sealed class CatalogSource
{
    public required string Root { get; init; }
    public FamilySource? Family { get; set; }
    public List<ProductSource> Products { get; } = [];
    public List<FieldSource> CommonFields { get; } = [];
    public List<EventSource> Events { get; } = [];
    public List<CatalogDiagnostic> LoadDiagnostics { get; } = [];
    public List<string> Files { get; } = [];
}

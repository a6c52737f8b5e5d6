using Candor.Core.Model;

namespace Candor.Core.Catalog;

/// <summary>A family's catalog, checked and compiled to one JSON file (<c>./candor catalog compile</c>) that the
/// SDK's generator, the SDK and the collector load without YAML. Immutable after loading; safe to share.</summary>
public sealed class CompiledCatalog
{
    /// <summary>The format version this code reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The format version of the file; readers refuse versions they do not know.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The SHA-256 of the canonical JSON of the rest of the catalog, lowercase hex: the same sources
    /// always give the same hash, and any change to what may be collected changes it.</summary>
    public string ContentHash { get; init; } = "";

    /// <summary>The family: its identity, collection rule and published texts.</summary>
    public FamilyDefinition Family { get; init; } = new();

    /// <summary>The products of the family, in catalog order.</summary>
    public IReadOnlyList<ProductDefinition> Products { get; init; } = [];

    /// <summary>The envelope fields every event carries, documented as data points.</summary>
    public IReadOnlyList<FieldDefinition> CommonFields { get; init; } = [];

    /// <summary>Every event a product of the family may send, ordered by name.</summary>
    public IReadOnlyList<EventDefinition> Events { get; init; } = [];
}

/// <summary>A family of products that share one catalog and one published summary.</summary>
public sealed class FamilyDefinition
{
    /// <summary>The family id, e.g. <c>dynamics365-clients</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>The published name, e.g. "Dynamics 365 Client Products".</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>The publication date of the summary (<c>YYYY-MM</c> or <c>YYYY-MM-DD</c>).</summary>
    public string Published { get; init; } = "";

    /// <summary>The opening paragraph of the summary.</summary>
    public string Description { get; init; } = "";

    /// <summary>The collection rule: the levels the family may collect at all.</summary>
    public IReadOnlyList<DataLevel> Levels { get; init; } = [DataLevel.Required];

    /// <summary>No event or tenant keeps data longer than this.</summary>
    public int MaxRetentionDays { get; init; }

    /// <summary>The links of the summary's privacy section.</summary>
    public IReadOnlyList<Link> PrivacyLinks { get; init; } = [];

    /// <summary>Links that tell administrators how to manage the family's settings.</summary>
    public IReadOnlyList<Link> AdminLinks { get; init; } = [];
}

/// <summary>A titled link of a published summary.</summary>
public sealed class Link
{
    /// <summary>The link text.</summary>
    public string Title { get; init; } = "";

    /// <summary>The absolute URL.</summary>
    public string Url { get; init; } = "";
}

/// <summary>One client app of a family.</summary>
public sealed class ProductDefinition
{
    /// <summary>The product id, e.g. <c>d365.field-service</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>The published name.</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>One or two sentences on what the product is.</summary>
    public string Description { get; init; } = "";

    /// <summary>The platforms the product runs on.</summary>
    public IReadOnlyList<string> Platforms { get; init; } = [];

    /// <summary>The class of device it runs on: <c>desktop</c>, <c>mobile</c>, <c>mixed_reality</c>, <c>browser</c>.</summary>
    public string DeviceClass { get; init; } = "";
}

/// <summary>A named event a product may send.</summary>
public sealed class EventDefinition
{
    /// <summary>The event name, lowercase dotted (<c>area.object.action</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>What happened and why it is collected.</summary>
    public string Description { get; init; } = "";

    /// <summary>Required or Optional.</summary>
    public DataLevel Level { get; init; }

    /// <summary>Its Required data category.</summary>
    public DataCategory Category { get; init; }

    /// <summary>The product ids it applies to; empty when <see cref="AllProducts"/>.</summary>
    public IReadOnlyList<string> Products { get; init; } = [];

    /// <summary>Whether it applies to every product of the family.</summary>
    public bool AllProducts { get; init; }

    /// <summary>The team answerable for it.</summary>
    public string Owner { get; init; } = "";

    /// <summary>The date it was added (<c>YYYY-MM-DD</c>).</summary>
    public string Added { get; init; } = "";

    /// <summary>The date after which it may no longer be collected (<c>YYYY-MM-DD</c>), or null for never.</summary>
    public string? Expires { get; init; }

    /// <summary>How long the collector keeps it, in days (a tenant's shorter retention wins).</summary>
    public int RetentionDays { get; init; }

    /// <summary>The fraction of devices that send it, in (0, 1].</summary>
    public double Sampling { get; init; } = 1.0;

    /// <summary>Its data, in declaration order.</summary>
    public IReadOnlyList<FieldDefinition> Fields { get; init; } = [];

    /// <summary>Whether the event applies to a product.</summary>
    public bool AppliesTo(string productId)
    {
        if (AllProducts)
        {
            return true;
        }

        foreach (var id in Products)
        {
            if (string.Equals(id, productId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A named, typed and classified value of an event (or of the envelope).</summary>
public sealed class FieldDefinition
{
    /// <summary>The field name, camelCase.</summary>
    public string Name { get; init; } = "";

    /// <summary>For envelope fields, the JSON path in the envelope (<c>device.osVersion</c>); otherwise null.</summary>
    public string? WireName { get; init; }

    /// <summary>The type, and so the JSON shape of the value.</summary>
    public FieldType Type { get; init; }

    /// <summary>The allowed values of an <see cref="FieldType.Enum"/> field.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>What the value is.</summary>
    public string Description { get; init; } = "";

    /// <summary>Whether every event must carry it.</summary>
    public bool Required { get; init; }

    /// <summary>The maximum length of a string value, in UTF-16 code units.</summary>
    public int? MaxLength { get; init; }

    /// <summary>What kind of value it may hold.</summary>
    public DataClassification Classification { get; init; }

    /// <summary>For envelope fields, their category; otherwise null (an event's fields share its category).</summary>
    public DataCategory? Category { get; init; }
}

using System.Text.Json;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Fleet.Events;

/// <summary>One field of a catalog event as the fleet writes it: its declaration and its pre-encoded JSON name.</summary>
internal sealed class FieldSlot
{
    public FieldSlot(FieldDefinition definition)
    {
        Definition = definition;
        Name = definition.Name;
        EncodedName = JsonEncodedText.Encode(definition.Name);
        Type = definition.Type;
        Values = definition.Values;
        MaxLength = definition.MaxLength;
        Required = definition.Required;
    }

    public FieldDefinition Definition { get; }

    public string Name { get; }

    public JsonEncodedText EncodedName { get; }

    public FieldType Type { get; }

    public IReadOnlyList<string> Values { get; }

    public int? MaxLength { get; }

    public bool Required { get; }
}

/// <summary>A catalog event definition prepared for fast generation: fields in declaration order with their
/// encoded names, so that writing an event never looks anything up by string.</summary>
internal sealed class EventTemplate
{
    public EventTemplate(EventDefinition definition)
    {
        Definition = definition;
        Name = definition.Name;
        EncodedName = JsonEncodedText.Encode(definition.Name);
        Fields = [.. definition.Fields.Select(f => new FieldSlot(f))];
    }

    public EventDefinition Definition { get; }

    public string Name { get; }

    public JsonEncodedText EncodedName { get; }

    public FieldSlot[] Fields { get; }

    public int IndexOf(string field)
    {
        for (var i = 0; i < Fields.Length; i++)
        {
            if (string.Equals(Fields[i].Name, field, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The catalog's events by name, for the fleet. The fleet asks it for every event it wants to send and
/// sends nothing it does not find, so whatever it generates is declared.</summary>
internal sealed class EventCatalog
{
    private readonly Dictionary<string, EventTemplate> _templates;

    public EventCatalog(CompiledCatalog catalog)
    {
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _templates = catalog.Events.ToDictionary(e => e.Name, e => new EventTemplate(e), StringComparer.Ordinal);
        Templates = [.. catalog.Events.Select(e => _templates[e.Name])];
    }

    public CompiledCatalog Catalog { get; }

    /// <summary>Every template, in catalog (name) order.</summary>
    public IReadOnlyList<EventTemplate> Templates { get; }

    public EventTemplate? Find(string name) => _templates.GetValueOrDefault(name);

    /// <summary>The template of an event that the catalog declares for this product, else null.</summary>
    public EventTemplate? For(string name, string productId) =>
        _templates.TryGetValue(name, out var t) && t.Definition.AppliesTo(productId) ? t : null;
}

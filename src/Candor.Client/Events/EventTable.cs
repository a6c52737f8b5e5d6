using System.Globalization;
using Candor.Client.Diagnostics;
using Candor.Client.Policy;
using Candor.Core.Catalog;

namespace Candor.Client.Events;

/// <summary>The compiled catalog as the runtime uses it: one slot per event, resolved by name through one
/// dictionary, with each event's field order and facts precomputed. Immutable, except each slot's
/// <see cref="EventSlot.Policy"/> cell, which the client's <c>PolicyGate</c> keeps current.</summary>
internal sealed class EventTable
{
    private readonly Dictionary<string, int> _byName;

    public EventTable(CompiledCatalog catalog, string productId, DateTimeOffset today)
    {
        Catalog = catalog;
        Slots = new EventSlot[catalog.Events.Count];
        _byName = new Dictionary<string, int>(catalog.Events.Count, StringComparer.Ordinal);
        var date = today.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        for (var i = 0; i < catalog.Events.Count; i++)
        {
            var definition = catalog.Events[i];
            var expired = definition.Expires is { } expires && string.CompareOrdinal(date, expires) > 0;
            Slots[i] = new EventSlot(i, definition, definition.AppliesTo(productId), expired);
            _byName[definition.Name] = i;
        }
    }

    public CompiledCatalog Catalog { get; }

    /// <summary>The policy cell of every event a client's catalog does not have (always <c>unknown_event</c>).</summary>
    public PolicyCell UnknownEvent { get; } = new(FilterReason.UnknownEvent);

    /// <summary>Every policy cell of the table, for the counters.</summary>
    public IEnumerable<PolicyCell> PolicyCells => Slots.Select(s => s.Policy).Append(UnknownEvent);

    public EventSlot[] Slots { get; }

    public bool TryResolve(string name, out EventDefinitionHandle handle)
    {
        if (_byName.TryGetValue(name, out var index))
        {
            handle = new EventDefinitionHandle(index);
            return true;
        }

        handle = default;
        return false;
    }

    public EventSlot? Find(string name) => _byName.TryGetValue(name, out var index) ? Slots[index] : null;
}

/// <summary>One event of the catalog with its fields in declaration order.</summary>
internal sealed class EventSlot
{
    private readonly Dictionary<string, int> _fieldIndex;

    public EventSlot(int index, EventDefinition definition, bool appliesToProduct, bool expired)
    {
        Index = index;
        Definition = definition;
        AppliesToProduct = appliesToProduct;
        Expired = expired;
        Fields = [.. definition.Fields];
        Rules = new FieldRule[Fields.Length];
        for (var i = 0; i < Fields.Length; i++)
        {
            Rules[i] = new FieldRule(Fields[i]);
        }

        _fieldIndex = new Dictionary<string, int>(Fields.Length, StringComparer.Ordinal);
        for (var i = 0; i < Fields.Length; i++)
        {
            _fieldIndex[Fields[i].Name] = i;
        }
    }

    public int Index { get; }

    public EventDefinition Definition { get; }

    public string Name => Definition.Name;

    public bool AppliesToProduct { get; }

    public bool Expired { get; }

    public FieldDefinition[] Fields { get; }

    /// <summary>The checks of <see cref="Fields"/>, in the same order, prepared for the Track hot path.</summary>
    public FieldRule[] Rules { get; }

    /// <summary>The event's current policy decision (written by the client's <c>PolicyGate</c>).</summary>
    public PolicyCell Policy { get; } = new(FilterReason.CollectionOff);

    public int FieldIndex(string name) => _fieldIndex.TryGetValue(name, out var i) ? i : -1;
}

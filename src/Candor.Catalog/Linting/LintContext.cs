using System.Globalization;
using Candor.Catalog.Loading;
using Candor.Core.Model;

namespace Candor.Catalog.Linting;

/// <summary>What every rule sees: the loaded sources, the date that decides expiry, and a few views of the
/// sources computed once (the family's levels, the declared product ids, every field with its owner).</summary>
internal sealed class LintContext
{
    public LintContext(CatalogSource source, DateOnly today)
    {
        Source = source;
        Today = today;
        FamilyLevels = (source.Family?.Levels ?? [])
            .Select(l => WireNames.TryParseLevel(l, out var level) ? level : (DataLevel?)null)
            .OfType<DataLevel>()
            .ToHashSet();
        DeclaredProducts = source.Products
            .Where(p => !string.IsNullOrWhiteSpace(p.Id))
            .Select(p => p.Id!)
            .ToHashSet(StringComparer.Ordinal);
        Fields = [
            .. source.CommonFields.Select(f => new OwnedField(f, null)),
            .. source.Events.SelectMany(e => e.Fields.Select(f => new OwnedField(f, e))),
        ];
    }

    public CatalogSource Source { get; }

    public DateOnly Today { get; }

    public FamilySource? Family => Source.Family;

    public IReadOnlyList<EventSource> Events => Source.Events;

    /// <summary>The levels the family may collect that parse; unknown ones are another rule's business.</summary>
    public IReadOnlySet<DataLevel> FamilyLevels { get; }

    public IReadOnlySet<string> DeclaredProducts { get; }

    /// <summary>Every common field (owner null) and every event field, in source order.</summary>
    public IReadOnlyList<OwnedField> Fields { get; }

    /// <summary>Parses a <c>YYYY-MM-DD</c> date exactly as the catalog format asks.</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

/// <summary>A field and the event that declares it (null for a common field of the envelope).</summary>
internal sealed record OwnedField(FieldSource Field, EventSource? Event)
{
    /// <summary>How messages name the field: <c>field 'x' of event 'a.b.c'</c> or <c>common field 'x'</c>.</summary>
    public string Describe() => Event is null
        ? $"common field '{Field.Name}'"
        : $"field '{Field.Name}' of event '{Event.Name}'";
}

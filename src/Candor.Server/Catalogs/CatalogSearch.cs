using System.Globalization;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Server.Catalogs;

/// <summary>What the catalog browser asks for: text and the filters by product, category, level, classification (an
/// event with at least one field of it), owner and expiry (<see cref="CatalogSearch.ExpiryFilters"/>). Null is "any".</summary>
internal sealed record CatalogQuery(string? Text = null, string? Product = null, DataCategory? Category = null, DataLevel? Level = null,
    DataClassification? Classification = null, string? Owner = null, string? Expiry = null);

/// <summary>Searches a family's compiled catalog, as the console's catalog browser (the Glean Dictionary of the family)
/// does: by a text (case-insensitive, in the event's name, description and owner and its fields' names and
/// descriptions) and by filters. The catalog is small (hundreds of events) and in memory: a scan answers in
/// microseconds. Stateless; thread-safe.</summary>
internal static class CatalogSearch
{
    /// <summary>How many days ahead an expiry counts as "soon".</summary>
    public const int SoonDays = 90;

    /// <summary>The expiry filters: any, never (no expiry), dated (has one), soon (within <see cref="SoonDays"/>, not
    /// yet past), expired (past: no longer accepted).</summary>
    public static IReadOnlyList<string> ExpiryFilters { get; } = ["never", "dated", "soon", "expired"];

    public static IReadOnlyList<EventDefinition> Find(CompiledCatalog catalog, CatalogQuery query, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(query);
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        return [.. catalog.Events.Where(e =>
            (text is null || Matches(e, text))
            && (query.Product is null || e.AppliesTo(query.Product))
            && (query.Category is null || e.Category == query.Category)
            && (query.Level is null || e.Level == query.Level)
            && (query.Classification is null || e.Fields.Any(f => f.Classification == query.Classification))
            && (query.Owner is null || string.Equals(e.Owner, query.Owner, StringComparison.Ordinal))
            && ExpiryMatches(ExpiresOn(e), query.Expiry, today))
            .OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    /// <summary>The owners of the catalog's events, sorted.</summary>
    public static IReadOnlyList<string> Owners(CompiledCatalog catalog) =>
        [.. catalog.Events.Select(e => e.Owner).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The last day an event may be collected, or null for never.</summary>
    public static DateOnly? ExpiresOn(EventDefinition e) =>
        e.Expires is { Length: > 0 } text
        && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;

    /// <summary>The products of the family that send the event (in catalog order).</summary>
    public static IReadOnlyList<ProductDefinition> ProductsOf(CompiledCatalog catalog, EventDefinition e) =>
        [.. catalog.Products.Where(p => e.AppliesTo(p.Id))];

    private static bool Matches(EventDefinition e, string text) =>
        e.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
        || e.Description.Contains(text, StringComparison.OrdinalIgnoreCase)
        || e.Owner.Contains(text, StringComparison.OrdinalIgnoreCase)
        || e.Fields.Any(f => f.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || f.Description.Contains(text, StringComparison.OrdinalIgnoreCase));

    private static bool ExpiryMatches(DateOnly? expires, string? filter, DateOnly today) => filter switch
    {
        "never" => expires is null,
        "dated" => expires is not null,
        "soon" => expires is { } d && d >= today && d <= today.AddDays(SoonDays),
        "expired" => expires is { } d && d < today,
        _ => true,
    };
}

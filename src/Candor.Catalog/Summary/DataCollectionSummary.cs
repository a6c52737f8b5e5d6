using System.Globalization;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Catalog.Summary;

/// <summary>Every fact the published "Data collection summary" of a family states, derived from its compiled
/// catalog in one place so that the Markdown and the HTML renderings can never disagree. Nothing here is
/// formatted for a medium: the writers escape and lay it out.</summary>
internal sealed class DataCollectionSummary
{
    /// <summary>How many examples the Required diagnostic data summary shows per category.</summary>
    public const int ExamplesPerCategory = 5;

    private DataCollectionSummary(CompiledCatalog catalog, string publishedMonthYear, string publishedText)
    {
        Catalog = catalog;
        PublishedMonthYear = publishedMonthYear;
        PublishedText = publishedText;
    }

    public CompiledCatalog Catalog { get; }

    public FamilyDefinition Family => Catalog.Family;

    /// <summary>"October 2021": the title's date.</summary>
    public string PublishedMonthYear { get; }

    /// <summary>"October 2021" or "15 October 2021", as precise as the catalog's date.</summary>
    public string PublishedText { get; }

    public string Title => "Data collection summary for " + Family.DisplayName + " - " + PublishedMonthYear;

    public bool AllowsOptional => Family.Levels.Contains(DataLevel.Optional);

    public IReadOnlyList<EventDefinition> RequiredEvents { get; private init; } = [];

    public IReadOnlyList<EventDefinition> OptionalEvents { get; private init; } = [];

    public IReadOnlyList<CategorySummary> Categories { get; private init; } = [];

    public IReadOnlyList<ProductSummary> Products { get; private init; } = [];

    /// <summary>Event and common fields whose classification is never allowed in Required data
    /// (end-user identifiable, customer content), as "event.name/fieldName"; empty for a clean catalog.</summary>
    public IReadOnlyList<string> PersonalOrContentFields { get; private init; } = [];

    /// <summary>Whether the family collects Required data only: its collection rule allows no Optional level
    /// and it declares no Optional event (so there is nothing that could be collected as Optional).</summary>
    public bool RequiredOnly => !AllowsOptional && OptionalEvents.Count == 0;

    /// <summary>Derives the summary. Throws <see cref="InvalidDataException"/> when the catalog's publication
    /// date is not <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>, because the title cannot be written without it.</summary>
    public static DataCollectionSummary From(CompiledCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var (monthYear, full) = ParsePublished(catalog.Family);
        var required = catalog.Events.Where(e => e.Level == DataLevel.Required).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        var optional = catalog.Events.Where(e => e.Level == DataLevel.Optional).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();

        return new DataCollectionSummary(catalog, monthYear, full)
        {
            RequiredEvents = required,
            OptionalEvents = optional,
            Categories = WireNames.AllCategories
                .Select(c => new CategorySummary(c, required.Count(e => e.Category == c), SelectExamples(catalog, required, c)))
                .ToList(),
            Products = catalog.Products
                .Select(p => new ProductSummary(p, catalog.Events.Where(e => e.AppliesTo(p.Id)).OrderBy(e => e.Name, StringComparer.Ordinal).ToList()))
                .ToList(),
            PersonalOrContentFields = catalog.CommonFields.Where(IsPersonalOrContent).Select(f => f.Name)
                .Concat(catalog.Events.SelectMany(e => e.Fields.Where(IsPersonalOrContent).Select(f => e.Name + "/" + f.Name)))
                .ToList(),
        };
    }

    /// <summary>The example rule, documented in docs/summary.md: among a category's Required events, those that
    /// the most products of the family send come first (an event for all products counts every product),
    /// because they best show what the category holds for the family as a whole; ties are broken by the
    /// ordinal order of the event name; the first <see cref="ExamplesPerCategory"/> are shown.</summary>
    internal static IReadOnlyList<EventDefinition> SelectExamples(CompiledCatalog catalog, IEnumerable<EventDefinition> required, DataCategory category) =>
        required
            .Where(e => e.Category == category)
            .OrderByDescending(e => ProductCount(catalog, e))
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .Take(ExamplesPerCategory)
            .ToList();

    /// <summary>How many of the family's products send an event (unknown product ids do not count).</summary>
    internal static int ProductCount(CompiledCatalog catalog, EventDefinition e) =>
        catalog.Products.Count(p => e.AppliesTo(p.Id));

    private static bool IsPersonalOrContent(FieldDefinition f) =>
        f.Classification is DataClassification.EndUserIdentifiable or DataClassification.CustomerContent;

    private static (string MonthYear, string Full) ParsePublished(FamilyDefinition family)
    {
        var text = family.Published;
        var formats = new[] { "yyyy-MM-dd", "yyyy-MM" };
        if (!DateOnly.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new InvalidDataException(string.Format(CultureInfo.InvariantCulture,
                "Family '{0}': the publication date '{1}' is not YYYY-MM or YYYY-MM-DD, so the summary cannot be dated.", family.Id, text));
        }

        var monthYear = date.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        var full = text.Length > "yyyy-MM".Length ? date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) : monthYear;
        return (monthYear, full);
    }
}

/// <summary>One row of the Required diagnostic data summary.</summary>
internal sealed record CategorySummary(DataCategory Category, int EventCount, IReadOnlyList<EventDefinition> Examples)
{
    public string DisplayName => Category.DisplayName();

    public string Description => Category.Description();
}

/// <summary>A product and every event that applies to it, ordered by name.</summary>
internal sealed record ProductSummary(ProductDefinition Product, IReadOnlyList<EventDefinition> Events);

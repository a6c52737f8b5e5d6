using System.Globalization;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Catalog.Summary;

/// <summary>The order and shape of the summary's sections, following the published Dynamics 365 summary:
/// title and date, the family and its products, the overview of Required and Optional data, Required data with
/// its category table, Optional data, privacy information and settings; then an appendix that the published
/// summary lacks, listing every data point product by product.</summary>
internal static class SummaryLayout
{
    public static string Write(DataCollectionSummary s, SummaryRenderer r)
    {
        r.Begin(s.Title);
        r.Paragraph(["Published: " + s.PublishedText]);
        r.Paragraph([s.Family.Description]);
        r.Paragraph(SummaryText.ProductsIntro(s));
        r.BulletList(s.Products.Select(p => (IReadOnlyList<Inline>)[p.Product.DisplayName]));

        var used = new HashSet<string>(StringComparer.Ordinal) { "contents", "overview", "required-data", "required-summary", "optional-data", "privacy", "appendix", "common-fields", "about" };
        var productIds = s.Products.Select(p => UniqueId("product-" + p.Product.Id, used)).ToList();
        r.Contents(
        [
            new(2, SummaryText.OverviewHeading, "overview"),
            new(2, SummaryText.RequiredHeading, "required-data"),
            new(2, SummaryText.OptionalHeading, "optional-data"),
            new(2, SummaryText.PrivacyHeading, "privacy"),
            new(2, SummaryText.AppendixHeading, "appendix"),
            new(3, SummaryText.CommonFieldsHeading, "common-fields"),
            .. s.Products.Select((p, i) => new ContentsEntry(3, p.Product.DisplayName, productIds[i])),
            new(2, SummaryText.AboutHeading, "about"),
        ]);

        r.Heading(2, SummaryText.OverviewHeading, "overview");
        Paragraphs(r, SummaryText.Overview(s));

        r.Heading(2, SummaryText.RequiredHeading, "required-data");
        Paragraphs(r, SummaryText.Required(s));
        r.Heading(3, SummaryText.RequiredTableHeading, "required-summary");
        r.Table(
            SummaryText.RequiredTableHeading,
            ["Data category", "Description", "Examples"],
            s.Categories.Select(c => (IReadOnlyList<Cell>)[Cell.Text(c.DisplayName), Cell.Text(c.Description), Examples(c)]));

        r.Heading(2, SummaryText.OptionalHeading, "optional-data");
        Paragraphs(r, SummaryText.Optional(s));
        if (s.OptionalEvents.Count > 0)
        {
            r.Table(
                "Optional events",
                ["Event", "Data category", "Description", "Products"],
                s.OptionalEvents.Select(e => (IReadOnlyList<Cell>)
                [
                    Cell.Code(e.Name), Cell.Text(e.Category.DisplayName()), Cell.Text(e.Description),
                    Cell.Text(SummaryText.Products(s.Catalog, e)),
                ]));
        }

        r.Heading(2, SummaryText.PrivacyHeading, "privacy");
        r.Paragraph(SummaryText.PrivacyIntro);
        Links(r, s.Family.PrivacyLinks, SummaryText.NoPrivacyLinks);
        r.Paragraph(SummaryText.AdminIntro(s));
        Links(r, s.Family.AdminLinks, SummaryText.NoAdminLinks);

        r.Heading(2, SummaryText.AppendixHeading, "appendix");
        r.Paragraph(SummaryText.AppendixIntro);
        r.Heading(3, SummaryText.CommonFieldsHeading, "common-fields");
        r.Paragraph(SummaryText.CommonFieldsIntro(s));
        r.Table(
            "Common fields of every event",
            ["Field", "Wire name", "Type", "Classification", "Data category", "Description"],
            s.Catalog.CommonFields.Select(f => (IReadOnlyList<Cell>)
            [
                Cell.Code(f.Name), Cell.Code(f.WireName ?? f.Name), Cell.Of(TypeOf(f)), Cell.Text(SummaryText.Classification(f.Classification)),
                Cell.Text(f.Category is { } c ? c.DisplayName() : ""), Cell.Text(f.Description),
            ]));

        foreach (var (p, id) in s.Products.Zip(productIds))
        {
            r.Heading(3, p.Product.DisplayName, id);
            r.Paragraph([p.Product.Description]);
            r.Paragraph(SummaryText.ProductFacts(p));
            if (p.Events.Count > 0)
            {
                r.Table(
                    "Events of " + p.Product.DisplayName,
                    ["Event", "Level", "Data category", "Description", "Fields"],
                    p.Events.Select(e => (IReadOnlyList<Cell>)
                    [
                        Cell.Code(e.Name), Cell.Text(SummaryText.Level(e.Level)), Cell.Text(e.Category.DisplayName()),
                        Cell.Text(e.Description), Fields(e),
                    ]));
            }
        }

        r.Heading(2, SummaryText.AboutHeading, "about");
        r.Paragraph(SummaryText.About(s));
        return r.End();
    }

    private static void Paragraphs(SummaryRenderer r, IEnumerable<Inline[]> paragraphs)
    {
        foreach (var p in paragraphs)
        {
            r.Paragraph(p);
        }
    }

    private static void Links(SummaryRenderer r, IReadOnlyList<Link> links, string none)
    {
        if (links.Count == 0)
        {
            r.Paragraph([none]);
            return;
        }

        r.BulletList(links.Select(l => (IReadOnlyList<Inline>)[Inline.Link(l.Title, l.Url)]));
    }

    private static Cell Examples(CategorySummary c) =>
        c.Examples.Count == 0
            ? Cell.Text("No event in this category")
            : new Cell(c.Examples.Select(e => (IReadOnlyList<Inline>)[Inline.Code(e.Name), ": " + e.Description]).ToList());

    private static Cell Fields(EventDefinition e) =>
        e.Fields.Count == 0
            ? Cell.Text(SummaryText.NoFields)
            : new Cell(e.Fields.Select(f => (IReadOnlyList<Inline>)
                [Inline.Code(f.Name), " (", .. TypeOf(f), ClassificationSeparator(f) + SummaryText.Classification(f.Classification) + ")"]).ToList());

    /// <summary>An enum's values are a comma list, so a semicolon keeps its classification from reading as one more value.</summary>
    private static string ClassificationSeparator(FieldDefinition f) => f.Type == FieldType.Enum && f.Values.Count > 0 ? "; " : ", ";

    /// <summary>"duration", or for an enum its allowed values, which tell the reader exactly what can be sent.</summary>
    private static Inline[] TypeOf(FieldDefinition f)
    {
        if (f.Type != FieldType.Enum || f.Values.Count == 0)
        {
            return [f.Type.ToWire()];
        }

        var parts = new List<Inline> { "enum: " };
        for (var i = 0; i < f.Values.Count; i++)
        {
            if (i > 0)
            {
                parts.Add(", ");
            }

            parts.Add(Inline.Code(f.Values[i]));
        }

        return [.. parts];
    }

    /// <summary>Product ids are unique in a linted catalog; the suffix keeps anchors unique in any other.</summary>
    private static string UniqueId(string id, HashSet<string> used)
    {
        var clean = new string(id.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' or '_' ? char.ToLowerInvariant(ch) : '-').ToArray());
        var candidate = clean;
        for (var n = 2; !used.Add(candidate); n++)
        {
            candidate = clean + "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}

using Candor.Core.Catalog;

namespace Candor.Catalog.Summary;

/// <summary>The formats a data collection summary is published in.</summary>
internal enum SummaryFormat
{
    /// <summary>GitHub-flavoured Markdown (<c>md</c>).</summary>
    Markdown,

    /// <summary>One self-contained HTML file (<c>html</c>).</summary>
    Html,
}

/// <summary>Generates a family's "Data collection summary" from its compiled catalog. The output depends on
/// nothing but the catalog (no clock, no paths, no culture): the same catalog always gives the same bytes,
/// with LF line endings.</summary>
internal static class SummaryGenerator
{
    /// <summary>The names the CLI accepts for <see cref="SummaryFormat"/>.</summary>
    public static IReadOnlyList<string> FormatNames { get; } = ["md", "html"];

    /// <summary>Generates the summary; throws <see cref="InvalidDataException"/> when the catalog has no
    /// usable publication date.</summary>
    public static string Generate(CompiledCatalog catalog, SummaryFormat format)
    {
        var summary = DataCollectionSummary.From(catalog);
        SummaryRenderer renderer = format switch
        {
            SummaryFormat.Markdown => new MarkdownSummaryRenderer(),
            SummaryFormat.Html => new HtmlSummaryRenderer(),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        return SummaryLayout.Write(summary, renderer);
    }

    /// <summary>The HTML summary as a fragment to place in a page (the web console's): the same content and markup
    /// as <see cref="SummaryFormat.Html"/> in one <c>article</c>, without the document, its head and its style.</summary>
    public static string GenerateHtmlFragment(CompiledCatalog catalog) =>
        SummaryLayout.Write(DataCollectionSummary.From(catalog), new HtmlSummaryRenderer(fragment: true));

    /// <summary>Parses <c>md</c> or <c>html</c>.</summary>
    public static bool TryParseFormat(string? name, out SummaryFormat format)
    {
        switch (name)
        {
            case "md": format = SummaryFormat.Markdown; return true;
            case "html": format = SummaryFormat.Html; return true;
            default: format = default; return false;
        }
    }
}

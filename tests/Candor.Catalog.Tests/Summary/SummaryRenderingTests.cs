using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Candor.Catalog.Summary;
using Candor.Core.Catalog;
using Candor.Core.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Markdig;
using Xunit;

namespace Candor.Catalog.Tests.Summary;

/// <summary>Reads the summaries back the way their readers do: the Markdown through a CommonMark renderer with
/// the GitHub table extensions (Markdig), the HTML through an HTML5 parser in strict mode (AngleSharp), and checks
/// that both show the same document and that no catalog text changes the structure.</summary>
public sealed class SummaryRenderingTests
{
    // GitHub's tables, strikethrough, autolinks and task lists, plus Markdig's other emphasis extras
    // (superscript, subscript, inserted, marked) that other viewers support.
    private static readonly MarkdownPipeline Gfm = new MarkdownPipelineBuilder().UsePipeTables().UseEmphasisExtras().UseAutoLinks().UseTaskLists().Build();
    private static readonly CompiledCatalog Shipped = SummaryFixtures.Shipped();

    [Fact]
    public void Html_summary_parses_as_html5_without_a_single_parse_error()
    {
        var parser = new HtmlParser(new HtmlParserOptions { IsStrictMode = true });

        var document = parser.ParseDocument(SummaryGenerator.Generate(Shipped, SummaryFormat.Html));

        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("utf-8", document.QuerySelector("meta[charset]")?.GetAttribute("charset"));
    }

    [Fact]
    public void Markdown_and_html_show_the_same_headings_and_the_same_table_cells()
    {
        var fromMarkdown = ParseMarkdown(SummaryGenerator.Generate(Shipped, SummaryFormat.Markdown));
        var fromHtml = new HtmlParser().ParseDocument(SummaryGenerator.Generate(Shipped, SummaryFormat.Html));

        // The HTML adds a contents list; everything else must match.
        Assert.Equal(Headings(fromMarkdown), Headings(fromHtml).Where(h => h != "h2 Contents"));

        var markdownTables = Tables(fromMarkdown);
        var htmlTables = Tables(fromHtml);
        Assert.Equal(2 + Shipped.Products.Count, markdownTables.Count);
        Assert.Equal(markdownTables.Count, htmlTables.Count);
        foreach (var (md, html) in markdownTables.Zip(htmlTables))
        {
            Assert.Equal(md, html);
        }

        Assert.Equal(Links(fromMarkdown), Links(fromHtml).Where(l => !l.Href.StartsWith('#')));
        Assert.Equal(
            Shipped.Family.PrivacyLinks.Concat(Shipped.Family.AdminLinks).Select(l => new LinkText(l.Title, l.Url)),
            Links(fromMarkdown));
    }

    [Fact]
    public void Markdown_tables_keep_their_shape_with_one_cell_per_column_in_every_row()
    {
        var document = ParseMarkdown(SummaryGenerator.Generate(Shipped, SummaryFormat.Markdown));

        foreach (var table in document.QuerySelectorAll("table"))
        {
            var columns = table.QuerySelectorAll("thead th").Length;
            Assert.All(table.QuerySelectorAll("tbody tr"), row => Assert.Equal(columns, row.Children.Length));
        }

        var categories = document.QuerySelectorAll("table").First().QuerySelectorAll("tbody tr").Select(r => r.Children[0].TextContent);
        Assert.Equal(WireNames.AllCategories.Select(c => c.DisplayName()), categories);
    }

    /// <summary>Whatever a catalog string holds, each format shows it as exactly that text (on one line) in the
    /// place it belongs: a paragraph, a list item, a heading and a table cell keep their shape.</summary>
    [Property(Arbitrary = new[] { typeof(CatalogTextArbitrary) }, MaxTest = 200)]
    public void Any_catalog_text_reads_back_as_literal_text_in_both_formats(CatalogText text)
    {
        var catalog = CatalogWith(text.Value);
        var expected = SummaryEscaping.Flatten(text.Value);

        var md = ParseMarkdown(SummaryGenerator.Generate(catalog, SummaryFormat.Markdown));
        var html = new HtmlParser(new HtmlParserOptions { IsStrictMode = true }).ParseDocument(SummaryGenerator.Generate(catalog, SummaryFormat.Html));

        foreach (var (document, trimmed) in new[] { (md, true), (html, false) })
        {
            // Markdown drops the spaces around a paragraph, a list item, a heading and a table cell; HTML keeps them.
            var want = trimmed ? expected.Trim(' ') : expected;
            var paragraphs = document.QuerySelectorAll("main > p, body > p").Select(p => p.TextContent).ToList();
            Assert.Equal(want, paragraphs[1]);
            Assert.Equal(want, document.QuerySelectorAll("h3").Last().TextContent);
            Assert.Contains(want, document.QuerySelectorAll("ul").First(u => u.ParentElement?.LocalName != "nav").Children.Select(li => li.TextContent));

            var productTable = document.QuerySelectorAll("table").Last();
            var row = Assert.Single(productTable.QuerySelectorAll("tbody tr"));
            Assert.Equal(5, row.Children.Length);
            Assert.Equal(want, row.Children[3].TextContent);
            Assert.Equal("desk.any.sent", row.Children[0].TextContent);
        }
    }

    private static CompiledCatalog CatalogWith(string text) => new()
    {
        Family = new FamilyDefinition
        {
            Id = "contoso-apps",
            DisplayName = "Contoso Apps",
            Published = "2026-03",
            Description = text,
            Levels = [DataLevel.Required],
            MaxRetentionDays = 90,
        },
        Products = [new ProductDefinition { Id = "contoso.desk", DisplayName = text, Description = "The desk app.", Platforms = ["windows"], DeviceClass = "desktop" }],
        Events =
        [
            new EventDefinition
            {
                Name = "desk.any.sent",
                Description = text,
                Level = DataLevel.Required,
                Category = DataCategory.ProductAndServiceUsage,
                AllProducts = true,
                RetentionDays = 30,
            },
        ],
    };

    private static IDocument ParseMarkdown(string markdown) =>
        new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + Markdown.ToHtml(markdown, Gfm) + "</body></html>");

    private static List<string> Headings(IDocument d) =>
        d.QuerySelectorAll("h1, h2, h3").Select(h => h.LocalName + " " + h.TextContent).ToList();

    /// <summary>Each table as its header and cell texts (a multi-line cell reads as its lines run together).</summary>
    private static List<string> Tables(IDocument d) =>
        d.QuerySelectorAll("table")
            .Select(t => string.Join("\n", t.QuerySelectorAll("tr").Select(r => string.Join(" | ", r.Children.Select(c => c.TextContent)))))
            .ToList();

    private static List<LinkText> Links(IDocument d) =>
        d.QuerySelectorAll("a").Select(a => new LinkText(a.TextContent, a.GetAttribute("href") ?? "")).ToList();

    private sealed record LinkText(string Text, string Href);
}

/// <summary>A string a catalog might hold, shown escaped so that a failing case can be read.</summary>
public sealed record CatalogText(string Value)
{
    public override string ToString() => System.Text.Json.JsonSerializer.Serialize(Value);
}

/// <summary>Strings built from the characters that mean something to Markdown or HTML, line breaks, tabs and
/// some non-ASCII text, always with at least one visible character (an empty text has no block to check).</summary>
public static class CatalogTextArbitrary
{
    private const string Alphabet = "ab Z09 \\`*_[]<>|&~#-+=.!()\"'{}$:;/?@^%\t\n\r é’中😀";

    public static Arbitrary<CatalogText> CatalogText() =>
        Gen.Elements(Alphabet.EnumerateRunes().Select(r => r.ToString()).ToArray())
            .ArrayOf()
            .Select(parts => string.Concat(parts))
            .Select(s => new CatalogText(s.Trim().Length == 0 ? "x" + s : s))
            .ToArbitrary();
}

using System.Xml;
using System.Xml.Linq;
using Candor.Catalog.Summary;
using Candor.Core.Catalog;
using Candor.Core.Model;
using Xunit;

namespace Candor.Catalog.Tests.Summary;

public sealed class SummaryContentTests
{
    private static readonly CompiledCatalog Shipped = SummaryFixtures.Shipped();
    private static readonly string Markdown = SummaryGenerator.Generate(Shipped, SummaryFormat.Markdown);
    private static readonly string Html = SummaryGenerator.Generate(Shipped, SummaryFormat.Html);

    [Fact]
    public void Title_names_the_family_and_the_month_and_year_of_publication()
    {
        Assert.StartsWith("# Data collection summary for Dynamics 365 Client Products - October 2021\n\nPublished: October 2021\n", Markdown, StringComparison.Ordinal);
        Assert.Contains("<title>Data collection summary for Dynamics 365 Client Products - October 2021</title>", Html, StringComparison.Ordinal);
    }

    [Fact]
    public void All_fifteen_products_are_listed_by_display_name_in_the_intro_and_in_the_appendix()
    {
        Assert.Equal(15, Shipped.Products.Count);
        var intro = Section(Markdown, null);
        var appendix = Section(Markdown, SummaryText.AppendixHeading);
        foreach (var p in Shipped.Products)
        {
            Assert.Contains("\n- " + p.DisplayName + "\n", intro, StringComparison.Ordinal);
            Assert.Contains("\n### " + p.DisplayName + "\n", appendix, StringComparison.Ordinal);
            Assert.Contains("<li>" + HtmlSummaryRenderer.Encode(p.DisplayName) + "</li>", Html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Each_of_the_four_categories_shows_its_published_description_and_examples_from_the_catalog()
    {
        var table = Section(Markdown, SummaryText.RequiredHeading);
        foreach (var category in WireNames.AllCategories)
        {
            var row = table.Split('\n').Single(l => l.StartsWith("| " + category.DisplayName() + " |", StringComparison.Ordinal));
            Assert.Contains("| " + category.Description() + " |", row, StringComparison.Ordinal);

            var examples = row.Split(" | ")[2];
            var named = Shipped.Events.Where(e => examples.Contains("`" + e.Name + "`: " + e.Description, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(named);
            Assert.InRange(named.Count, 1, DataCollectionSummary.ExamplesPerCategory);
            Assert.All(named, e => Assert.Equal(category, e.Category));
        }
    }

    [Fact]
    public void Examples_are_the_events_most_products_send_with_ties_broken_by_name()
    {
        var events = "events:\n" +
            SummaryFixtures.Event("zeta.everywhere.sent", "required", "product_and_service_usage") +
            SummaryFixtures.Event("alpha.desk.only", "required", "product_and_service_usage", "[contoso.desk]") +
            SummaryFixtures.Event("beta.both.listed", "required", "product_and_service_usage", "[contoso.desk, contoso.field]") +
            SummaryFixtures.Event("gamma.optional.sent", "optional", "product_and_service_usage") +
            string.Concat(Enumerable.Range(0, 6).Select(i => SummaryFixtures.Event($"perf.item{i}.done", "required", "product_and_service_performance", "[contoso.field]")));
        var summary = DataCollectionSummary.From(SummaryFixtures.FromYaml(SummaryFixtures.Family(), events));

        var usage = summary.Categories.Single(c => c.Category == DataCategory.ProductAndServiceUsage);
        Assert.Equal(["beta.both.listed", "zeta.everywhere.sent", "alpha.desk.only"], usage.Examples.Select(e => e.Name));
        Assert.Equal(3, usage.EventCount);

        var performance = summary.Categories.Single(c => c.Category == DataCategory.ProductAndServicePerformance);
        Assert.Equal(["perf.item0.done", "perf.item1.done", "perf.item2.done", "perf.item3.done", "perf.item4.done"], performance.Examples.Select(e => e.Name));

        Assert.Empty(summary.Categories.Single(c => c.Category == DataCategory.SoftwareSetupAndInventory).Examples);
        Assert.Contains("| Software setup and inventory | " + DataCategory.SoftwareSetupAndInventory.Description() + " | No event in this category |",
            SummaryGenerator.Generate(summary.Catalog, SummaryFormat.Markdown), StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_section_of_the_shipped_family_says_no_optional_data_is_collected()
    {
        Assert.Equal([DataLevel.Required], Shipped.Family.Levels);
        var optional = Section(Markdown, SummaryText.OptionalHeading);

        Assert.Contains("do not collect any Optional diagnostic data", optional, StringComparison.Ordinal);
        Assert.Contains("declares no Optional event", optional, StringComparison.Ordinal);
        Assert.DoesNotContain("|", optional, StringComparison.Ordinal);
        Assert.Contains("only collect Required diagnostic data", Section(Markdown, SummaryText.OverviewHeading), StringComparison.Ordinal);
        Assert.Contains($"all {Shipped.Events.Count} of its events are Required", Section(Markdown, SummaryText.OverviewHeading), StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_section_lists_the_optional_events_of_a_family_that_allows_optional_data()
    {
        var events = "events:\n" +
            SummaryFixtures.Event("desk.session.started", "required", "product_and_service_usage") +
            SummaryFixtures.Event("desk.theme.selected", "optional", "product_and_service_usage", "[contoso.desk]", "The user picked a colour theme, to learn which themes are worth keeping.");
        var catalog = SummaryFixtures.FromYaml(SummaryFixtures.Family("[required, optional]"), events);
        var markdown = SummaryGenerator.Generate(catalog, SummaryFormat.Markdown);
        var optional = Section(markdown, SummaryText.OptionalHeading);

        Assert.Contains("allows Optional data and declares the following one Optional event", optional, StringComparison.Ordinal);
        Assert.Contains("| `desk.theme.selected` | Product and service usage | The user picked a colour theme, to learn which themes are worth keeping. | Contoso Desk |", optional, StringComparison.Ordinal);
        Assert.DoesNotContain("desk.session.started", optional, StringComparison.Ordinal);
        Assert.DoesNotContain("only collect Required diagnostic data", markdown, StringComparison.Ordinal);

        var html = SummaryGenerator.Generate(catalog, SummaryFormat.Html);
        Assert.Contains("<th scope=\"row\"><code>desk.theme.selected</code></th>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_events_of_a_required_only_family_are_listed_as_never_collected()
    {
        var events = "events:\n" + SummaryFixtures.Event("desk.theme.selected", "optional", "product_and_service_usage");
        var markdown = SummaryGenerator.Generate(SummaryFixtures.FromYaml(SummaryFixtures.Family("[required]"), events), SummaryFormat.Markdown);
        var optional = Section(markdown, SummaryText.OptionalHeading);

        Assert.Contains("allows the Required level only, so the products do not collect the following one Optional event", optional, StringComparison.Ordinal);
        Assert.Contains("| `desk.theme.selected` |", optional, StringComparison.Ordinal);
    }

    [Fact]
    public void Overview_states_the_uses_and_the_promise_and_checks_the_classifications()
    {
        var overview = Section(Markdown, SummaryText.OverviewHeading);

        Assert.Contains("secure and up to date, to detect, diagnose and fix problems, and to make product improvements", overview, StringComparison.Ordinal);
        Assert.Contains("does not include a user's name or email address, the content of the user's files, or information about apps unrelated to Dynamics 365 Client Products", overview, StringComparison.Ordinal);
        Assert.Contains("No field in the catalog, including the common fields that every event carries, is classified as end user identifiable data or customer content.", overview, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_classified_as_customer_content_is_named_instead_of_claiming_none()
    {
        var events = "events:\n" + SummaryFixtures.Event("desk.note.saved", "required", "product_and_service_usage")
            .Replace("classification: numeric", "classification: customer_content", StringComparison.Ordinal);
        var summary = DataCollectionSummary.From(SummaryFixtures.FromYaml(SummaryFixtures.Family(), events));
        var overview = Section(SummaryGenerator.Generate(summary.Catalog, SummaryFormat.Markdown), SummaryText.OverviewHeading);

        Assert.Equal(["desk.note.saved/durationMs"], summary.PersonalOrContentFields);
        Assert.Contains("The catalog nevertheless classifies one field as end user identifiable data or customer content: desk.note.saved/durationMs.", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("No field in the catalog", overview, StringComparison.Ordinal);
    }

    [Fact]
    public void Privacy_section_links_every_privacy_and_administrator_link_of_the_family()
    {
        var privacy = Section(Markdown, SummaryText.PrivacyHeading);
        Assert.NotEmpty(Shipped.Family.PrivacyLinks);
        Assert.NotEmpty(Shipped.Family.AdminLinks);
        foreach (var link in Shipped.Family.PrivacyLinks.Concat(Shipped.Family.AdminLinks))
        {
            Assert.Contains("- [" + link.Title + "](" + link.Url + ")", privacy, StringComparison.Ordinal);
            Assert.Contains("<a href=\"" + link.Url + "\">" + HtmlSummaryRenderer.Encode(link.Title) + "</a>", Html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Appendix_lists_for_each_product_exactly_the_events_that_apply_to_it_with_their_fields()
    {
        var appendix = Section(Markdown, SummaryText.AppendixHeading);
        var productSections = appendix.Split("\n### ").Skip(2).ToList();
        Assert.Equal(Shipped.Products.Count, productSections.Count);

        foreach (var (product, text) in Shipped.Products.Zip(productSections))
        {
            Assert.StartsWith(product.DisplayName + "\n", text, StringComparison.Ordinal);
            var rows = text.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
            var expected = Shipped.Events.Where(e => e.AppliesTo(product.Id)).Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, rows.Select(r => r.Split('`')[1]));

            foreach (var e in Shipped.Events.Where(e => e.AppliesTo(product.Id)))
            {
                var row = rows.Single(r => r.StartsWith("| `" + e.Name + "` |", StringComparison.Ordinal));
                Assert.Contains("| " + SummaryText.Level(e.Level) + " | " + e.Category.DisplayName() + " | " + e.Description + " |", row, StringComparison.Ordinal);
                foreach (var f in e.Fields)
                {
                    Assert.Contains("`" + f.Name + "` (" + (f.Type == FieldType.Enum ? "enum: " : f.Type.ToWire()), row, StringComparison.Ordinal);
                    Assert.Contains((f.Type == FieldType.Enum ? "; " : ", ") + SummaryText.Classification(f.Classification) + ")", row, StringComparison.Ordinal);
                }

                if (e.Fields.Count == 0)
                {
                    Assert.EndsWith("| " + SummaryText.NoFields + " |", row, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void Common_fields_table_lists_every_envelope_field_with_its_wire_name()
    {
        var common = Section(Markdown, SummaryText.AppendixHeading).Split("\n### ")[1];
        Assert.StartsWith(SummaryText.CommonFieldsHeading + "\n", common, StringComparison.Ordinal);
        Assert.NotEmpty(Shipped.CommonFields);
        foreach (var f in Shipped.CommonFields)
        {
            Assert.Contains("| `" + f.Name + "` | `" + f.WireName + "` |", common, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Html_summary_is_well_formed_self_contained_and_accessible()
    {
        var document = ParseHtml(Html);
        var root = document.Root!;

        Assert.Equal("html", root.Name.LocalName);
        Assert.Equal("en", (string?)root.Attribute("lang"));
        Assert.Equal("utf-8", (string?)root.Descendants("meta").First().Attribute("charset"));
        Assert.Single(root.Descendants("h1"));
        Assert.Single(root.Descendants("main"));
        Assert.DoesNotContain(root.Descendants(), e => e.Name.LocalName is "script" or "link" or "img" or "iframe" or "object");
        Assert.DoesNotContain(root.Descendants(), e => e.Attribute("src") is not null || e.Attribute("style") is not null);
        Assert.DoesNotContain("url(", root.Descendants("style").Single().Value, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", root.Descendants("style").Single().Value, StringComparison.Ordinal);

        var tables = root.Descendants("table").ToList();
        Assert.Equal(2 + Shipped.Products.Count, tables.Count);
        foreach (var table in tables)
        {
            Assert.NotNull(table.Element("caption"));
            Assert.All(table.Descendants("th"), th => Assert.Contains((string?)th.Attribute("scope"), new[] { "col", "row" }));
            Assert.All(table.Element("tbody")!.Elements("tr"), tr => Assert.Equal("row", (string?)tr.Elements().First().Attribute("scope")));
        }

        var ids = root.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(root.Descendants("div").Where(d => (string?)d.Attribute("role") == "region"),
            d => Assert.Contains((string)d.Attribute("aria-labelledby")!, ids));

        var internalLinks = root.Descendants("a").Select(a => (string)a.Attribute("href")!).Where(h => h.StartsWith('#')).ToList();
        Assert.Equal(7 + Shipped.Products.Count, internalLinks.Count);
        Assert.All(internalLinks, h => Assert.Contains(h[1..], ids));

        // Headings never skip a level.
        var levels = root.Descendants().Where(e => e.Name.LocalName is "h1" or "h2" or "h3" or "h4").Select(e => e.Name.LocalName[1] - '0').ToList();
        Assert.All(levels.Zip(levels.Skip(1)), pair => Assert.True(pair.Second <= pair.First + 1, $"heading h{pair.Second} follows h{pair.First}"));
    }

    [Fact]
    public void Catalog_text_with_markup_is_escaped_in_html_and_markdown()
    {
        const string Attack = "<script>alert('x')</script> & <b>bold</b> | *star* [link](https://evil.example)";
        var events = "events:\n" + SummaryFixtures.Event("desk.script.ran", "required", "product_and_service_usage", description: Attack);
        var catalog = SummaryFixtures.FromYaml(SummaryFixtures.Family(description: "# Heading? " + Attack), events);

        var html = SummaryGenerator.Generate(catalog, SummaryFormat.Html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"https://evil.example", html, StringComparison.Ordinal);
        ParseHtml(html);

        var markdown = SummaryGenerator.Generate(catalog, SummaryFormat.Markdown);
        Assert.DoesNotMatch(@"(?<!\\)<(?!br>)", markdown);
        Assert.Contains("\\<script\\>alert('x')\\</script\\> \\& \\<b\\>bold\\</b\\> \\| \\*star\\* \\[link\\](https://evil.example)", markdown, StringComparison.Ordinal);
        Assert.Contains("\n\\# Heading? ", markdown, StringComparison.Ordinal);

        // The escaped description still sits in one table row of five cells.
        var row = markdown.Split('\n').First(l => l.StartsWith("| `desk.script.ran` |", StringComparison.Ordinal));
        Assert.Equal(6, row.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|'));
    }

    [Fact]
    public void Links_that_are_not_http_or_https_are_shown_but_never_made_clickable()
    {
        var family = SummaryFixtures.Family().Replace("https://contoso.example/privacy", "\"javascript:alert(1)\"", StringComparison.Ordinal);
        var catalog = SummaryFixtures.FromYaml(family, "events:\n" + SummaryFixtures.Event("desk.session.started", "required", "product_and_service_usage"));

        var html = SummaryGenerator.Generate(catalog, SummaryFormat.Html);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<li>Contoso privacy (<code>javascript:alert(1)</code>)</li>", html, StringComparison.Ordinal);

        var markdown = SummaryGenerator.Generate(catalog, SummaryFormat.Markdown);
        Assert.Contains("- Contoso privacy (`javascript:alert(1)`)", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("](javascript", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_publication_date_is_written_out_and_a_malformed_one_is_a_clear_error()
    {
        var catalog = SummaryFixtures.FromYaml(SummaryFixtures.Family(), "events:\n" + SummaryFixtures.Event("desk.session.started", "required", "product_and_service_usage"));
        var summary = DataCollectionSummary.From(catalog);
        Assert.Equal("Data collection summary for Contoso Field Apps - March 2026", summary.Title);
        Assert.Equal("15 March 2026", summary.PublishedText);

        var undated = new CompiledCatalog { Family = new FamilyDefinition { Id = "contoso-apps", Published = "March 2026" } };
        var error = Assert.Throws<InvalidDataException>(() => SummaryGenerator.Generate(undated, SummaryFormat.Markdown));
        Assert.Contains("'March 2026' is not YYYY-MM or YYYY-MM-DD", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("`tick`", false, "`` `tick` ``")]
    [InlineData("a|b", true, "`a\\|b`")]
    [InlineData("a|b", false, "`a|b`")]
    [InlineData("plain", false, "`plain`")]
    public void Markdown_code_spans_survive_backticks_and_pipes(string value, bool inTable, string expected) =>
        Assert.Equal(expected, MarkdownSummaryRenderer.Code(value, inTable));

    [Theory]
    [InlineData("1. first", "1\\. first")]
    [InlineData("- item", "\\- item")]
    [InlineData("line\nbreak", "line break")]
    [InlineData("snake_case", "snake\\_case")]
    [InlineData("x^2^ costs $5", "x\\^2\\^ costs \\$5")]
    [InlineData("C++ and a + b", "C\\+\\+ and a + b")]
    [InlineData("==marked", "\\=\\=marked")]
    public void Markdown_text_at_the_start_of_a_block_cannot_open_a_new_block(string value, string expected) =>
        Assert.Equal(expected, MarkdownSummaryRenderer.Text(value, blockStart: true));

    /// <summary>The text of a level-2 section of a Markdown summary (null: what comes before the first one).</summary>
    private static string Section(string markdown, string? heading)
    {
        var start = heading is null ? 0 : markdown.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{heading}'");
        var end = markdown.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    private static XDocument ParseHtml(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}

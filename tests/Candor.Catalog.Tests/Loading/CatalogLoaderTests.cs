using Candor.Catalog.Diagnostics;
using Candor.Catalog.Tests.Linting;
using Xunit;
using static Candor.Catalog.Tests.Linting.TempCatalog;

namespace Candor.Catalog.Tests.Loading;

public sealed class CatalogLoaderTests
{
    [Fact]
    public void A_yaml_syntax_error_is_reported_with_file_line_and_column()
    {
        var events = Edit(Events, "description: A widget was opened in the product,", "description: Opened: a widget in the product, #!");
        using var catalog = Write(events: events);

        var finding = Assert.Single(catalog.Lint());

        Assert.Equal("CAT001", finding.Code);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(new(EventsFile, MarkedLine(events), RuleAssert.ValueColumn(events, ": a widget")), finding.Location);
        Assert.StartsWith($"events/test.yaml:{MarkedLine(events)}:", finding.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_bracket_is_a_syntax_error_at_the_next_key_not_a_crash()
    {
        var events = Edit(Edit(Events, "    level: required\n", "    level: [required\n"), "    category: product", "    category: product #!");
        using var catalog = Write(events: events);

        var finding = Assert.Single(catalog.Lint());

        Assert.Equal("CAT001", finding.Code);
        Assert.Equal(new(EventsFile, MarkedLine(events), 5), finding.Location);
    }

    [Fact]
    public void An_unknown_key_is_reported_at_the_key()
    {
        var events = Edit(Events, "    retentionDays: 90\n", "    retentionDay: 90 #!\n");
        using var catalog = Write(events: events);

        var finding = Assert.Single(catalog.Lint(), d => d.Code == "CAT002");

        Assert.Equal(new(EventsFile, MarkedLine(events), 5), finding.Location);
        Assert.Contains("retentionDay", finding.Message, StringComparison.Ordinal);
        Assert.Contains("retentionDays", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_reported_at_the_value()
    {
        var events = Edit(Events, "retentionDays: 90", "retentionDays: ninety #!");
        using var catalog = Write(events: events);

        var finding = Assert.Single(catalog.Lint(), d => d.Code == "CAT003");

        Assert.Equal(new(EventsFile, MarkedLine(events), 20), finding.Location);
    }
}

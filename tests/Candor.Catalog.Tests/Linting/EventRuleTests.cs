using Candor.Catalog.Diagnostics;
using Xunit;
using static Candor.Catalog.Tests.Linting.RuleAssert;
using static Candor.Catalog.Tests.Linting.TempCatalog;

namespace Candor.Catalog.Tests.Linting;

public sealed class EventRuleTests
{
    private const string SecondEvent = """
          - name: sample.widget.closed
            description: A widget was closed in the product, recorded to learn how long widgets stay open.
            level: required
            category: product_and_service_usage
            products: all
            owner: sample-team
            added: 2026-01-15
            expires: 2027-06-30
            retentionDays: 90

        """;

    private static string WithSecond(string name) => Events + Edit(SecondEvent, "name: sample.widget.closed", $"name: {name}");

    [Fact]
    public void CAT020_fires_on_an_event_name_with_uppercase_letters()
    {
        var events = Edit(Events, "name: sample.widget.opened", "name: Sample.Widget.Opened #!");
        var finding = Fires("CAT020", Severity.Error, events: events);
        Assert.Equal(ValueColumn(events, "Sample"), finding.Location.Column);
    }

    [Fact]
    public void CAT020_fires_on_an_event_name_of_one_segment() =>
        Fires("CAT020", Severity.Error, events: Edit(Events, "name: sample.widget.opened", "name: widgetopened #!"));

    [Fact]
    public void CAT020_is_silent_on_a_two_segment_name_with_underscores() =>
        Clean(events: Edit(Events, "name: sample.widget.opened", "name: sample.widget_opened"));

    [Fact]
    public void CAT021_fires_on_a_second_event_with_the_same_name()
    {
        var finding = Fires("CAT021", Severity.Error, events: WithSecond("sample.widget.opened #!"));
        Assert.Contains("events/test.yaml:2:", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT021_is_silent_when_event_names_differ() => Clean(events: WithSecond("sample.widget.closed"));

    [Fact]
    public void CAT022_fires_on_names_that_differ_only_in_punctuation() =>
        Fires("CAT022", Severity.Error, events: WithSecond("sample.widget_opened #!"));

    [Fact]
    public void CAT022_is_silent_on_names_whose_words_differ() => Clean(events: WithSecond("sample.widgets.opened"));

    [Fact]
    public void CAT023_fires_on_an_unknown_level() =>
        Fires("CAT023", Severity.Error, events: Edit(Events, "level: required", "level: mandatory #!"));

    [Fact]
    public void CAT023_fires_on_an_event_without_a_level() =>
        Fires("CAT023", Severity.Error, events: Edit(Edit(Events, "    level: required\n", ""), "name: sample.widget.opened", "name: sample.widget.opened #!"));

    [Fact]
    public void CAT023_is_silent_on_a_required_event() => Clean(events: Events);

    [Fact]
    public void CAT024_fires_on_an_unknown_category() =>
        Fires("CAT024", Severity.Error, events: Edit(Events, "category: product_and_service_usage", "category: usage #!"));

    [Fact]
    public void CAT024_is_silent_on_each_published_category() =>
        Clean(events: Edit(Events, "category: product_and_service_usage", "category: software_setup_and_inventory"));

    [Fact]
    public void CAT025_fires_on_an_optional_event_in_a_family_that_collects_required_data_only()
    {
        var finding = Fires("CAT025", Severity.Error, events: Edit(Events, "level: required", "level: optional #!"));
        Assert.Contains("collects only: required", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT025_is_silent_on_an_optional_event_in_a_family_that_collects_optional_data() =>
        Clean(family: Edit(Family, "levels: [required]", "levels: [required, optional]"), events: Edit(Events, "level: required", "level: optional"));

    [Fact]
    public void CAT026_fires_on_an_event_without_an_owner() =>
        Fires("CAT026", Severity.Error, events: Edit(Edit(Events, "    owner: sample-team\n", ""), "name: sample.widget.opened", "name: sample.widget.opened #!"));

    [Fact]
    public void CAT026_is_silent_when_the_event_names_its_owner() =>
        Clean(events: Edit(Events, "owner: sample-team", "owner: Jane's team"));

    [Fact]
    public void CAT027_fires_on_an_added_date_in_another_format() =>
        Fires("CAT027", Severity.Error, events: Edit(Events, "added: 2026-01-15", "added: 15/01/2026 #!"));

    [Fact]
    public void CAT027_is_silent_on_an_iso_added_date() =>
        Clean(events: Edit(Events, "added: 2026-01-15", "added: 2026-02-28"));

    [Fact]
    public void CAT028_fires_on_an_expiry_more_than_730_days_after_added()
    {
        var finding = Fires("CAT028", Severity.Error, events: Edit(Events, "expires: 2027-06-30", "expires: 2028-01-16 #!"));
        Assert.Contains("731 days", finding.Message, StringComparison.Ordinal);
        Assert.Contains("2028-01-15", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT028_fires_on_never_without_a_justification() =>
        Fires("CAT028", Severity.Error, events: Edit(Events, "expires: 2027-06-30", "expires: never #!"));

    [Fact]
    public void CAT028_is_silent_on_an_expiry_exactly_730_days_after_added() =>
        Clean(events: Edit(Events, "expires: 2027-06-30", "expires: 2028-01-15"));

    [Fact]
    public void CAT028_is_silent_on_never_with_a_justification() =>
        Clean(events: Edit(Events, "expires: 2027-06-30", "expires: never\n    expiryJustification: Widget usage is the product's main adoption signal."));

    [Fact]
    public void CAT029_warns_on_an_event_that_expired_yesterday() =>
        Fires("CAT029", Severity.Warning, events: Edit(Events, "expires: 2027-06-30", "expires: 2026-11-28 #!"));

    [Fact]
    public void CAT029_is_silent_on_an_event_that_expires_today() =>
        Clean(events: Edit(Events, "expires: 2027-06-30", "expires: 2026-11-29"));

    [Fact]
    public void CAT030_fires_on_zero_retention() =>
        Fires("CAT030", Severity.Error, events: Edit(Events, "retentionDays: 90", "retentionDays: 0 #!"));

    [Fact]
    public void CAT030_is_silent_on_one_day_of_retention() =>
        Clean(events: Edit(Events, "retentionDays: 90", "retentionDays: 1"));

    [Fact]
    public void CAT031_fires_on_retention_over_the_family_maximum()
    {
        var finding = Fires("CAT031", Severity.Error, events: Edit(Events, "retentionDays: 90", "retentionDays: 366 #!"));
        Assert.Contains("365", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT031_is_silent_on_retention_equal_to_the_family_maximum() =>
        Clean(events: Edit(Events, "retentionDays: 90", "retentionDays: 365"));

    [Fact]
    public void CAT032_fires_on_zero_sampling() =>
        Fires("CAT032", Severity.Error, events: Edit(Events, "sampling: 0.5", "sampling: 0 #!"));

    [Fact]
    public void CAT032_fires_on_sampling_over_one() =>
        Fires("CAT032", Severity.Error, events: Edit(Events, "sampling: 0.5", "sampling: 1.5 #!"));

    [Fact]
    public void CAT032_is_silent_on_sampling_of_one() =>
        Clean(events: Edit(Events, "sampling: 0.5", "sampling: 1"));

    [Fact]
    public void CAT033_fires_on_a_product_the_family_does_not_declare()
    {
        var events = Edit(Events, "products: [test.alpha]", "products: [test.alpha, test.gamma] #!");
        var finding = Fires("CAT033", Severity.Error, events: events);
        Assert.Equal(ValueColumn(events, "test.gamma"), finding.Location.Column);
        Assert.Contains("test.gamma", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT033_is_silent_when_every_listed_product_is_declared() =>
        Clean(events: Edit(Events, "products: [test.alpha]", "products: [test.alpha, test.beta]"));

    [Fact]
    public void CAT034_fires_on_an_empty_product_list() =>
        Fires("CAT034", Severity.Error, events: Edit(Events, "products: [test.alpha]", "products: [] #!"));

    [Fact]
    public void CAT034_fires_on_an_event_without_products() =>
        Fires("CAT034", Severity.Error, events: Edit(Edit(Events, "    products: [test.alpha]\n", ""), "name: sample.widget.opened", "name: sample.widget.opened #!"));

    [Fact]
    public void CAT034_is_silent_on_products_all() =>
        Clean(events: Edit(Events, "products: [test.alpha]", "products: all"));

    [Fact]
    public void CAT035_fires_on_a_placeholder_event_description()
    {
        var finding = Fires("CAT035", Severity.Error, events: Edit(Events,
            "description: A widget was opened in the product, recorded to learn which widgets are used.", "description: TBD #!"));
        Assert.Contains("placeholder", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT035_fires_on_an_event_description_that_only_repeats_the_name() =>
        Fires("CAT035", Severity.Error, events: Edit(Events,
            "description: A widget was opened in the product, recorded to learn which widgets are used.",
            "description: The sample widget opened event was opened. #!"));

    [Fact]
    public void CAT035_fires_on_a_field_description_of_two_words() =>
        Fires("CAT035", Severity.Error, events: Edit(Events, "description: Time it took to show the widget.", "description: Load time. #!"));

    [Fact]
    public void CAT035_fires_on_a_missing_product_description() =>
        Fires("CAT035", Severity.Error, family: Edit(Edit(Family,
            "    description: The second client product of the test family, a phone app for field workers.\n", ""),
            "  - id: test.beta", "  - id: test.beta #!"));

    [Fact]
    public void CAT035_is_silent_on_short_descriptions_that_say_something() =>
        Clean(events: Edit(Events, "description: Time it took to show the widget.", "description: How loading ended."));
}

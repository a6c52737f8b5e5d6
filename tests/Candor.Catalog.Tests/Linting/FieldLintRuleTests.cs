using Candor.Catalog.Diagnostics;
using Xunit;
using static Candor.Catalog.Tests.Linting.RuleAssert;
using static Candor.Catalog.Tests.Linting.TempCatalog;

namespace Candor.Catalog.Tests.Linting;

public sealed class FieldLintRuleTests
{
    private const string WidgetId = """
              - name: widgetId
                type: string
                maxLength: 64
                description: The identifier of the widget from the product's fixed list.
                required: false
                classification: system_metadata
        """;

    /// <summary>The test event with its string field <c>widgetId</c> replaced.</summary>
    private static string WithField(string field) => Edit(Events, WidgetId, field.TrimEnd('\n'));

    [Fact]
    public void CAT040_fires_on_a_PascalCase_field_name() =>
        Fires("CAT040", Severity.Error, events: Edit(Events, "name: loadMs", "name: LoadMs #!"));

    [Fact]
    public void CAT040_fires_on_a_snake_case_field_name() =>
        Fires("CAT040", Severity.Error, events: Edit(Events, "name: loadMs", "name: load_ms #!"));

    [Fact]
    public void CAT040_is_silent_on_camelCase_with_digits() =>
        Clean(events: Edit(Events, "name: loadMs", "name: webView2LoadMs"));

    [Fact]
    public void CAT041_fires_on_a_field_declared_twice_in_one_event() =>
        Fires("CAT041", Severity.Error, events: Edit(Events, "name: loadMs", "name: widgetKind #!"));

    [Fact]
    public void CAT041_fires_on_names_that_differ_only_in_case() =>
        Fires("CAT041", Severity.Error, events: Edit(Events, "name: loadMs", "name: widgetkind #!"));

    [Fact]
    public void CAT041_is_silent_on_the_same_field_name_in_two_events() =>
        Clean(events: Events + """
              - name: sample.widget.closed
                description: A widget was closed in the product, recorded to learn how long widgets stay open.
                level: required
                category: product_and_service_usage
                products: all
                owner: sample-team
                added: 2026-01-15
                expires: 2027-06-30
                retentionDays: 90
                fields:
                  - name: loadMs
                    type: duration
                    description: Time it took to show the widget before it was closed.
                    classification: numeric

            """);

    [Fact]
    public void CAT042_fires_on_an_unknown_field_type() =>
        Fires("CAT042", Severity.Error, events: Edit(Events, "type: duration", "type: integer #!"));

    [Fact]
    public void CAT042_is_silent_on_a_long_field() =>
        Clean(events: Edit(Events, "type: duration", "type: long"));

    [Fact]
    public void CAT043_fires_on_an_enum_without_values() =>
        Fires("CAT043", Severity.Error, events: Edit(Edit(Events, "        values: [chart, list, card]\n", ""), "type: enum", "type: enum #!"));

    [Fact]
    public void CAT043_fires_on_an_enum_value_that_is_not_snake_case() =>
        Fires("CAT043", Severity.Error, events: Edit(Events, "values: [chart, list, card]", "values: [chart, List View, card] #!"));

    [Fact]
    public void CAT043_is_silent_on_snake_case_values_with_digits() =>
        Clean(events: Edit(Events, "values: [chart, list, card]", "values: [chart_3d, list, card]"));

    [Fact]
    public void CAT044_fires_on_a_string_without_maxLength() =>
        Fires("CAT044", Severity.Error, events: WithField("""
                  - name: widgetId
                    type: string #!
                    description: The identifier of the widget from the product's fixed list.
                    classification: system_metadata
            """));

    [Fact]
    public void CAT044_is_silent_on_a_string_with_maxLength() => Clean(events: WithField(WidgetId));

    [Fact]
    public void CAT045_fires_on_a_string_over_255_without_justification() =>
        Fires("CAT045", Severity.Error, events: Edit(Events, "maxLength: 64", "maxLength: 256 #!"));

    [Fact]
    public void CAT045_is_silent_on_a_string_over_255_with_a_justification() =>
        Clean(events: Edit(Events, "maxLength: 64", "maxLength: 512\n        justification: Widget identifiers of imported dashboards are paths of fixed catalog names, never user text."));

    [Fact]
    public void CAT045_is_silent_on_a_string_of_exactly_255() =>
        Clean(events: Edit(Events, "maxLength: 64", "maxLength: 255"));

    [Fact]
    public void CAT046_fires_on_an_unknown_classification() =>
        Fires("CAT046", Severity.Error, events: Edit(Events, "classification: numeric", "classification: secret #!"));

    [Fact]
    public void CAT046_is_silent_on_a_hashed_value() =>
        Clean(events: WithField("""
                  - name: widgetHash
                    type: hash
                    description: A SHA-256 of the widget's layout, to group identical layouts.
                    classification: hashed_value
            """));

    [Theory]
    [InlineData("end_user_identifiable")]
    [InlineData("customer_content")]
    public void CAT047_fires_on_a_field_classified_as_identifying_or_content(string classification)
    {
        var finding = Fires("CAT047", Severity.Error, events: Edit(Events, "classification: system_metadata", $"classification: {classification} #!"));
        Assert.Contains(classification, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT047_is_silent_on_a_pseudonymous_identifier() =>
        Clean(events: Edit(Events, "classification: system_metadata", "classification: pseudonymous_identifier"));

    [Theory]
    [InlineData("userEmail", "user")]
    [InlineData("contactEmail", "email")]
    [InlineData("ownerEmailAddress", "email")]
    [InlineData("ipAddress", "ip address")]
    [InlineData("displayName", "display name")]
    [InlineData("filePath", "file path")]
    [InlineData("messageSubject", "message")]
    [InlineData("machineName", "machine name")]
    [InlineData("homeAddress", "address")]
    public void CAT048_fires_on_a_field_name_that_suggests_personal_data(string name, string term)
    {
        var events = Edit(Events, "name: widgetId", $"name: {name} #!");
        var finding = Fires("CAT048", Severity.Error, events: events);
        Assert.Contains($"('{term}')", finding.Message, StringComparison.Ordinal);
        Assert.Equal(ValueColumn(events, name), finding.Location.Column);
    }

    [Fact]
    public void CAT048_fires_on_a_hashed_value_without_a_justification() =>
        Fires("CAT048", Severity.Error, events: WithField("""
                  - name: userHash #!
                    type: hash
                    description: A SHA-256 of the signed-in account, salted per organisation.
                    classification: hashed_value
            """));

    [Fact]
    public void CAT048_is_silent_on_a_justified_hashed_value() =>
        Clean(events: WithField("""
                  - name: userHash
                    type: hash
                    description: A SHA-256 of the signed-in account, salted per organisation.
                    classification: hashed_value
                    justification: Counts distinct accounts per device without storing who they are; the salt never leaves the organisation.
            """));

    [Theory]
    [InlineData("cipherSuite")]
    [InlineData("roundTripMs")]
    [InlineData("participantCount")]
    [InlineData("scriptVersion")]
    [InlineData("addressFamily")]
    [InlineData("contextMenuCount")]
    [InlineData("microphoneEnabled")]
    [InlineData("authorizationKind")]
    public void CAT048_is_silent_on_technical_names_that_only_contain_the_letters_of_a_term(string name) =>
        Clean(events: Edit(Events, "name: widgetId", $"name: {name}"));

    [Fact]
    public void CAT049_fires_on_a_common_field_without_a_wire_name() =>
        Fires("CAT049", Severity.Error, family: Edit(Edit(Family, "    wireName: appVersion\n", ""), "  - name: appVersion", "  - name: appVersion #!"));

    [Fact]
    public void CAT049_fires_on_a_common_field_with_an_unknown_category() =>
        Fires("CAT049", Severity.Error, family: Edit(Family,
            "    classification: system_metadata\n    category: device_connectivity_and_configuration",
            "    classification: system_metadata\n    category: envelope #!"));

    [Fact]
    public void CAT049_is_silent_on_a_nested_wire_name() =>
        Clean(family: Edit(Family, "wireName: appVersion", "wireName: app.version"));
}

using Candor.Catalog.Diagnostics;
using Xunit;
using static Candor.Catalog.Tests.Linting.RuleAssert;
using static Candor.Catalog.Tests.Linting.TempCatalog;

namespace Candor.Catalog.Tests.Linting;

public sealed class CommonEventRuleTests
{
    [Fact]
    public void CAT050_fires_at_the_family_when_a_common_event_is_missing()
    {
        var common = Common.Replace("app.crashed", "app.crash_reported", StringComparison.Ordinal);
        var finding = Fires("CAT050", Severity.Error, family: Edit(Family, "  id: test-family", "  id: test-family #!"), common: common);
        Assert.Contains("'app.crashed'", finding.Message, StringComparison.Ordinal);
        Assert.Contains("exceptionType (string)", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT050_is_silent_when_every_common_event_is_declared() => Clean(common: Common);

    [Fact]
    public void CAT051_fires_on_a_common_field_with_another_type() =>
        Fires("CAT051", Severity.Error, common: Edit(Common, "- name: previousVersion\n        type: version", "- name: previousVersion\n        type: long #!"));

    [Fact]
    public void CAT051_fires_on_a_common_event_without_a_field_the_sdk_sends() =>
        Fires("CAT051", Severity.Error, common: Edit(Common, "- name: previousVersion", "- name: priorVersion")
            .Replace("- name: app.updated", "- name: app.updated #!", StringComparison.Ordinal));

    [Fact]
    public void CAT051_fires_on_a_common_event_limited_to_some_products()
    {
        var common = Common.Replace("""
              - name: app.installed
                description: The Candor SDK records this event for every product to measure health and adoption.
                level: required
                category: software_setup_and_inventory
                products: all
            """, """
              - name: app.installed
                description: The Candor SDK records this event for every product to measure health and adoption.
                level: required
                category: software_setup_and_inventory
                products: [test.alpha] #!
            """, StringComparison.Ordinal);
        Fires("CAT051", Severity.Error, common: common);
    }

    [Fact]
    public void CAT051_is_silent_when_a_common_event_declares_more_fields_than_the_sdk_sends() =>
        Clean(common: Edit(Common, "        classification: system_metadata\n  - name: app.feature.failed", """
                    classification: system_metadata
                  - name: hResult
                    type: int
                    description: The HRESULT code of the exception.
                    classification: system_metadata
              - name: app.feature.failed
            """));
}

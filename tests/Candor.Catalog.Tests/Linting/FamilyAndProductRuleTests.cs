using Candor.Catalog.Diagnostics;
using Xunit;
using static Candor.Catalog.Tests.Linting.RuleAssert;
using static Candor.Catalog.Tests.Linting.TempCatalog;

namespace Candor.Catalog.Tests.Linting;

public sealed class FamilyAndProductRuleTests
{
    [Fact]
    public void The_default_test_catalog_lints_clean() => Clean();

    [Fact]
    public void CAT010_fires_on_a_family_without_maxRetentionDays()
    {
        var family = Edit(Edit(Family, "  maxRetentionDays: 365\n", ""), "  id: test-family", "  id: test-family #!");
        var finding = Fires("CAT010", Severity.Error, family: family);
        Assert.Contains("maxRetentionDays", finding.Message, StringComparison.Ordinal);
        Assert.Equal(3, finding.Location.Column);
    }

    [Fact]
    public void CAT010_is_silent_when_the_family_declares_every_key() =>
        Clean(family: Edit(Family, "levels: [required]", "levels: [required, optional]"));

    [Fact]
    public void CAT011_fires_on_a_non_positive_maxRetentionDays() =>
        Fires("CAT011", Severity.Error, family: Edit(Family, "maxRetentionDays: 365", "maxRetentionDays: 0 #!"));

    [Fact]
    public void CAT011_fires_on_a_published_date_that_is_not_a_date() =>
        Fires("CAT011", Severity.Error, family: Edit(Family, "published: \"2026-11\"", "published: October 2021 #!"));

    [Fact]
    public void CAT011_fires_on_an_unknown_level() =>
        Fires("CAT011", Severity.Error, family: Edit(Family, "levels: [required]", "levels: [required, essential] #!"));

    [Fact]
    public void CAT011_is_silent_on_a_full_publication_date() =>
        Clean(family: Edit(Family, "published: \"2026-11\"", "published: \"2026-11-15\""));

    [Fact]
    public void CAT012_fires_on_a_link_whose_url_is_not_absolute() =>
        Fires("CAT012", Severity.Error, family: Edit(Family, "url: https://example.org/privacy", "url: privacy.html #!"));

    [Fact]
    public void CAT012_is_silent_on_a_plain_http_link() =>
        Clean(family: Edit(Family, "url: https://example.org/privacy", "url: http://intranet.example.org/privacy"));

    [Fact]
    public void CAT013_fires_on_a_product_without_a_device_class()
    {
        var family = Edit(Edit(Family, "    deviceClass: mobile\n", ""), "  - id: test.beta", "  - id: test.beta #!");
        var finding = Fires("CAT013", Severity.Error, family: family);
        Assert.Contains("deviceClass", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT013_is_silent_when_every_product_is_complete() => Clean(family: Family);

    [Fact]
    public void CAT014_fires_on_a_product_id_with_uppercase_and_underscore()
    {
        var family = Edit(Family, "  - id: test.beta", "  - id: Test_Beta #!");
        var finding = Fires("CAT014", Severity.Error, family: family);
        Assert.Equal(ValueColumn(family, "Test_Beta"), finding.Location.Column);
    }

    [Fact]
    public void CAT014_is_silent_on_a_dashed_product_id_with_digits() =>
        Clean(family: Edit(Family, "  - id: test.beta", "  - id: test.beta-2"));

    [Fact]
    public void CAT015_fires_on_a_second_product_with_the_same_id() =>
        Fires("CAT015", Severity.Error, family: Edit(Family, "  - id: test.beta", "  - id: test.alpha #!"));

    [Fact]
    public void CAT015_is_silent_when_product_ids_differ() =>
        Clean(family: Edit(Family, "  - id: test.beta", "  - id: test.gamma"));

    [Fact]
    public void CAT016_fires_on_an_unknown_platform() =>
        Fires("CAT016", Severity.Error, family: Edit(Family, "platforms: [android, ios]", "platforms: [android, symbian] #!"));

    [Fact]
    public void CAT016_fires_on_an_unknown_device_class() =>
        Fires("CAT016", Severity.Error, family: Edit(Family, "deviceClass: mobile", "deviceClass: phone #!"));

    [Fact]
    public void CAT016_is_silent_on_a_mixed_reality_product() =>
        Clean(family: Edit(Edit(Family, "platforms: [android, ios]", "platforms: [hololens, windows]"), "deviceClass: mobile", "deviceClass: mixed_reality"));
}

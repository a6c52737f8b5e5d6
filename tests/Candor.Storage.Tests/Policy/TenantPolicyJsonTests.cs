using Candor.Core.Model;
using Candor.Core.Policy;
using FsCheck.Xunit;
using Xunit;

namespace Candor.Storage.Tests.Policy;

/// <summary>The policy's wire form, which the stores keep and the collector serves (PROTOCOL.md, Policy).</summary>
public sealed class TenantPolicyJsonTests
{
    [Fact]
    public void Protocol_example_parses_to_the_default_policy_and_serializes_back_to_it()
    {
        const string example = """
            { "collection": "on", "levels": ["required"], "categories": ["device_connectivity_and_configuration",
              "product_and_service_performance", "product_and_service_usage", "software_setup_and_inventory"],
              "retentionDays": 90, "uploadIntervalSeconds": 60 }
            """;

        var policy = TenantPolicyJson.Parse(example);

        Assert.Equal(TenantPolicyJson.Serialize(new TenantPolicy()), TenantPolicyJson.Serialize(policy));
        Assert.Equal(
            """{"collection":"on","levels":["required"],"categories":["device_connectivity_and_configuration","product_and_service_performance","product_and_service_usage","software_setup_and_inventory"],"retentionDays":90,"uploadIntervalSeconds":60}""",
            TenantPolicyJson.Serialize(policy));
    }

    [Property]
    public bool Any_valid_policy_round_trips(bool on, DataLevel[] levels, DataCategory[] categories, int days, int interval)
    {
        var policy = new TenantPolicy
        {
            CollectionOn = on,
            Levels = levels.Where(Enum.IsDefined).Distinct().ToArray(),
            Categories = categories.Where(Enum.IsDefined).Distinct().ToArray(),
            RetentionDays = 1 + Math.Abs(days % TenantPolicyJson.MaxRetentionDays),
            UploadIntervalSeconds = 1 + Math.Abs(interval % TenantPolicyJson.MaxUploadIntervalSeconds),
        };

        var json = TenantPolicyJson.Serialize(policy);
        var back = TenantPolicyJson.Parse(json);

        return back.CollectionOn == policy.CollectionOn && back.Levels.SequenceEqual(policy.Levels)
            && back.Categories.SequenceEqual(policy.Categories) && back.RetentionDays == policy.RetentionDays
            && back.UploadIntervalSeconds == policy.UploadIntervalSeconds && TenantPolicyJson.Serialize(back) == json;
    }

    [Theory]
    [InlineData("""{"collection":"maybe"}""", "'collection' must be \"on\" or \"off\"")]
    [InlineData("""{"levels":["required","sometimes"]}""", "'levels[1]' must be one of required, optional")]
    [InlineData("""{"categories":"product_and_service_usage"}""", "'categories' must be an array")]
    [InlineData("""{"retentionDays":0}""", "'retentionDays' must be a whole number from 1 to 36500")]
    [InlineData("""{"uploadIntervalSeconds":1.5}""", "'uploadIntervalSeconds' must be a whole number from 1 to 86400")]
    [InlineData("""[1,2]""", "expected a JSON object")]
    public void Invalid_policy_is_refused_with_a_message_naming_the_property(string json, string message)
    {
        Assert.False(TenantPolicyJson.TryParse(json, rejectUnknownProperties: false, out var policy, out var error));

        Assert.Null(policy);
        Assert.Equal(message, error);
        Assert.Contains(message, Assert.Throws<InvalidDataException>(() => TenantPolicyJson.Parse(json)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_property_is_ignored_from_a_collector_and_refused_from_a_person()
    {
        const string json = """{"collection":"off","retentiondays":30}""";

        Assert.False(TenantPolicyJson.Parse(json).CollectionOn);
        Assert.False(TenantPolicyJson.TryParse(json, rejectUnknownProperties: true, out _, out var error));
        Assert.Equal("'retentiondays' is not a policy property", error);
    }

    [Fact]
    public void Text_that_is_not_json_is_refused()
    {
        Assert.False(TenantPolicyJson.TryParse("{collection: on", rejectUnknownProperties: false, out _, out var error));

        Assert.StartsWith("not JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_names_are_kept_once()
    {
        var policy = TenantPolicyJson.Parse("""{"levels":["optional","required","optional"]}""");

        Assert.Equal([DataLevel.Optional, DataLevel.Required], policy.Levels);
    }
}

using System.Text;
using Candor.Core.Model;
using Candor.Core.Policy;

namespace Candor.Core.Tests.Policy;

public sealed class TenantPolicyReadTests
{
    private static TenantPolicy? Read(string json, TenantPolicyReadOptions options, List<string>? errors = null) =>
        TenantPolicyJson.Read(Encoding.UTF8.GetBytes(json), options, errors);

    [Fact]
    public void The_sdk_skips_names_it_does_not_know_which_only_narrows_what_it_sends()
    {
        var policy = Read("""{"levels":["required","someday"],"categories":["product_and_service_usage","new_category"],"extra":1}""",
            TenantPolicyReadOptions.Tolerant);

        Assert.NotNull(policy);
        Assert.Equal([DataLevel.Required], policy.Levels);
        Assert.Equal([DataCategory.ProductAndServiceUsage], policy.Categories);
    }

    [Fact]
    public void The_sdk_keeps_defaults_for_values_it_cannot_use_and_accepts_longer_intervals_than_it_knows()
    {
        var policy = Read("""{"collection":"paused","levels":"required","retentionDays":"long","uploadIntervalSeconds":172800}""",
            TenantPolicyReadOptions.Tolerant);

        Assert.NotNull(policy);
        Assert.True(policy.CollectionOn);
        Assert.Equal([DataLevel.Required], policy.Levels);
        Assert.Equal(90, policy.RetentionDays);
        Assert.Equal(172800, policy.UploadIntervalSeconds);
        Assert.Equal(60, Read("""{"uploadIntervalSeconds":0}""", TenantPolicyReadOptions.Tolerant)!.UploadIntervalSeconds);
    }

    [Theory]
    [InlineData("{\"collection\":")]
    [InlineData("[\"off\"]")]
    public void The_sdk_refuses_a_document_that_is_not_a_policy_object(string json)
    {
        var errors = new List<string>();

        Assert.Null(Read(json, TenantPolicyReadOptions.Tolerant, errors));
        Assert.Single(errors);
    }

    [Fact]
    public void A_person_sees_every_problem_at_once_including_the_family_rule()
    {
        var options = new TenantPolicyReadOptions
        {
            RejectUnknownProperties = true,
            RequireScope = true,
            AllowedLevels = [DataLevel.Required],
            MaxRetentionDays = 3650,
            MinUploadIntervalSeconds = 10,
        };
        var errors = new List<string>();

        var policy = Read("""{"levels":["optional","never"],"retentionDays":9999,"uploadIntervalSeconds":1,"colour":"red"}""", options, errors);

        Assert.Null(policy);
        Assert.Equal(
        [
            "'levels[1]' must be one of required, optional",
            "'levels' holds optional, which the family does not collect; a policy can only narrow the family's rule",
            "'retentionDays' must be a whole number from 1 to 3650",
            "'uploadIntervalSeconds' must be a whole number from 10 to 86400",
            "'colour' is not a policy property",
            "'collection' is required",
            "'categories' is required",
        ], errors);
    }

    [Fact]
    public void A_policy_within_the_family_rule_is_read_whole()
    {
        var options = new TenantPolicyReadOptions { RequireScope = true, AllowedLevels = [DataLevel.Required] };

        var policy = Read("""{"collection":"off","levels":["required"],"categories":["software_setup_and_inventory"],"uploadIntervalSeconds":120}""", options);

        Assert.NotNull(policy);
        Assert.False(policy.CollectionOn);
        Assert.Equal([DataCategory.SoftwareSetupAndInventory], policy.Categories);
        Assert.Equal(120, policy.UploadIntervalSeconds);
    }
}

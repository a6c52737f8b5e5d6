using Candor.Core.Model;
using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy;

public sealed class PiiGuardTests
{
    private static readonly PiiGuard Guard = new();

    [Fact]
    public void A_flagged_system_metadata_value_is_redacted()
    {
        Assert.Equal(PiiVerdict.Redact, Guard.Inspect("sync failed for jane.doe@contoso.com", DataClassification.SystemMetadata));
        Assert.Equal("sync failed for [redacted:Email]", Guard.Redact("sync failed for jane.doe@contoso.com", out var findings));
        Assert.Equal(1, findings);
    }

    [Theory]
    [InlineData(DataClassification.Enumerated)]
    [InlineData(DataClassification.Numeric)]
    [InlineData(DataClassification.PseudonymousIdentifier)]
    [InlineData(DataClassification.HashedValue)]
    [InlineData(DataClassification.EndUserIdentifiable)]
    [InlineData(DataClassification.CustomerContent)]
    public void A_flagged_value_of_any_other_classification_rejects_its_event(DataClassification classification)
    {
        Assert.False(PiiGuard.Redacts(classification));
        Assert.Equal(PiiVerdict.Reject, Guard.Inspect("jane.doe@contoso.com", classification));
    }

    [Fact]
    public void A_clean_value_is_kept_whatever_its_classification()
    {
        Assert.Equal(PiiVerdict.Clean, Guard.Inspect("ERR_SYNC_TIMEOUT", DataClassification.SystemMetadata));
        Assert.Equal(PiiVerdict.Clean, Guard.Inspect("6f1c0d2e-8a55-4b7c-9d0e-1f2a3b4c5d6e", DataClassification.PseudonymousIdentifier));
        Assert.False(Guard.TryFindFirst("ERR_SYNC_TIMEOUT", out var kind));
        Assert.Equal("", kind);
    }

    [Fact]
    public void The_finding_is_named_by_its_kind_never_by_the_value()
    {
        Assert.True(Guard.TryFindFirst("from 10.20.30.40", out var kind));
        Assert.Equal(nameof(PiiKind.IpV4Address), kind);
    }
}

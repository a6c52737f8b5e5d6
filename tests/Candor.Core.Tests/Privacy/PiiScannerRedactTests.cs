using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy;

public sealed class PiiScannerRedactTests
{
    [Fact]
    public void Redact_replaces_each_finding_with_its_kind_and_removes_the_raw_value()
    {
        const string value = @"Failed to open C:\Users\jsmith\q3.xlsx for jane@contoso.com from 10.20.30.40";
        var redacted = PiiScanner.Default.Redact(value, out var findings);

        Assert.Equal(3, findings);
        Assert.Equal(
            "Failed to open [redacted:HomeDirectoryPath] for [redacted:Email] from [redacted:IpV4Address]",
            redacted);
        Assert.DoesNotContain("jsmith", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("10.20", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ERR_SYNC_TIMEOUT")]
    [InlineData("9.3.2411.1")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("Synchronisation completed with 3 warnings")]
    [InlineData("")]
    public void Redact_returns_the_same_instance_when_the_value_is_clean(string value)
    {
        var redacted = PiiScanner.Default.Redact(value, out var findings);
        Assert.Same(value, redacted);
        Assert.Equal(0, findings);
    }

    [Fact]
    public void Redact_of_a_redacted_value_changes_nothing()
    {
        var once = PiiScanner.Default.Redact("Bearer abc123def456 for bob@contoso.com", out _);
        var twice = PiiScanner.Default.Redact(once, out var findings);
        Assert.Same(once, twice);
        Assert.Equal(0, findings);
    }

    [Fact]
    public void Redact_does_not_report_a_path_that_holds_an_earlier_redaction()
    {
        var scanner = new PiiScanner(new PiiScannerOptions { KnownUserNames = { "jsmith" } });
        const string value = @"C:\Users\[redacted:UserName]\Desktop";
        Assert.Same(value, scanner.Redact(value, out var findings));
        Assert.Equal(0, findings);
    }

    [Fact]
    public void Redact_rejects_null() =>
        Assert.Throws<ArgumentNullException>(() => PiiScanner.Default.Redact(null!, out _));

    [Fact]
    public void Scanning_a_clean_value_allocates_nothing()
    {
        const string value = "Contoso.Sync.Engine.Run failed with ERR_SYNC_TIMEOUT after 1840 ms (attempt 2 of 5), build 9.3.2411.1";
        Assert.Equal(0, ScanAllocations.Measure(PiiScanner.Default, value));
    }
}

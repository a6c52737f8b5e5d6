using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy;

public sealed class PiiScannerOptionsTests
{
    private static readonly PiiScanner Scanner = new(new PiiScannerOptions
    {
        KnownUserNames = { "jsmith", "Anna Lindqvist", "ab", null!, "   " },
        KnownMachineNames = { "DESKTOP-7QK2M1F" },
    });

    [Theory]
    [InlineData("sync failed for jsmith", PiiKind.UserName, 16)]
    [InlineData("JSMITH logged in", PiiKind.UserName, 0)]
    [InlineData("owner=JSmith;", PiiKind.UserName, 6)]
    [InlineData("cache-jsmith-v2", PiiKind.UserName, 6)]
    [InlineData("welcome anna lindqvist", PiiKind.UserName, 8)]
    [InlineData("host desktop-7qk2m1f up", PiiKind.MachineName, 5)]
    [InlineData("DESKTOP-7QK2M1F.corp.local", PiiKind.MachineName, 0)]
    public void Known_names_are_found_case_insensitively_as_whole_tokens(string value, PiiKind kind, int start)
    {
        Assert.True(Scanner.TryFindFirst(value, out var finding));
        Assert.Equal(kind, finding.Kind);
        Assert.Equal(start, finding.Start);
    }

    [Theory]
    [InlineData("jsmithers joined")]
    [InlineData("ajsmith")]
    [InlineData("jsmith2")]
    [InlineData("DESKTOP-7QK2M1FX")]
    [InlineData("ab cd ab")]
    public void Known_names_inside_longer_words_and_names_shorter_than_three_characters_are_ignored(string value) =>
        Assert.False(Scanner.TryFindFirst(value, out _));

    [Fact]
    public void Built_in_and_service_accounts_are_not_treated_as_names()
    {
        var scanner = new PiiScanner(new PiiScannerOptions { KnownUserNames = { "root", "Runner", "ubuntu" }, KnownMachineNames = { "localhost" } });
        Assert.False(scanner.TryFindFirst("root cause: test runner on ubuntu via localhost", out _));
    }

    [Fact]
    public void Default_scanner_knows_no_names() =>
        Assert.False(PiiScanner.Default.TryFindFirst("sync failed for jsmith on buildbox7", out _));

    [Fact]
    public void Scanner_copies_the_options_so_later_changes_have_no_effect()
    {
        var options = new PiiScannerOptions { KnownUserNames = { "jsmith" } };
        var scanner = new PiiScanner(options);
        options.KnownUserNames.Clear();
        options.KnownUserNames.Add("someone");

        Assert.True(scanner.TryFindFirst("for jsmith", out _));
        Assert.False(scanner.TryFindFirst("for someone", out _));
    }

    [Fact]
    public void ForCurrentDevice_holds_the_user_and_machine_names_of_this_device()
    {
        var options = PiiScannerOptions.ForCurrentDevice();
        Assert.Contains(Environment.UserName, options.KnownUserNames);
        Assert.Contains(Environment.MachineName, options.KnownMachineNames);

        var scanner = new PiiScanner(options);
        var machine = Environment.MachineName;
        if (machine.Length >= 3 && !KnownNameDetector.IsGenericAccount(machine))
        {
            Assert.True(scanner.TryFindFirst("heartbeat from " + machine.ToLowerInvariant() + " ok", out var finding));
            Assert.Equal(PiiKind.MachineName, finding.Kind);
        }
    }

    [Fact]
    public void Scanner_rejects_null_options() => Assert.Throws<ArgumentNullException>(() => new PiiScanner(null!));
}

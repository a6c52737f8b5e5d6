using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy;

public sealed class PiiScannerDetectorTests
{
    private static readonly PiiScanner Scanner = PiiScanner.Default;

    [Theory]
    [InlineData("Mail from jane.doe@contoso.com failed", "jane.doe@contoso.com")]
    [InlineData("<bob+x@mail.example.org>", "bob+x@mail.example.org")]
    [InlineData("reply to a.b@c.io.", "a.b@c.io")]
    [InlineData("owner o'neil@contoso.com", "o'neil@contoso.com")]
    [InlineData("'sam@contoso.com'", "sam@contoso.com")]
    [InlineData("GET /api/users/bob%40contoso.com/photo", "bob%40contoso.com")]
    public void Email_is_found_with_its_exact_extent(string value, string expected) =>
        AssertFinds(value, PiiKind.Email, expected);

    [Theory]
    [InlineData("lodash@4.17.21")]
    [InlineData("@Override")]
    [InlineData("icon@2x.png")]
    [InlineData("a@b")]
    [InlineData("x@.com")]
    [InlineData("x@com.")]
    public void Email_detector_is_silent_on_lookalikes(string value) => AssertClean(value);

    [Theory]
    [InlineData(@"Failed to open C:\Users\jsmith\Documents\q3.xlsx", @"C:\Users\jsmith\Documents\q3.xlsx")]
    [InlineData(@"\\?\C:\Users\jsmith\x.txt", @"\\?\C:\Users\jsmith\x.txt")]
    [InlineData(@"C:\Users\John Smith\Desktop\a b.txt", @"C:\Users\John Smith\Desktop\a")]
    [InlineData(@"{""p"":""C:\\Users\\jdoe\\x""}", @"C:\\Users\\jdoe\\x")]
    [InlineData("open '/home/alice/.ssh/id_rsa'", "/home/alice/.ssh/id_rsa")]
    [InlineData("at /Users/kenji/Library/Logs.", "/Users/kenji/Library/Logs")]
    [InlineData("/root/.bashrc", "/root/.bashrc")]
    [InlineData("edit ~/.bashrc now", "~/.bashrc")]
    [InlineData("file:///Users/lucia/a.pdf", "/Users/lucia/a.pdf")]
    [InlineData("(in /home/bob/src/x.cs)", "/home/bob/src/x.cs")]
    [InlineData("cd /mnt/c/Users/jsmith/src", "/mnt/c/Users/jsmith/src")]
    [InlineData("/c/Users/jsmith/.gitconfig", "/c/Users/jsmith/.gitconfig")]
    public void Home_directory_path_is_found_as_a_whole(string value, string expected) =>
        AssertFinds(value, PiiKind.HomeDirectoryPath, expected);

    [Theory]
    [InlineData(@"C:\Users\Public\Documents\a.txt")]
    [InlineData(@"C:\Users\Default\NTUSER.DAT")]
    [InlineData(@"C:\Users\All Users\Microsoft")]
    [InlineData("/Users/Shared/cache")]
    [InlineData("GET /api/Users/42")]
    [InlineData("/Users/42/orders")]
    [InlineData("/users/bob")]
    [InlineData(@"C:\Program Files\Contoso\app.exe")]
    [InlineData("/var/lib/home/x")]
    [InlineData("a~/b")]
    public void Home_directory_detector_is_silent_on_other_paths(string value) => AssertClean(value);

    [Theory]
    [InlineData("connection to 10.20.30.40 refused", "10.20.30.40")]
    [InlineData("ip=192.168.1.1:8080", "192.168.1.1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("host (8.8.4.4).", "8.8.4.4")]
    public void IpV4_address_is_found(string value, string expected) =>
        AssertFinds(value, PiiKind.IpV4Address, expected);

    [Theory]
    [InlineData("9.3.2411.1")]
    [InlineData("10.0.19045")]
    [InlineData("v1.2.3.4")]
    [InlineData("Version=1.0.0.0")]
    [InlineData("AssemblyVersion: 2.0.0.0")]
    [InlineData("version 1.2.3.4")]
    [InlineData("Chrome/131.0.0.0")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("1.02.3.4")]
    [InlineData("a1.2.3.4")]
    public void IpV4_detector_is_silent_on_versions(string value) => AssertClean(value);

    [Theory]
    [InlineData("fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a")]
    [InlineData("listening on ::1", "::1")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [InlineData("fe80::1%eth0 up", "fe80::1%eth0")]
    [InlineData("::ffff:192.0.2.1", "::ffff:192.0.2.1")]
    [InlineData("addr:fe80::1", "fe80::1")]
    [InlineData("at 2001:db8::2: refused", "2001:db8::2")]
    public void IpV6_address_is_found(string value, string expected) =>
        AssertFinds(value, PiiKind.IpV6Address, expected);

    [Theory]
    [InlineData("10:00:05")]
    [InlineData("10:00:05.123")]
    [InlineData("std::vector")]
    [InlineData("Foo::Bar::Baz")]
    [InlineData("ns::cb")]
    [InlineData("Abc::Def1")]
    [InlineData("dead::beef")]
    [InlineData("00:1A:2B:3C:4D:5E")]
    [InlineData("a:b:c")]
    [InlineData("::")]
    [InlineData("1::2::3")]
    public void IpV6_detector_is_silent_on_times_scopes_and_macs(string value) => AssertClean(value);

    [Theory]
    [InlineData("https://bob:hunter2@contoso.com", PiiKind.UrlWithCredentials, "https://bob:hunter2@contoso.com")]
    [InlineData("see ftp://u@host/x.", PiiKind.UrlWithCredentials, "ftp://u@host/x")]
    [InlineData("https://svc/api?token=abc", PiiKind.UrlWithQuery, "https://svc/api?token=abc")]
    [InlineData("(see https://x.com/a?b=c)", PiiKind.UrlWithQuery, "https://x.com/a?b=c")]
    public void Url_with_credentials_or_query_is_found(string value, PiiKind kind, string expected) =>
        AssertFinds(value, kind, expected);

    [Theory]
    [InlineData("https://contoso.com/api/v2/orders")]
    [InlineData("https://contoso.com/path?")]
    [InlineData("https://cdn.contoso.com/icon@2x.png")]
    [InlineData("://nothing")]
    public void Url_without_credentials_or_query_is_not_reported(string value) => AssertClean(value);

    [Theory]
    [InlineData("+44 20 7946 0958", "+44 20 7946 0958")]
    [InlineData("call (555) 123-4567 now", "(555) 123-4567")]
    [InlineData("555-123-4567", "555-123-4567")]
    [InlineData("555.123.4567", "555.123.4567")]
    [InlineData("1-800-555-0199", "1-800-555-0199")]
    [InlineData("tel:+14155552671", "+14155552671")]
    [InlineData("+44 (0)20 7946 0958", "+44 (0)20 7946 0958")]
    [InlineData("020 7946 0958", "020 7946 0958")]
    [InlineData("+1 202 555 0173 and 3 more", "+1 202 555 0173")]
    [InlineData("Tel. 06 12 34 56 78", "06 12 34 56 78")]
    [InlineData("030-12345678", "030-12345678")]
    public void Phone_number_is_found(string value, string expected) =>
        AssertFinds(value, PiiKind.PhoneNumber, expected);

    [Theory]
    [InlineData("2026-11-29")]
    [InlineData("2026-11-29T10:00:00.123Z")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("12345678-1234-1234-1234-123456789012")]
    [InlineData("1840")]
    [InlineData("5551234567")]
    [InlineData("9.3.2411.1")]
    [InlineData("10.0.19045")]
    [InlineData("555-0199")]
    [InlineData("100-200-3000")]
    [InlineData("UTC+05:30")]
    [InlineData("+3.14159265")]
    [InlineData("C++")]
    [InlineData("555-123-4567-89")]
    [InlineData("0000 0000 0000 0000")]
    public void Phone_detector_is_silent_on_dates_guids_versions_and_counts(string value) => AssertClean(value);

    [Theory]
    [InlineData("4111111111111111", "4111111111111111")]
    [InlineData("card 4111 1111 1111 1111 declined", "4111 1111 1111 1111")]
    [InlineData("5500-0000-0000-0004", "5500-0000-0000-0004")]
    [InlineData("Amex 3782 822463 10005", "3782 822463 10005")]
    [InlineData("qty 2 4111 1111 1111 1111", "4111 1111 1111 1111")]
    public void Payment_card_is_found(string value, string expected) =>
        AssertFinds(value, PiiKind.PaymentCard, expected);

    [Theory]
    [InlineData("4111111111111112")]
    [InlineData("1234567812345670")]
    [InlineData("41111111111111111111")]
    [InlineData("x4111111111111111")]
    [InlineData("638999123456789012")]
    [InlineData("1764400000000")]
    public void Payment_card_detector_is_silent_on_invalid_or_unprefixed_numbers(string value) => AssertClean(value);

    [Fact]
    public void Jwt_is_found() =>
        AssertFinds(
            "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl;",
            PiiKind.Jwt,
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl");

    [Theory]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("ghp_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData("xoxb-1234567890-abcdefghij")]
    [InlineData("AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY")]
    [InlineData("sk-proj-abc123def456ghi789jkl012")]
    [InlineData("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83v")]
    [InlineData("Password=Summer2026!;")]
    [InlineData("\"client_secret\": \"abc\"")]
    [InlineData("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    public void Api_key_is_found(string value) => AssertKind(value, PiiKind.ApiKey);

    [Theory]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("3F2504E04F8911D39A0C0305E82C3301")]
    [InlineData("HttpClientHandler2ConnectionPoolManager")]
    [InlineData("UTF8JsonReaderValueSpanOutOfRangeException42")]
    [InlineData("sk-SK")]
    [InlineData("AKIAshort")]
    [InlineData("Password: required")]
    [InlineData("password=********")]
    [InlineData("password={0}")]
    public void Api_key_detector_is_silent_on_hashes_guids_and_identifiers(string value) => AssertClean(value);

    [Theory]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")]
    [InlineData("Authorization: Bearer abc123def456", "Authorization: Bearer abc123def456")]
    [InlineData("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic dXNlcjpwYXNz")]
    [InlineData("bearer 7f3a9c2e1b4d8a6f.", "bearer 7f3a9c2e1b4d8a6f")]
    public void Bearer_token_and_authorization_header_are_found(string value, string expected) =>
        AssertFinds(value, PiiKind.BearerToken, expected);

    [Theory]
    [InlineData("Bearer token expired")]
    [InlineData("Bearer authentication failed")]
    [InlineData("Authorization: denied")]
    [InlineData("Authorization failed")]
    [InlineData("Authorization: Basic auth failed")]
    [InlineData("token_type=bearer")]
    public void Bearer_detector_is_silent_on_prose(string value) => AssertClean(value);

    [Theory]
    [InlineData("Heartbeat from DESKTOP-7QK2M1F", "DESKTOP-7QK2M1F")]
    [InlineData("host laptop-8hq2mzx1.corp.local", "laptop-8hq2mzx1")]
    [InlineData("Sync from Jane's iPhone failed", "Jane's iPhone")]
    [InlineData("Kenji\u2019s MacBook Pro", "Kenji\u2019s MacBook")]
    public void Generated_and_owner_device_names_are_found_without_configuration(string value, string expected) =>
        AssertFinds(value, PiiKind.MachineName, expected);

    [Theory]
    [InlineData("DESKTOP-CLIENT")]
    [InlineData("desktop-client")]
    [InlineData("desktop-preview2")]
    [InlineData("MYDESKTOP-7QK2M1F")]
    [InlineData("The app's iPad layout")]
    [InlineData("Apple's iPhone 15")]
    [InlineData("Jane's notes")]
    public void Device_name_detector_is_silent_on_product_words(string value) => AssertClean(value);

    [Theory]
    [InlineData("ERR_SYNC_TIMEOUT")]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("Contoso.Sync.Engine.Run|Contoso.App.Main")]
    [InlineData("en-GB")]
    [InlineData("Program.cs")]
    [InlineData("99.9%")]
    public void Ordinary_values_are_clean(string value) => AssertClean(value);

    [Fact]
    public void Overlapping_matches_merge_into_one_finding_of_the_longest_kind()
    {
        const string value = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        var findings = new PiiFinding[4];
        var count = Scanner.FindAll(value, findings);
        Assert.Equal(1, count);
        Assert.Equal(new PiiFinding(PiiKind.BearerToken, 0, value.Length), findings[0]);
    }

    [Fact]
    public void FindAll_returns_findings_in_order_and_stops_when_the_destination_is_full()
    {
        const string value = "a@b.io then 10.0.0.1 then c@d.io";
        var all = new PiiFinding[8];
        Assert.Equal(3, Scanner.FindAll(value, all));
        Assert.Equal([PiiKind.Email, PiiKind.IpV4Address, PiiKind.Email], all.Take(3).Select(f => f.Kind));
        Assert.True(all[0].End <= all[1].Start && all[1].End <= all[2].Start);

        var two = new PiiFinding[2];
        Assert.Equal(2, Scanner.FindAll(value, two));
        Assert.Equal(0, Scanner.FindAll(value, Span<PiiFinding>.Empty));
    }

    [Fact]
    public void TryFindFirst_returns_the_earliest_finding()
    {
        Assert.True(Scanner.TryFindFirst("ip 10.0.0.1 mail a@b.io", out var finding));
        Assert.Equal(new PiiFinding(PiiKind.IpV4Address, 3, 8), finding);
    }

    [Fact]
    public void Finding_text_never_contains_the_value()
    {
        Assert.True(Scanner.TryFindFirst("x jane@contoso.com", out var finding));
        Assert.Equal("Email[2..18)", finding.ToString());
    }

    internal static void AssertFinds(string value, PiiKind kind, string expected)
    {
        var findings = new PiiFinding[8];
        var count = Scanner.FindAll(value, findings);
        var found = findings.Take(count).Select(f => (f.Kind, Text: value.Substring(f.Start, f.Length))).ToList();
        Assert.Contains((kind, expected), found);
    }

    private static void AssertKind(string value, PiiKind kind)
    {
        var findings = new PiiFinding[8];
        var count = Scanner.FindAll(value, findings);
        Assert.Contains(kind, findings.Take(count).Select(f => f.Kind));
    }

    private static void AssertClean(string value)
    {
        var found = Scanner.TryFindFirst(value, out var finding);
        Assert.False(found, found ? $"{finding} '{value.Substring(finding.Start, finding.Length)}'" : null);
    }
}

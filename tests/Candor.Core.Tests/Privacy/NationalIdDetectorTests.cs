using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy;

public sealed class NationalIdDetectorTests
{
    private static readonly PiiScanner Scanner = PiiScanner.Default;

    /// <summary>Issuers' own example numbers and test numbers, in their layouts and bare.</summary>
    [Theory]
    [InlineData("SSN 078-05-1120 on file", "078-05-1120")]
    [InlineData("ssn=219 09 9999", "219 09 9999")]
    [InlineData("SSN: 123456789", "123456789")]
    [InlineData("ITIN 912-70-1234", "912-70-1234")]
    [InlineData("NINO AB 12 34 56 C", "AB 12 34 56 C")]
    [InlineData("ref AB123456C.", "AB123456C")]
    [InlineData("NI number: AB123456", "AB123456")]
    [InlineData("NHS number 943 476 5919", "943 476 5919")]
    [InlineData("patient 9434765919", "9434765919")]
    [InlineData("SIN 046 454 286", "046 454 286")]
    [InlineData("046-454-286", "046-454-286")]
    [InlineData("Steuer-ID 86 095 742 719", "86 095 742 719")]
    [InlineData("86095742719", "86095742719")]
    [InlineData("NIR 2 69 05 49 588 157 80", "2 69 05 49 588 157 80")]
    [InlineData("269054958815780", "269054958815780")]
    [InlineData("1 85 05 2A 006 084 35", "1 85 05 2A 006 084 35")]
    [InlineData("BSN 1112.22.333", "1112.22.333")]
    [InlineData("111222333", "111222333")]
    [InlineData("Aadhaar 2341 2341 2346", "2341 2341 2346")]
    [InlineData("PAN ABCPE1234F", "ABCPE1234F")]
    [InlineData("TFN 123 456 782", "123 456 782")]
    [InlineData("マイナンバー：1234 5678 9018", "1234 5678 9018")]
    [InlineData("CPF 529.982.247-25", "529.982.247-25")]
    [InlineData("52998224725", "52998224725")]
    [InlineData("CNPJ 11.222.333/0001-81", "11.222.333/0001-81")]
    [InlineData("11222333000181", "11222333000181")]
    [InlineData("Personalausweis T220001293", "T220001293")]
    [InlineData("SSN １２３－４５－６７８９", "１２３－４５－６７８９")]
    [InlineData("CPF ٥٢٩.٩٨٢.٢٤٧-٢٥", "٥٢٩.٩٨٢.٢٤٧-٢٥")]
    public void National_number_is_found_with_its_exact_extent(string value, string expected) =>
        AssertFinds(value, PiiKind.NationalId, expected);

    [Theory]
    [InlineData("000-12-3456")] // area 000 is never issued
    [InlineData("666-45-6789")]
    [InlineData("901-45-6789")] // 9xx is an ITIN, and 45 is not an ITIN group
    [InlineData("123-00-4567")]
    [InlineData("123-45-0000")]
    [InlineData("123456789")] // an SSN without dashes needs a word that names it
    [InlineData("SIN 046 454 287")] // fails Luhn; "SIN" rules out the TFN and BSN it might pass
    [InlineData("9434765918")] // NHS check digit wrong
    [InlineData("86095742718")]
    [InlineData("529.982.247-26")]
    [InlineData("11.222.333/0001-82")]
    [InlineData("NIR 2 69 05 49 588 157 81")]
    [InlineData("Aadhaar 2341 2341 2347")]
    [InlineData("DA123456A")] // D is never a NINO prefix
    [InlineData("AB123456E")] // suffix beyond D
    [InlineData("AB123456")] // no suffix and no word
    [InlineData("ABCXE1234F")] // X is no PAN holder type
    [InlineData("order #046454286")]
    [InlineData("took 046454286 ms")]
    [InlineData("ts=1764400000")]
    [InlineData("1 046 454 286 events")]
    [InlineData("-2147024891")]
    [InlineData("Version 1234.56.782 of the schema")]
    [InlineData("20261129100005")]
    [InlineData("https://api.contoso.com/v2/orders/046454286")]
    [InlineData("file_046454286.log")]
    [InlineData("$046454286")]
    [InlineData("046454286.5")]
    [InlineData("2026-11-29T10:00:05Z")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("0x80070005")]
    [InlineData("Snowflake 1862345678901234567")]
    public void Numbers_that_fail_their_issuers_rules_or_are_machine_data_are_not_reported(string value) =>
        Assert.False(Scanner.TryFindFirst(value, out var finding), $"{value} => {finding}");

    [Theory]
    [InlineData("Passport No: C01X00T47", "C01X00T47", PiiKind.PassportNumber)]
    [InlineData("旅券番号 TK1234567", "TK1234567", PiiKind.PassportNumber)]
    [InlineData("Reisepassnummer C4MCHKN7J", "C4MCHKN7J", PiiKind.PassportNumber)]
    [InlineData("X1234567 (passport)", "X1234567", PiiKind.PassportNumber)]
    [InlineData("49HO01998 (numéro de passeport)", "49HO01998", PiiKind.PassportNumber)]
    [InlineData("passport ID 493274135", "493274135", PiiKind.PassportNumber)]
    [InlineData("DL# D1234567", "D1234567", PiiKind.DriversLicenseNumber)]
    [InlineData("Führerschein-Nr. B072RRE2I55", "B072RRE2I55", PiiKind.DriversLicenseNumber)]
    [InlineData("driver's license A123-456-78-901-0 expired", "A123-456-78-901-0", PiiKind.DriversLicenseNumber)]
    [InlineData("A500-222-76-664-5 (Drivers Licence)", "A500-222-76-664-5", PiiKind.DriversLicenseNumber)]
    [InlineData("Ausweisnummer: WXCLRTPWV", "WXCLRTPWV", PiiKind.NationalId)]
    public void Document_number_is_found_next_to_its_word(string value, string expected, PiiKind kind) =>
        AssertFinds(value, kind, expected);

    [Theory]
    [InlineData("Passport.js strategy failed with 401")]
    [InlineData("passport-azure-ad 4.3.5")]
    [InlineData("Passport photo 1920x1080 rejected")]
    [InlineData("passport check took 184000ms")]
    [InlineData("passport expired 2026-11-29")]
    [InlineData("HPE ProLiant DL380 Gen10")]
    [InlineData("dl.contoso.com/download 12345678")]
    [InlineData("Passport sha256 digest")]
    [InlineData("Passport session 8f14e45fceea167a5a36dedd4bea2543")]
    [InlineData("C01X00T47")]
    public void Document_detector_is_silent_without_a_number_or_without_the_word(string value) =>
        Assert.False(Scanner.TryFindFirst(value, out var finding), $"{value} => {finding}");

    [Theory]
    [InlineData(@"\\fs01\Users\jsmith\Documents\cv.docx")]
    [InlineData(@"\\fs01\homes\jsmith")]
    [InlineData(@"\\srv\profiles$\jsmith.V6\AppData")]
    [InlineData(@"\\srv\jsmith$\Documents\cv.docx")]
    [InlineData(@"\\srv\c$\Users\jsmith\AppData\Local\Temp\x.tmp")]
    [InlineData(@"\\corp.contoso.com\dfs\home\m.garcia\Desktop")]
    [InlineData(@"\\?\UNC\fs01\Users\jdoe\x.txt")]
    [InlineData("//fs01/home/alice/.bashrc")]
    [InlineData("smb://nas/homes/kenji/Photos/IMG_0001.jpg")]
    [InlineData("file://nas/homes/kenji/a.txt")]
    [InlineData(@"Z:\Users\jsmith\Downloads\setup.exe")]
    [InlineData(@"H:\home\jdoe\report.pdf")]
    [InlineData(@"U:\profiles\jdoe\Desktop")]
    public void Network_and_mapped_drive_home_paths_are_found_whole(string path) =>
        AssertFinds("open '" + path + "' failed", PiiKind.HomeDirectoryPath, path);

    [Theory]
    [InlineData(@"\\fileserver\builds\app\1.2.3\setup.exe")]
    [InlineData(@"\\srv\c$\Windows\Temp\x.log")]
    [InlineData(@"\\DEPLOY01\SCCMContentLib$\DataLib\x.ini")]
    [InlineData(@"\\srv\deploy$\packages\x.msi")]
    [InlineData(@"\\srv\ADMIN$\system32")]
    [InlineData(@"\\DC01\SYSVOL\corp.local\Policies")]
    [InlineData(@"Z:\builds\release\app.msi")]
    [InlineData("//nas/media/videos/x.mp4")]
    [InlineData("smb://nas/backup/2026/11/x.bak")]
    [InlineData("https://contoso.com/users/home")]
    [InlineData(@"D:\src\Features\Users\UsersController.cs")]
    [InlineData(@"\\fs01\homes\Public\readme.txt")]
    public void Network_paths_without_a_person_folder_are_not_reported(string path) =>
        Assert.False(Scanner.TryFindFirst(path, out var finding), $"{path} => {finding}");

    [Fact]
    public void Scanning_clean_values_with_long_numbers_allocates_nothing()
    {
        string[] values =
        [
            "took 123456789 ms, ts=1764400000, order #046454286, build 20261129.3",
            "Passport.js strategy failed with 401 after 1840 ms",
            @"\\fileserver\builds\app\9.3.2411.1\setup.exe copied 4096 bytes",
        ];
        foreach (var value in values)
        {
            Assert.False(Scanner.TryFindFirst(value, out var finding), $"{value} => {finding}");
        }

        Assert.Equal(0, ScanAllocations.Measure(Scanner, values));
    }

    private static void AssertFinds(string value, PiiKind kind, string expected)
    {
        var findings = new PiiFinding[8];
        var count = Scanner.FindAll(value, findings);
        var start = value.IndexOf(expected, StringComparison.Ordinal);
        Assert.True(
            findings.Take(count).Any(f => f.Kind == kind && f.Start == start && f.Length == expected.Length),
            $"{value}: expected {kind}[{start}..{start + expected.Length}), got {string.Join(", ", findings.Take(count))}");
    }
}

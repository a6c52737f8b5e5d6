using System.Globalization;
using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy.Unicode;

public sealed class UnicodeFoldingTests
{
    /// <summary>NFKC results checked against Python's unicodedata (the tables' source) when the tables were generated:
    /// every assigned code point and 20,000 random sequences of combining marks, jamo and compatibility characters
    /// agreed. These cases keep the interesting ones under test.</summary>
    [Theory]
    [InlineData("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "alice@example.com")]
    [InlineData("ali\u200Bce@exa\u200Cmple\u200D.com", "alice@example.com")]
    [InlineData("alice@ex\u00ADample.com", "alice@example.com")]
    [InlineData("\uFEFFa\u2060b\u200Ec\u200Fd\u202Ae\u202Cf\u2066g\u2069", "abcdefg")]
    [InlineData("kenji﹫example.jp", "kenji@example.jp")]
    [InlineData("𝐚𝐥𝐢𝐜𝐞", "alice")]
    [InlineData("e\u0301lodie", "élodie")]
    [InlineData("e\u200B\u0301", "é")]
    [InlineData("ﬁle ½ ①", "file 1⁄2 1")]
    [InlineData("a\u00A0b\u2003c\u3000d", "a b c d")]
    [InlineData("ﾊﾟｽﾎﾟｰﾄ", "パスポート")]
    [InlineData("\u1100\u1161\u11A8", "각")]
    [InlineData("٥٢٩.٩٨٢.٢٤٧-٢٥", "529.982.247-25")]
    [InlineData("१२३४", "1234")]
    [InlineData("C:＼Users＼jsmith", @"C:\Users\jsmith")]
    [InlineData("a\u0323\u0307", "ạ\u0307")]
    [InlineData("a\u0307\u0323", "ạ\u0307")]
    [InlineData("x\uFE0F\U000E0041y", "xy")]
    public void Folding_gives_NFKC_without_invisible_characters_and_with_ASCII_digits(string value, string expected)
    {
        using var folded = UnicodeFolding.Fold(value);
        Assert.Equal(expected, folded.Text.ToString());
        Assert.True(UnicodeFolding.NeedsFolding(value));
    }

    [Theory]
    [InlineData("plain ASCII value 42")]
    [InlineData("Café Zürich, 東京都, Москва, مرحبا, 😀")]
    [InlineData("")]
    [InlineData("\uD800 lone surrogate")]
    public void A_value_that_folding_leaves_unchanged_takes_the_fast_path(string value) =>
        Assert.False(UnicodeFolding.NeedsFolding(value));

    [Fact]
    public void Every_format_character_is_dropped_as_the_Unicode_Cf_category_says()
    {
        var tables = UnicodeTables.Shared;
        for (var cp = 0x80; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            if (CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.Format)
            {
                Assert.True(tables.Classify(cp) == UnicodeTables.Ignorable, $"U+{cp:X4} is Cf but not dropped");
            }
        }
    }

    [Fact]
    public void The_issue_examples_are_found_at_their_original_positions()
    {
        string[] values = ["mail alice＠example.com now", "mail ali\u200Bce@exam\u200Bple.com now", "mail alice@ex\u00ADample.com now"];
        foreach (var value in values)
        {
            Assert.True(PiiScanner.Default.TryFindFirst(value, out var finding), value);
            Assert.Equal(PiiKind.Email, finding.Kind);
            Assert.Equal(5, finding.Start);
            Assert.Equal(value.Length - " now".Length, finding.End);
        }
    }

    [Fact]
    public void Redact_replaces_the_original_characters_and_keeps_everything_else_as_it_was()
    {
        const string value = "\u200Bhi ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ, ｃａｆé\u200B";
        var redacted = PiiScanner.Default.Redact(value, out var findings);
        Assert.Equal(1, findings);
        Assert.Equal("\u200Bhi [redacted:Email], ｃａｆé\u200B", redacted);
        Assert.Equal(redacted, PiiScanner.Default.Redact(redacted, out _));
    }

    [Fact]
    public void Scanning_a_clean_non_ASCII_value_that_needs_no_folding_allocates_nothing()
    {
        const string value = "Synchronisation terminée: 東京 (Zürich) après 1840 ms, version 9.3.2411.1";
        Assert.Equal(0, ScanAllocations.Measure(PiiScanner.Default, value));
    }

    [Fact]
    public void A_long_run_of_unsorted_combining_marks_folds_in_linear_time()
    {
        var value = "a" + string.Concat(Enumerable.Repeat("\u0307\u0323", 50_000)) + " bob@contoso.com";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(PiiScanner.Default.TryFindFirst(value, out var finding));
        Assert.Equal(value.Length - "bob@contoso.com".Length, finding.Start);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}

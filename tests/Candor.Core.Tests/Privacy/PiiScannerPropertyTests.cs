using System.Text;
using Candor.Core.Privacy;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Candor.Core.Tests.Privacy;

public sealed class PiiScannerPropertyTests
{
    private static readonly PiiScanner Scanner = PiiScanner.Default;

    private static readonly string[] SafeWords =
    [
        "sync", "failed", "for", "the", "account", "retry", "in", "seconds", "Upload", "completed", "with", "warnings",
        "ERR_SYNC_TIMEOUT", "Program.cs", "en-GB", "42", "1840", "ms", "9.3.2411.1", "(attempt", "2)", "-", ":", ",",
        "Contoso.Sync.Engine.Run", "status=503", "OK", "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    ];

    private static readonly Gen<string> SafeText =
        Gen.Elements(SafeWords).ListOf().Select(words => string.Join(" ", words));

    private static readonly Gen<string> Email =
        from local in Label("abcdefghijklmnopqrstuvwxyz0123456789", "._+-")
        from domain in Label("abcdefghijklmnopqrstuvwxyz", "-")
        from subdomain in Gen.Elements("", "mail.", "eu.")
        from tld in Gen.Elements("com", "org", "io", "co.uk", "travel", "de")
        select local + "@" + subdomain + domain + "." + tld;

    private static readonly Gen<int[]> CardPrefix =
        Gen.Elements(new[] { 4 }, [5, 1], [5, 5], [2, 2, 2, 1], [2, 7, 2, 0], [6, 0, 1, 1], [6, 5], [3, 5, 3, 0]);

    private static readonly Gen<string> LuhnValidCard =
        from prefix in CardPrefix
        from body in Gen.Choose(0, 9).ArrayOf(15 - prefix.Length)
        select Digits(WithCheckDigit(prefix.Concat(body).ToArray()));

    private static readonly Gen<string> Planted = Gen.OneOf(
        Email,
        LuhnValidCard,
        from a in Gen.Choose(1, 223) from b in Gen.Choose(0, 255) from c in Gen.Choose(0, 255) from d in Gen.Choose(1, 254)
        select $"{a}.{b}.{c}.{d}",
        from n in Gen.Choose(2000000, 9999999) select $"+44 20 {n / 10000 % 1000 + 1000} {n % 10000:D4}",
        from a in Gen.Choose(200, 999) from n in Gen.Choose(0, 9999) select $"({a}) 555-{n:D4}",
        from name in Label("abcdefghijklmnopqrstuvwxyz", ".") select @"C:\Users\" + name + @"\Documents\report.docx",
        from name in Label("abcdefghijklmnopqrstuvwxyz", "") select "/home/" + name + "/.ssh/id_rsa",
        from key in Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".ToCharArray()).ArrayOf(36)
        select "ghp_" + new string(key),
        from user in Label("abcdefghijklmnopqrstuvwxyz", "") from pass in Label("abcdefghijklmnopqrstuvwxyz0123456789", "!")
        select "https://" + user + ":" + pass + "@contoso.com/x");

    /// <summary>Arbitrary text with the characters that steer the detectors, surrogates (paired and lone) and
    /// control characters.</summary>
    private static readonly Gen<string> Arbitrary =
        Gen.Frequency(
                (6, Gen.Elements("@.:/\\~+-_=?#%()[]{}\"' \t\r\n0123456789eyJABCDEFabcdefxX".ToCharArray())),
                (2, Gen.Choose(0, 0xFFFF).Select(c => (char)c)),
                (1, Gen.Elements('\uD83D', '\uDE00', '\u0000', '\u001F', '\u200B', '\uFEFF', 'é', 'ß', '١')))
            .ArrayOf()
            .Select(chars => new string(chars));

    [Property(MaxTest = 300)]
    public Property Any_email_embedded_in_safe_text_is_found() =>
        Prop.ForAll(
            (from before in SafeText from email in Email from after in SafeText select (before, email, after)).ToArbitrary(),
            t =>
            {
                var value = t.before + " " + t.email + " " + t.after;
                return FindsExactly(value, t.before.Length + 1, t.email, PiiKind.Email);
            });

    [Property(MaxTest = 300)]
    public Property Any_luhn_valid_card_with_a_known_prefix_is_found() =>
        Prop.ForAll(
            (from card in LuhnValidCard from separator in Gen.Elements("", " ", "-") select Group(card, separator))
                .ToArbitrary(),
            card => FindsExactly("card " + card + " declined", 5, card, PiiKind.PaymentCard));

    [Property(MaxTest = 300)]
    public Property No_luhn_invalid_card_is_found() =>
        Prop.ForAll(
            (from card in LuhnValidCard from shift in Gen.Choose(1, 9) select BreakCheckDigit(card, shift)).ToArbitrary(),
            card => !Scanner.TryFindFirst("card " + card + " declined", out _));

    [Property(MaxTest = 500)]
    public Property Redact_never_leaves_a_planted_value_behind() =>
        Prop.ForAll(
            (from before in SafeText from planted in Planted from after in SafeText select (before, planted, after))
                .ToArbitrary(),
            t =>
            {
                var redacted = Scanner.Redact(t.before + " " + t.planted + " " + t.after, out var findings);
                return findings > 0 && !redacted.Contains(t.planted, StringComparison.Ordinal);
            });

    [Property(MaxTest = 1000)]
    public Property Scanner_never_throws_and_Redact_is_idempotent_on_arbitrary_text() =>
        Prop.ForAll(Arbitrary.ToArbitrary(), value =>
        {
            var findings = new PiiFinding[64];
            var count = Scanner.FindAll(value, findings);
            for (var i = 0; i < count; i++)
            {
                var previousEnd = i == 0 ? 0 : findings[i - 1].End;
                if (findings[i].Start < previousEnd || findings[i].Length <= 0 || findings[i].End > value.Length)
                {
                    return false;
                }
            }

            var once = Scanner.Redact(value, out var redactions);
            var twice = Scanner.Redact(once, out var again);
            return (count == 0) == (redactions == 0) && twice == once && again == 0;
        });

    [Property(MaxTest = 300)]
    public Property Redact_is_idempotent_on_text_with_planted_values() =>
        Prop.ForAll(
            (from a in Arbitrary from planted in Planted from b in Arbitrary select a + " " + planted + " " + b)
                .ToArbitrary(),
            value =>
            {
                var once = Scanner.Redact(value, out _);
                return Scanner.Redact(once, out _) == once;
            });

    [Property(MaxTest = 200)]
    public Property Scanner_with_known_names_never_throws_on_arbitrary_text() =>
        Prop.ForAll(Arbitrary.ToArbitrary(), value =>
        {
            var scanner = PiiCorpusTests.CorpusScanner;
            var once = scanner.Redact(value, out _);
            return scanner.Redact(once, out _) == once;
        });

    /// <summary>Inputs that would make a backtracking or rescanning detector quadratic, about 200,000 characters
    /// each.</summary>
    public static TheoryData<string, int> PathologicalPatterns => new()
    {
        { "@", 200_000 },
        { "1", 200_000 },
        { ":", 200_000 },
        { ".", 200_000 },
        { "a@", 100_000 },
        { "1.", 100_000 },
        { "1 ", 100_000 },
        { "+1 ", 70_000 },
        { "a://", 50_000 },
        { "password:a", 20_000 },
        { "password=[", 20_000 },
        { "/home/", 30_000 },
        { "C:\\Users\\ ", 20_000 },
        { "eyJaaaaaaaaaaa.", 15_000 },
        { "fe80:", 40_000 },
        { "Bearer ", 30_000 },
        { "4111 ", 40_000 },
        { "aB3", 70_000 },

        // Many matches of one kind: a detector must not search again for what it did not return.
        { "mkowalski ", 20_000 },
        { "Bearer abc12345 ", 12_000 },
        { "DESKTOP-7QK2M1F ", 12_000 },
        { "a@b.io ", 30_000 },
    };

    [Theory]
    [MemberData(nameof(PathologicalPatterns))]
    public void Scanning_a_long_pathological_value_takes_linear_time(string pattern, int times)
    {
        var value = Repeat(pattern, times);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Scanner.Redact(value, out _);
        PiiCorpusTests.CorpusScanner.Redact(value, out _);

        // Generous for a loaded two-core machine; a quadratic scan of 200,000 characters takes minutes.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    private static bool FindsExactly(string value, int start, string expected, PiiKind kind)
    {
        var findings = new PiiFinding[8];
        var count = Scanner.FindAll(value, findings);
        return findings.Take(count).Any(f => f.Kind == kind && f.Start == start && f.Length == expected.Length);
    }

    private static Gen<string> Label(string letters, string inner) =>
        from first in Gen.Elements(letters.ToCharArray())
        from middle in Gen.Elements((letters + inner).ToCharArray()).ArrayOf()
        from last in Gen.Elements(letters.ToCharArray())
        select first + new string(middle.Take(20).ToArray()) + last;

    private static int[] WithCheckDigit(int[] body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            // Position counted from the right once the check digit is appended.
            var value = body[body.Length - 1 - i];
            if (i % 2 == 0)
            {
                value *= 2;
                if (value > 9)
                {
                    value -= 9;
                }
            }

            sum += value;
        }

        return body.Append((10 - (sum % 10)) % 10).ToArray();
    }

    private static string Digits(int[] digits) => string.Concat(digits);

    private static string BreakCheckDigit(string card, int shift) =>
        card.Substring(0, card.Length - 1) + (char)('0' + ((card[^1] - '0' + shift) % 10));

    private static string Group(string card, string separator) =>
        separator.Length == 0
            ? card
            : string.Join(separator, Enumerable.Range(0, 4).Select(i => card.Substring(i * 4, 4)));

    private static string Repeat(string text, int times) => new StringBuilder(text.Length * times).Insert(0, text, times).ToString();
}

using System.Text;
using Candor.Core.Privacy;
using Candor.Core.Tests.Privacy.Corpus;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Candor.Core.Tests.Privacy;

/// <summary>Generated numbers of every market: each valid one is found at its exact extent in ordinary text, and a
/// number whose check digit is wrong is not reported when a word names its class.</summary>
public sealed class NationalIdPropertyTests
{
    private static readonly (string Word, Func<Random, string> Valid, Func<Random, string> Invalid)[] Classes =
    [
        ("SSN", PersonalNumbers.Ssn, PersonalNumbers.InvalidSsn),
        ("NHS number", PersonalNumbers.Nhs, PersonalNumbers.InvalidNhs),
        ("SIN", PersonalNumbers.Sin, PersonalNumbers.InvalidSin),
        ("Steuer-ID", PersonalNumbers.SteuerId, PersonalNumbers.InvalidSteuerId),
        ("NIR", PersonalNumbers.Nir, PersonalNumbers.InvalidNir),
        ("BSN", PersonalNumbers.Bsn, PersonalNumbers.InvalidBsn),
        ("Aadhaar", PersonalNumbers.Aadhaar, PersonalNumbers.InvalidAadhaar),
        ("TFN", PersonalNumbers.Tfn, PersonalNumbers.InvalidTfn),
        ("My Number", PersonalNumbers.MyNumber, PersonalNumbers.InvalidMyNumber),
        ("CPF", PersonalNumbers.Cpf, PersonalNumbers.InvalidCpf),
        ("CNPJ", PersonalNumbers.Cnpj, PersonalNumbers.InvalidCnpj),
        ("NINO", r => PersonalNumbers.Nino(r), PersonalNumbers.InvalidNino),
        ("PAN", PersonalNumbers.Pan, PersonalNumbers.InvalidPan),
    ];

    private static readonly string[] Invisible = ["\u200B", "\u00AD", "\u2060", "\uFEFF", "\u200D", "\u202A"];

    private static readonly Gen<(string Word, string Valid, string Invalid, int Seed)> Numbers =
        from index in Gen.Choose(0, Classes.Length - 1)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        let random = new Random(seed)
        select (Classes[index].Word, Classes[index].Valid(random), Classes[index].Invalid(random), seed);

    [Property(MaxTest = 1000)]
    public Property A_valid_number_is_found_at_its_exact_extent_in_a_sentence() =>
        Prop.ForAll(
            (from n in Numbers from before in Gen.Elements("", "Customer ", "value=", "[", "{\"x\":\"", "Kunde ")
             from after in Gen.Elements("", " saved", "]", "\"}", ".", ", Berlin")
             select (n, before, after)).ToArbitrary(),
            t => FindsExactly(t.before + t.n.Valid + t.after, t.before.Length, t.n.Valid.Length, PiiKind.NationalId)
                .Label(t.before + t.n.Valid + t.after));

    [Property(MaxTest = 1000)]
    public Property A_number_that_fails_its_check_is_not_reported_next_to_its_name() =>
        Prop.ForAll(Numbers.ToArbitrary(), n =>
        {
            // A wrong check digit can still make a valid number of another kind (a CNPJ look-alike may be a Diners
            // card); it must not be reported as the national number it imitates.
            var value = n.Word + ": " + n.Invalid;
            var findings = new PiiFinding[4];
            var count = PiiScanner.Default.FindAll(value, findings);
            return findings.Take(count).All(f => f.Kind != PiiKind.NationalId).Label(value + " => " + string.Join(", ", findings.Take(count)));
        });

    [Property(MaxTest = 500)]
    public Property A_valid_number_hidden_with_invisible_or_fullwidth_characters_maps_back_exactly() =>
        Prop.ForAll(
            (from n in Numbers from inserts in Gen.Choose(1, 20).ArrayOf() from widen in Gen.Choose(0, 1).ArrayOf(30)
             select (n.Valid, inserts, widen)).ToArbitrary(),
            t =>
            {
                var hidden = Hide(t.Valid, t.inserts, t.widen);
                var value = "got " + hidden + " ok";
                return FindsExactly(value, 4, hidden.Length, PiiKind.NationalId).Label(value);
            });

    public static TheoryData<string, int> PathologicalPatterns => new()
    {
        { "123456789 ", 20_000 },
        { "1 ", 100_000 },
        { "1-", 100_000 },
        { "12.345.678/", 15_000 },
        { "SSN 1", 40_000 },
        { "passport ", 20_000 },
        { "passport 1 ", 15_000 },
        { "AB123456 ", 20_000 },
        { @"\\a\", 50_000 },
        { @"\\s\homes\", 20_000 },
        { "2A", 100_000 },
    };

    [Theory]
    [MemberData(nameof(PathologicalPatterns))]
    public void Scanning_a_long_pathological_value_takes_linear_time(string pattern, int times)
    {
        var value = new StringBuilder(pattern.Length * times).Insert(0, pattern, times).ToString();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        PiiScanner.Default.Redact(value, out _);

        // Generous for a loaded two-core machine; a quadratic scan of 200,000 characters takes minutes.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    private static string Hide(string value, int[] inserts, int[] widen)
    {
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length && i < widen.Length; i++)
        {
            if (widen[i] == 1 && chars[i] is > ' ' and < '\u007F')
            {
                chars[i] = (char)(chars[i] - 0x21 + 0xFF01);
            }
        }

        var text = new string(chars);
        foreach (var position in inserts.Take(4).Where(p => p < value.Length).Distinct().OrderByDescending(p => p))
        {
            text = text.Insert(position, Invisible[position % Invisible.Length]);
        }

        return text;
    }

    /// <summary>Found at exactly that extent. The kind may also be the phone number or payment card that the same
    /// digits make (an NHS number spaced 3-3-4 is a North American phone number too): either way it is redacted.
    /// </summary>
    private static bool FindsExactly(string value, int start, int length, PiiKind kind)
    {
        var findings = new PiiFinding[8];
        var count = PiiScanner.Default.FindAll(value, findings);
        return findings.Take(count).Any(f =>
            f.Kind is var k && (k == kind || k == PiiKind.PhoneNumber || k == PiiKind.PaymentCard) && f.Start == start && f.Length == length);
    }
}

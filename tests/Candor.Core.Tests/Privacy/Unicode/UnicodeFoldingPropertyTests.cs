using Candor.Core.Privacy;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Candor.Core.Tests.Privacy.Unicode;

/// <summary>Personal data hidden with invisible format characters or compatibility forms is found, and each finding
/// covers exactly the original characters of the hidden value.</summary>
public sealed class UnicodeFoldingPropertyTests
{
    /// <summary>Zero-width space, non-joiner and joiner, word joiner, soft hyphen, BOM, bidi marks, embeddings,
    /// isolates, a tag character and the Mongolian vowel separator: all Cf.</summary>
    private static readonly string[] Invisible =
    [
        "\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\uFEFF", "\u200E", "\u200F", "\u202A", "\u202B", "\u202C",
        "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u180E", "\U000E0020", "\u061C",
    ];

    private static readonly Gen<(string Value, PiiKind Kind)> KnownPii = Gen.Elements(
        ("alice@example.com", PiiKind.Email),
        ("jane.doe+tag@mail.contoso.co.uk", PiiKind.Email),
        ("4111 1111 1111 1111", PiiKind.PaymentCard),
        ("192.168.10.20", PiiKind.IpV4Address),
        ("+44 20 7946 0958", PiiKind.PhoneNumber),
        (@"C:\Users\jsmith\Documents\cv.docx", PiiKind.HomeDirectoryPath),
        ("/home/alice/.ssh/id_rsa", PiiKind.HomeDirectoryPath),
        ("https://bob:hunter2@contoso.com/x", PiiKind.UrlWithCredentials),
        ("078-05-1120", PiiKind.NationalId),
        ("AB 12 34 56 C", PiiKind.NationalId),
        (@"\\fs01\homes\jsmith\cv.docx", PiiKind.HomeDirectoryPath));

    /// <summary>The value with fullwidth forms for some characters and invisible characters inserted strictly
    /// inside it, so its first and last characters stay where they were.</summary>
    private static readonly Gen<(string Hidden, PiiKind Kind)> Hidden =
        from pii in KnownPii
        from widen in Gen.Choose(0, 1).ArrayOf(pii.Value.Length)
        from inserts in Gen.Choose(1, Math.Max(1, pii.Value.Length - 1)).ArrayOf()
        from which in Gen.Choose(0, Invisible.Length - 1).ArrayOf(8)
        select (Hide(pii.Value, widen, inserts, which), pii.Kind);

    [Property(MaxTest = 500)]
    public Property Hidden_personal_data_is_found_and_maps_back_to_exactly_its_original_characters() =>
        Prop.ForAll(
            (from hidden in Hidden from before in Gen.Elements("", "user ", "Error: ", "「", "x=") from after in Gen.Elements("", " failed", ".", "」", ";")
                select (hidden, before, after)).ToArbitrary(),
            t =>
            {
                var value = t.before + t.hidden.Hidden + t.after;
                var findings = new PiiFinding[8];
                var count = PiiScanner.Default.FindAll(value, findings);
                var found = findings.Take(count).Any(f =>
                    f.Kind == t.hidden.Kind && f.Start == t.before.Length && f.Length == t.hidden.Hidden.Length);
                var redacted = PiiScanner.Default.Redact(value, out _);
                return (found && redacted == t.before + PiiKindNames.Placeholder(t.hidden.Kind) + t.after)
                    .Label(Escape(value) + " => " + string.Join(", ", findings.Take(count)) + " / " + Escape(redacted));
            });

    private static string Escape(string value) =>
        string.Concat(value.Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"{{U+{(int)c:X4}}}"));

    private static string Hide(string value, int[] widen, int[] inserts, int[] which)
    {
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (widen[i] == 1 && chars[i] is > ' ' and < '\u007F')
            {
                chars[i] = (char)(chars[i] - 0x21 + 0xFF01);
            }
        }

        var text = new string(chars);
        var k = 0;
        foreach (var position in inserts.Take(6).Where(p => p > 0 && p < value.Length).Distinct().OrderByDescending(p => p))
        {
            text = text.Insert(position, Invisible[which[k++ % which.Length]]);
        }

        return text;
    }
}

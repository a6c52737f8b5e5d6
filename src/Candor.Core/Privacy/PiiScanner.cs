using System.Text;

namespace Candor.Core.Privacy;

/// <summary>Finds and redacts personal data and secrets in string values: the PII guard that the client SDK runs
/// before an event leaves the device and the collector runs again on every string value it receives.</summary>
/// <remarks>
/// <para>Each kind of <see cref="PiiKind"/> has a hand-written span scanner; no regular expressions, so no input can
/// make a scan slow. A scan is linear in the value's length. A single pass over the value first decides which
/// detectors can match at all (no <c>@</c>, no email; fewer than 13 digits, no card), so the short identifiers that
/// make up most values are cleared after one pass without allocating.</para>
/// <para>Overlapping matches are merged into one finding that covers them all (a bearer token that is a JWT, a path
/// that holds the user name), with the kind of the longest match, so redaction never leaves part of a value
/// behind.</para>
/// <para>Detectors read a folded copy of the value when it has characters that Unicode normalisation changes: NFKC,
/// without invisible format characters, with digits of every script as ASCII (<see cref="UnicodeFolding"/>), so
/// <c>alice＠example.com</c> or an address with zero-width spaces inside is found. Findings are mapped back onto
/// the original value, so every range refers to it, and <see cref="Redact(string, out int)"/> replaces exactly the
/// original characters. A value that folding leaves unchanged (all ASCII, or any characters NFKC keeps) is checked
/// without allocating and scanned as it is.</para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed partial class PiiScanner
{
    private readonly KnownNameDetector _userNames;
    private readonly KnownNameDetector _machineNames;

    /// <summary>Creates a scanner.</summary>
    /// <param name="options">The names to detect besides the patterns; copied, so later changes have no effect.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public PiiScanner(PiiScannerOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        _userNames = new KnownNameDetector(options.KnownUserNames, PiiKind.UserName);
        _machineNames = new KnownNameDetector(options.KnownMachineNames, PiiKind.MachineName);
    }

    /// <summary>A scanner that knows no user or machine names: the one the collector uses, where the names of the
    /// devices that send events are unknown.</summary>
    public static PiiScanner Default { get; } = new(new PiiScannerOptions());

    /// <summary>Finds the first piece of personal data in a value. Allocates nothing when the value needs no Unicode
    /// folding (see Remarks of <see cref="PiiScanner"/>).</summary>
    /// <param name="value">The text to scan.</param>
    /// <param name="finding">The first finding, when there is one; its range is in <paramref name="value"/>.</param>
    /// <returns>Whether anything was found.</returns>
    public bool TryFindFirst(ReadOnlySpan<char> value, out PiiFinding finding)
    {
        if (!UnicodeFolding.NeedsFolding(value))
        {
            return TryFindFirst(value, default, out finding);
        }

        using var folded = UnicodeFolding.Fold(value);
        return TryFindFirst(folded.Text, folded, out finding);
    }

    /// <summary>Finds the personal data in a value, in order and without overlaps. Allocates nothing when the value
    /// needs no Unicode folding.</summary>
    /// <param name="value">The text to scan.</param>
    /// <param name="destination">Where to write the findings; scanning stops when it is full.</param>
    /// <returns>The number of findings written; their ranges are in <paramref name="value"/>.</returns>
    public int FindAll(ReadOnlySpan<char> value, Span<PiiFinding> destination)
    {
        if (!UnicodeFolding.NeedsFolding(value))
        {
            return FindAll(value, default, destination);
        }

        using var folded = UnicodeFolding.Fold(value);
        return FindAll(folded.Text, folded, destination);
    }

    /// <summary>Replaces each piece of personal data in a value with <c>[redacted:&lt;kind&gt;]</c>, in one pass.
    /// Everything outside the findings is kept exactly as it was, invisible characters included.</summary>
    /// <param name="value">The text to redact.</param>
    /// <param name="findings">How many findings were replaced.</param>
    /// <returns>The redacted text; <paramref name="value"/> itself, with nothing allocated, when nothing was
    /// found in a value that needs no Unicode folding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public string Redact(string value, out int findings)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        if (!UnicodeFolding.NeedsFolding(value.AsSpan()))
        {
            return Redact(value, value.AsSpan(), default, out findings);
        }

        using var folded = UnicodeFolding.Fold(value.AsSpan());
        return Redact(value, folded.Text, folded, out findings);
    }

    // scanned: the value or its folded copy; map: from the copy back to the value, empty when they are the same.
    private bool TryFindFirst(ReadOnlySpan<char> scanned, FoldedText map, out PiiFinding finding)
    {
        var detectors = SelectDetectors(scanned);
        if (detectors == 0)
        {
            finding = default;
            return false;
        }

        Span<Candidate> pending = stackalloc Candidate[DetectorCount];
        var cursor = new Cursor(this, scanned, detectors, pending, map);
        return cursor.MoveNext(out finding);
    }

    private int FindAll(ReadOnlySpan<char> scanned, FoldedText map, Span<PiiFinding> destination)
    {
        var detectors = SelectDetectors(scanned);
        if (detectors == 0 || destination.IsEmpty)
        {
            return 0;
        }

        Span<Candidate> pending = stackalloc Candidate[DetectorCount];
        var cursor = new Cursor(this, scanned, detectors, pending, map);
        var count = 0;
        while (count < destination.Length && cursor.MoveNext(out var finding))
        {
            destination[count++] = finding;
        }

        return count;
    }

    private string Redact(string value, ReadOnlySpan<char> scanned, FoldedText map, out int findings)
    {
        findings = 0;
        var detectors = SelectDetectors(scanned);
        if (detectors == 0)
        {
            return value;
        }

        Span<Candidate> pending = stackalloc Candidate[DetectorCount];
        var cursor = new Cursor(this, scanned, detectors, pending, map);
        if (!cursor.MoveNext(out var finding))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 24);
        var copied = 0;
        do
        {
            builder.Append(value, copied, finding.Start - copied).Append(PiiKindNames.Placeholder(finding.Kind));
            copied = finding.End;
            findings++;
        }
        while (cursor.MoveNext(out finding));

        return builder.Append(value, copied, value.Length - copied).ToString();
    }
}

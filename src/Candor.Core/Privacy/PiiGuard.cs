using Candor.Core.Model;

namespace Candor.Core.Privacy;

/// <summary>The one rule the SDK (before an event is queued) and the collector (before it is stored) apply to every
/// string value: what the PII detectors flag is redacted or makes the event rejected, by the field's
/// classification. The raw value is never logged or kept; only the kind of a finding is reported.</summary>
/// <remarks>Thread-safe: it holds only an immutable <see cref="PiiScanner"/>.</remarks>
public sealed class PiiGuard
{
    private readonly PiiScanner _scanner;

    /// <summary>Creates a guard over <paramref name="scanner"/>.</summary>
    /// <param name="scanner">The detectors to apply; <see cref="PiiScanner.Default"/> (no device's user or machine
    /// names, as on the collector) when null.</param>
    public PiiGuard(PiiScanner? scanner = null) => _scanner = scanner ?? PiiScanner.Default;

    /// <summary>Whether a flagged value of this classification is redacted (true) or rejects its event (false).
    /// System metadata (versions, OS names, component ids, error codes, paths) may pick up a personal value by
    /// accident, such as a user name in a path of an error: it is redacted and the event kept. Every other
    /// classification promises a value that cannot hold a person's data at all (an enumerated value, a number, a
    /// random identifier, a hash), so a hit means the event is not what the catalog says it is.</summary>
    public static bool Redacts(DataClassification classification) => classification == DataClassification.SystemMetadata;

    /// <summary>Decides what happens to one value of a field of <paramref name="classification"/>. Allocates
    /// nothing.</summary>
    /// <param name="value">The value as text.</param>
    /// <param name="classification">The classification the catalog declares for the field.</param>
    /// <returns><see cref="PiiVerdict.Clean"/> when nothing is flagged, otherwise what <see cref="Redacts"/>
    /// decides.</returns>
    public PiiVerdict Inspect(ReadOnlySpan<char> value, DataClassification classification)
    {
        if (!_scanner.TryFindFirst(value, out _))
        {
            return PiiVerdict.Clean;
        }

        return Redacts(classification) ? PiiVerdict.Redact : PiiVerdict.Reject;
    }

    /// <summary>Whether the detectors flag anything in <paramref name="value"/>. Allocates nothing.</summary>
    /// <param name="value">The value as text.</param>
    /// <param name="kind">The name of the first finding's <see cref="PiiKind"/> (never the value), or empty.</param>
    public bool TryFindFirst(ReadOnlySpan<char> value, out string kind)
    {
        if (_scanner.TryFindFirst(value, out var finding))
        {
            kind = PiiKindNames.Get(finding.Kind);
            return true;
        }

        kind = "";
        return false;
    }

    /// <summary>The value with every flagged part replaced by <c>[redacted:Kind]</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public string Redact(string value) => _scanner.Redact(value, out _);

    /// <summary>The value with every flagged part replaced by <c>[redacted:Kind]</c>, and how many parts were.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public string Redact(string value, out int findings) => _scanner.Redact(value, out findings);
}

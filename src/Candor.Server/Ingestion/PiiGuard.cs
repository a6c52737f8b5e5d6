using Candor.Core.Model;
using Candor.Core.Privacy;

namespace Candor.Server.Ingestion;

/// <summary>The shared PII detectors (<see cref="PiiScanner"/>) as the collector applies them. Thread-safe.</summary>
internal sealed class PiiGuard
{
    private static readonly string[] KindNames = [.. Enum.GetValues<PiiKind>().Select(k => k.ToString())];

    private readonly PiiScanner _scanner;

    public PiiGuard(PiiScanner? scanner = null) => _scanner = scanner ?? PiiScanner.Default;

    /// <summary>Whether the value holds anything the detectors flag; <paramref name="kind"/> names the first
    /// (a kind, never the value).</summary>
    public bool TryFindFirst(ReadOnlySpan<char> value, out string kind)
    {
        if (_scanner.TryFindFirst(value, out var finding))
        {
            kind = (uint)finding.Kind < (uint)KindNames.Length ? KindNames[(int)finding.Kind] : "Unknown";
            return true;
        }

        kind = "";
        return false;
    }

    /// <summary>The value with every flagged part replaced by <c>[redacted:Kind]</c>.</summary>
    public string Redact(string value) => _scanner.Redact(value, out _);

    /// <summary>System metadata (versions, OS names, component ids, error codes) may pick up a personal value by
    /// accident (a path with a user name in an error): the value is redacted and the event kept. Any other
    /// classification promises a value that cannot hold a person's data at all (an enumerated value, a number,
    /// a random identifier, a hash), so a hit means the event is wrong and it is rejected.</summary>
    public static bool Redacts(DataClassification classification) => classification == DataClassification.SystemMetadata;
}

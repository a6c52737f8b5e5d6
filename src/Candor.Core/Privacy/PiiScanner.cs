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
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class PiiScanner
{
    private const int DetectorCount = 13;

    // Detector order is the tie-break when two matches start at the same place and have the same length.
    private const int UrlDetectorId = 0;
    private const int JwtDetectorId = 1;
    private const int AuthorizationDetectorId = 2;
    private const int AssignmentDetectorId = 3;
    private const int ApiKeyDetectorId = 4;
    private const int EmailDetectorId = 5;
    private const int HomePathDetectorId = 6;
    private const int PaymentCardDetectorId = 7;
    private const int PhoneNumberDetectorId = 8;
    private const int IpV6DetectorId = 9;
    private const int IpV4DetectorId = 10;
    private const int UserNameDetectorId = 11;
    private const int MachineNameDetectorId = 12;

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

    /// <summary>Finds the first piece of personal data in a value. Allocates nothing.</summary>
    /// <param name="value">The text to scan.</param>
    /// <param name="finding">The first finding, when there is one.</param>
    /// <returns>Whether anything was found.</returns>
    public bool TryFindFirst(ReadOnlySpan<char> value, out PiiFinding finding)
    {
        var detectors = SelectDetectors(value);
        if (detectors == 0)
        {
            finding = default;
            return false;
        }

        Span<Candidate> pending = stackalloc Candidate[DetectorCount];
        var cursor = new Cursor(this, value, detectors, pending);
        return cursor.MoveNext(out finding);
    }

    /// <summary>Finds the personal data in a value, in order and without overlaps. Allocates nothing.</summary>
    /// <param name="value">The text to scan.</param>
    /// <param name="destination">Where to write the findings; scanning stops when it is full.</param>
    /// <returns>The number of findings written.</returns>
    public int FindAll(ReadOnlySpan<char> value, Span<PiiFinding> destination)
    {
        var detectors = SelectDetectors(value);
        if (detectors == 0 || destination.IsEmpty)
        {
            return 0;
        }

        Span<Candidate> pending = stackalloc Candidate[DetectorCount];
        var cursor = new Cursor(this, value, detectors, pending);
        var count = 0;
        while (count < destination.Length && cursor.MoveNext(out var finding))
        {
            destination[count++] = finding;
        }

        return count;
    }

    /// <summary>Replaces each piece of personal data in a value with <c>[redacted:&lt;kind&gt;]</c>, in one pass.
    /// </summary>
    /// <param name="value">The text to redact.</param>
    /// <param name="findings">How many findings were replaced.</param>
    /// <returns>The redacted text; <paramref name="value"/> itself, with nothing allocated, when nothing was
    /// found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public string Redact(string value, out int findings)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        findings = 0;
        var span = value.AsSpan();
        var detectors = SelectDetectors(span);
        if (detectors == 0)
        {
            return value;
        }

        Span<Candidate> pending = stackalloc Candidate[DetectorCount];
        var cursor = new Cursor(this, span, detectors, pending);
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

    /// <summary>One pass over the value that rules out every detector whose required characters are missing.</summary>
    private int SelectDetectors(ReadOnlySpan<char> value)
    {
        if (value.Length < 3)
        {
            return 0;
        }

        int at = 0, dots = 0, colons = 0, slashes = 0, backslashes = 0, digits = 0, spaces = 0, equals = 0,
            questions = 0, run = 0, longestRun = 0;
        foreach (var c in value)
        {
            if (Chars.IsAsciiLetter(c) || c == '_' || c == '-' || c == '+')
            {
                run++;
                continue;
            }

            if (Chars.IsDigit(c))
            {
                digits++;
                run++;
                continue;
            }

            longestRun = Math.Max(longestRun, run);
            switch (c)
            {
                case '/':
                    slashes++;
                    run++;
                    continue;
                case '@':
                    at++;
                    break;
                case '.':
                    dots++;
                    break;
                case ':':
                    colons++;
                    break;
                case '\\':
                    backslashes++;
                    break;
                case '=':
                    equals++;
                    break;
                case '?':
                    questions++;
                    break;
                default:
                    spaces += Chars.IsWhiteSpace(c) ? 1 : 0;
                    break;
            }

            run = 0;
        }

        longestRun = Math.Max(longestRun, run);
        var selected = 0;
        Select(ref selected, UrlDetectorId, colons > 0 && slashes >= 2 && (at > 0 || questions > 0));
        Select(ref selected, JwtDetectorId, dots >= 2 && longestRun >= 10);
        Select(ref selected, AuthorizationDetectorId, value.Length >= 14 && (spaces > 0 || colons > 0 || equals > 0));
        Select(ref selected, AssignmentDetectorId, equals > 0 || colons > 0);
        Select(ref selected, ApiKeyDetectorId, longestRun >= 15);
        Select(ref selected, EmailDetectorId, at > 0 && dots > 0);
        Select(ref selected, HomePathDetectorId, slashes > 0 || backslashes > 0);
        Select(ref selected, PaymentCardDetectorId, digits >= 13);
        Select(ref selected, PhoneNumberDetectorId, digits >= 8);
        Select(ref selected, IpV6DetectorId, colons >= 2);
        Select(ref selected, IpV4DetectorId, dots >= 3 && digits >= 4);
        Select(ref selected, UserNameDetectorId, !_userNames.IsEmpty && value.Length >= _userNames.ShortestLength);
        Select(ref selected, MachineNameDetectorId,
            !_machineNames.IsEmpty && value.Length >= _machineNames.ShortestLength);
        return selected;
    }

    private static void Select(ref int selected, int detector, bool possible)
    {
        if (possible)
        {
            selected |= 1 << detector;
        }
    }

    private bool Find(int detector, ReadOnlySpan<char> s, int from, out Candidate match)
    {
        bool found;
        switch (detector)
        {
            case UrlDetectorId:
                found = UrlDetector.TryFind(s, from, out match);
                break;
            case JwtDetectorId:
                found = JwtDetector.TryFind(s, from, out match);
                break;
            case AuthorizationDetectorId:
                found = AuthorizationDetector.TryFind(s, from, out match);
                break;
            case AssignmentDetectorId:
                found = ApiKeyDetector.TryFindAssignment(s, from, out match);
                break;
            case ApiKeyDetectorId:
                found = ApiKeyDetector.TryFindToken(s, from, out match);
                break;
            case EmailDetectorId:
                found = EmailDetector.TryFind(s, from, out match);
                break;
            case HomePathDetectorId:
                found = HomePathDetector.TryFind(s, from, out match);
                break;
            case PaymentCardDetectorId:
                found = PaymentCardDetector.TryFind(s, from, out match);
                break;
            case PhoneNumberDetectorId:
                found = PhoneNumberDetector.TryFind(s, from, out match);
                break;
            case IpV6DetectorId:
                found = IpAddressDetector.TryFindV6(s, from, out match);
                break;
            case IpV4DetectorId:
                found = IpAddressDetector.TryFindV4(s, from, out match);
                break;
            case UserNameDetectorId:
                found = _userNames.TryFind(s, from, out match);
                break;
            case MachineNameDetectorId:
                found = _machineNames.TryFind(s, from, out match);
                break;
            default:
                match = default;
                return false;
        }

        // Every detector moves forward; a match that did not would make the cursor loop.
        return found && match.Start >= from && match.End > match.Start;
    }

    /// <summary>Merges the detectors' ordered matches into ordered, non-overlapping findings: a k-way merge that keeps
    /// each detector's next match and asks it for another only when that one is used.</summary>
    private ref struct Cursor
    {
        private readonly PiiScanner _scanner;
        private readonly ReadOnlySpan<char> _value;
        private readonly Span<Candidate> _pending;
        private int _active;

        public Cursor(PiiScanner scanner, ReadOnlySpan<char> value, int detectors, Span<Candidate> pending)
        {
            _scanner = scanner;
            _value = value;
            _pending = pending;
            _active = 0;
            for (var d = 0; d < DetectorCount; d++)
            {
                if ((detectors & (1 << d)) != 0 && scanner.Find(d, value, 0, out var match))
                {
                    _pending[d] = match;
                    _active |= 1 << d;
                }
            }
        }

        public bool MoveNext(out PiiFinding finding)
        {
            var best = -1;
            for (var d = 0; d < DetectorCount; d++)
            {
                if ((_active & (1 << d)) == 0)
                {
                    continue;
                }

                var candidate = _pending[d];
                if (best < 0 || candidate.Start < _pending[best].Start ||
                    (candidate.Start == _pending[best].Start && candidate.Length > _pending[best].Length))
                {
                    best = d;
                }
            }

            if (best < 0)
            {
                finding = default;
                return false;
            }

            var first = _pending[best];
            var end = first.End;
            var kind = first.Kind;
            var kindLength = first.Length;
            Advance(best);

            // Absorb every match that overlaps the finding so far, until none does.
            bool absorbed;
            do
            {
                absorbed = false;
                for (var d = 0; d < DetectorCount; d++)
                {
                    if ((_active & (1 << d)) == 0 || _pending[d].Start >= end)
                    {
                        continue;
                    }

                    var overlapping = _pending[d];
                    end = Math.Max(end, overlapping.End);
                    if (overlapping.Length > kindLength)
                    {
                        kind = overlapping.Kind;
                        kindLength = overlapping.Length;
                    }

                    Advance(d);
                    absorbed = true;
                }
            }
            while (absorbed);

            finding = new PiiFinding(kind, first.Start, end - first.Start);
            return true;
        }

        private void Advance(int detector)
        {
            if (_scanner.Find(detector, _value, _pending[detector].End, out var next))
            {
                _pending[detector] = next;
            }
            else
            {
                _active &= ~(1 << detector);
            }
        }
    }
}

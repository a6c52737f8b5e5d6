namespace Candor.Core.Privacy;

/// <summary>The detectors, the pre-filter that skips those that cannot match, and the order that breaks ties.</summary>
public sealed partial class PiiScanner
{
    private const int DetectorCount = 20;

    // Detector order is the tie-break when two matches start at the same place and have the same length: a document
    // number named by its word wins over the same digits read as a national number, and a national number over a
    // phone number of the same shape.
    private const int UrlDetectorId = 0;
    private const int JwtDetectorId = 1;
    private const int AuthorizationHeaderDetectorId = 2;
    private const int BearerDetectorId = 3;
    private const int AssignmentDetectorId = 4;
    private const int ApiKeyDetectorId = 5;
    private const int EmailDetectorId = 6;
    private const int HomePathDetectorId = 7;
    private const int NetworkPathDetectorId = 8;
    private const int PaymentCardDetectorId = 9;
    private const int DocumentNumberDetectorId = 10;
    private const int NationalNumberDetectorId = 11;
    private const int LetterIdDetectorId = 12;
    private const int PhoneNumberDetectorId = 13;
    private const int IpV6DetectorId = 14;
    private const int IpV4DetectorId = 15;
    private const int UserNameDetectorId = 16;
    private const int MachineNameDetectorId = 17;
    private const int WindowsNameDetectorId = 18;
    private const int OwnedDeviceDetectorId = 19;

    /// <summary>One pass over the value that rules out every detector whose required characters are missing.</summary>
    private int SelectDetectors(ReadOnlySpan<char> value)
    {
        if (value.Length < 3)
        {
            return 0;
        }

        int at = 0, dots = 0, colons = 0, slashes = 0, backslashes = 0, digits = 0, spaces = 0, equals = 0,
            questions = 0, percents = 0, windowsNames = 0, possessives = 0, run = 0, longestRun = 0, number = 0, longestNumber = 0;
        var previous = '\0';
        foreach (var c in value)
        {
            // Letters and digits first: they are most of every value.
            if (Chars.IsAsciiLetter(c))
            {
                if (number > 0)
                {
                    longestNumber = Math.Max(longestNumber, number);
                    number = 0;
                }

                possessives += c == 's' && previous is '\'' or '\u2019' ? 1 : 0;
                run++;
                previous = c;
                continue;
            }

            if (Chars.IsDigit(c))
            {
                digits++;
                number++;
                run++;
                previous = c;
                continue;
            }

            // A number run counts the digits that separators of phone and card numbers hold together.
            if (c is not (' ' or '-' or '.' or '(' or ')' or '+'))
            {
                longestNumber = Math.Max(longestNumber, number);
                number = 0;
            }

            if (c is '_' or '-' or '+')
            {
                windowsNames += c == '-' && (previous | 0x20) == 'p' ? 1 : 0;
                run++;
                previous = c;
                continue;
            }

            previous = c;
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
                case '%':
                    percents++;
                    break;
                default:
                    spaces += Chars.IsWhiteSpace(c) ? 1 : 0;
                    break;
            }

            run = 0;
        }

        longestRun = Math.Max(longestRun, run);
        longestNumber = Math.Max(longestNumber, number);

        // Each condition is necessary for its detector to match, so skipping a detector never misses anything.
        var selected = 0;
        Select(ref selected, UrlDetectorId, colons > 0 && slashes >= 2 && (at > 0 || questions > 0));
        Select(ref selected, JwtDetectorId, dots >= 2 && longestRun >= 10);
        Select(ref selected, AuthorizationHeaderDetectorId, value.Length >= 14 && (colons > 0 || equals > 0));
        Select(ref selected, BearerDetectorId, value.Length >= 14 && spaces > 0);
        Select(ref selected, AssignmentDetectorId, equals > 0 || colons > 0);
        Select(ref selected, ApiKeyDetectorId, longestRun >= 15);
        Select(ref selected, EmailDetectorId, (at > 0 || percents > 0) && dots > 0);
        Select(ref selected, HomePathDetectorId, slashes > 0 || backslashes > 0);
        Select(ref selected, NetworkPathDetectorId, slashes + backslashes >= 2);
        Select(ref selected, DocumentNumberDetectorId, value.Length >= 8 && (digits > 0 || longestRun >= 9));
        Select(ref selected, NationalNumberDetectorId, longestNumber >= 8);
        Select(ref selected, LetterIdDetectorId, longestNumber >= 4 && value.Length >= 8);
        Select(ref selected, PaymentCardDetectorId, longestNumber >= 13);
        Select(ref selected, PhoneNumberDetectorId, longestNumber >= 8);
        Select(ref selected, IpV6DetectorId, colons >= 2);
        Select(ref selected, IpV4DetectorId, dots >= 3 && digits >= 4);
        Select(ref selected, UserNameDetectorId, !_userNames.IsEmpty && value.Length >= _userNames.ShortestLength);
        Select(ref selected, MachineNameDetectorId,
            !_machineNames.IsEmpty && value.Length >= _machineNames.ShortestLength);
        Select(ref selected, WindowsNameDetectorId, windowsNames > 0);
        Select(ref selected, OwnedDeviceDetectorId, possessives > 0 && spaces > 0);
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
        // A match that spans an earlier redaction ("C:\Users\[redacted:UserName]\x") is not reported again: values
        // the SDK redacted reach the collector, which must not count them twice, and Redact stays idempotent.
        while (FindRaw(detector, s, from, out match))
        {
            if (s.Slice(match.Start, match.Length).IndexOf(PiiKindNames.PlaceholderPrefix.AsSpan()) < 0)
            {
                return true;
            }

            from = match.End;
        }

        return false;
    }

    private bool FindRaw(int detector, ReadOnlySpan<char> s, int from, out Candidate match)
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
            case AuthorizationHeaderDetectorId:
                found = AuthorizationDetector.TryFindHeader(s, from, out match);
                break;
            case BearerDetectorId:
                found = AuthorizationDetector.TryFindBearer(s, from, out match);
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
            case NetworkPathDetectorId:
                found = NetworkPathDetector.TryFind(s, from, out match);
                break;
            case DocumentNumberDetectorId:
                found = DocumentNumberDetector.TryFind(s, from, out match);
                break;
            case NationalNumberDetectorId:
                found = NationalNumberDetector.TryFind(s, from, out match);
                break;
            case LetterIdDetectorId:
                found = LetterIdDetector.TryFind(s, from, out match);
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
            case WindowsNameDetectorId:
                found = DeviceNameDetector.TryFindWindows(s, from, out match);
                break;
            case OwnedDeviceDetectorId:
                found = DeviceNameDetector.TryFindOwned(s, from, out match);
                break;
            default:
                match = default;
                return false;
        }

        // Every detector moves forward; a match that did not would make the cursor loop.
        return found && match.Start >= from && match.End > match.Start;
    }
}

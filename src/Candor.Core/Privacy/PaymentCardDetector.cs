namespace Candor.Core.Privacy;

/// <summary>Finds payment card numbers: 13 to 19 digits, optionally in groups split by single spaces or dashes, with
/// an issuer prefix and length of a known scheme, that pass the Luhn check.</summary>
/// <remarks>The prefix and Luhn checks together keep random ids out: a random 16-digit number passes both about
/// once in a hundred, and ticks, Unix times and snowflake ids start with digits no scheme uses. A run longer than 19
/// digits is an id, not a card; inside a run of groups every window of whole groups (each at least three digits) is
/// tried, so a count in front of a card cannot hide it.</remarks>
internal static class PaymentCardDetector
{
    private const int MinimumDigits = 13;
    private const int MaximumDigits = 19;
    private const int MaximumGroups = 24;

    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        Span<int> groupStarts = stackalloc int[MaximumGroups];
        Span<int> groupEnds = stackalloc int[MaximumGroups];
        var i = from;
        while (i < s.Length)
        {
            if (!Chars.IsDigit(s[i]))
            {
                i++;
                continue;
            }

            var groups = DigitGroups.Collect(s, i, groupStarts, groupEnds, national: false, out var pos, out var tooMany);
            if (!tooMany && TryWindows(s, groupStarts.Slice(0, groups), groupEnds.Slice(0, groups), out match))
            {
                return true;
            }

            i = Math.Max(pos, i + 1);
        }

        match = default;
        return false;
    }

    private static bool TryWindows(ReadOnlySpan<char> s, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, out Candidate match)
    {
        for (var first = 0; first < starts.Length; first++)
        {
            // A window inside a run starts after a space: dash-grouped runs (GUIDs, dates) are tried whole only.
            if (first > 0 ? s[starts[first] - 1] != ' ' : !IsStartBoundary(s, starts[first]))
            {
                continue;
            }

            var digits = 0;
            var bestEnd = -1;
            for (var last = first; last < starts.Length; last++)
            {
                var length = ends[last] - starts[last];
                if (starts.Length > 1 && length < 3)
                {
                    break;
                }

                digits += length;
                if (digits > MaximumDigits)
                {
                    break;
                }

                var endsWindow = last == starts.Length - 1 ? IsEndBoundary(s, ends[last]) : s[ends[last]] == ' ';
                if (digits >= MinimumDigits && endsWindow &&
                    IsCard(s.Slice(starts[first], ends[last] - starts[first]), digits))
                {
                    bestEnd = ends[last];
                }
            }

            if (bestEnd > 0)
            {
                match = new Candidate(PiiKind.PaymentCard, starts[first], bestEnd);
                return true;
            }
        }

        match = default;
        return false;
    }

    private static bool IsStartBoundary(ReadOnlySpan<char> s, int start)
    {
        var prev = Chars.At(s, start - 1);
        return !Chars.IsWord(prev) && prev != '_' && prev != '.' && prev != '+' && prev != '/';
    }

    private static bool IsEndBoundary(ReadOnlySpan<char> s, int end)
    {
        var next = Chars.At(s, end);
        return !Chars.IsWord(next) && next != '_' && !((next == '.' || next == '/') && Chars.IsDigit(Chars.At(s, end + 1)));
    }

    private static bool IsCard(ReadOnlySpan<char> text, int digits)
    {
        Span<byte> d = stackalloc byte[MaximumDigits];
        var n = 0;
        foreach (var c in text)
        {
            if (Chars.IsDigit(c))
            {
                d[n++] = (byte)(c - '0');
            }
        }

        return HasKnownPrefix(d.Slice(0, n), digits) && PassesLuhn(d.Slice(0, n));
    }

    internal static bool PassesLuhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            int value = digits[i];
            if (doubled)
            {
                value *= 2;
                if (value > 9)
                {
                    value -= 9;
                }
            }

            sum += value;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    /// <summary>Issuer prefixes and lengths of the card schemes in wide use.</summary>
    private static bool HasKnownPrefix(ReadOnlySpan<byte> d, int length)
    {
        var p2 = (d[0] * 10) + d[1];
        var p3 = (p2 * 10) + d[2];
        var p4 = (p3 * 10) + d[3];
        var sixteenToNineteen = length is >= 16 and <= 19;
        return d[0] switch
        {
            4 => length is 13 or 16 or 19, // Visa
            2 => (p4 is >= 2221 and <= 2720 && length == 16) || // Mastercard 2-series
                 (p4 is >= 2200 and <= 2204 && sixteenToNineteen), // Mir
            5 => (p2 is >= 51 and <= 55 && length == 16) || // Mastercard
                 ((p4 is 5018 or 5020 or 5038 or 5893) && length >= 13), // Maestro
            3 => (p2 is 34 or 37 && length == 15) || // American Express
                 (p4 is >= 3528 and <= 3589 && sixteenToNineteen) || // JCB
                 ((p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39) && length >= 14), // Diners Club
            6 => ((p4 == 6011 || p3 is >= 644 and <= 649 || p2 == 65 || p2 == 62) && sixteenToNineteen) || // Discover, UnionPay
                 ((p4 is 6304 or 6759 or 6761 or 6762 or 6763) && length >= 13), // Maestro
            _ => false,
        };
    }
}

namespace Candor.Core.Privacy;

/// <summary>Reads a run of digit groups joined by single separators ("4111 1111 1111 1111", "529.982.247-25"), the
/// shape that card and national-number detectors both start from.</summary>
internal static class DigitGroups
{
    /// <summary>Collects the groups from <paramref name="pos"/> into <paramref name="starts"/> and
    /// <paramref name="ends"/>, up to their length.</summary>
    /// <param name="s">The text.</param>
    /// <param name="pos">The first digit.</param>
    /// <param name="starts">Receives where each group starts.</param>
    /// <param name="ends">Receives where each group ends.</param>
    /// <param name="national">Also join by dots and slashes, and let Corsica's 2A and 2B stand in a group, as national
    /// numbers are written; cards join by spaces and dashes only.</param>
    /// <param name="end">Where the last collected group ends.</param>
    /// <param name="full">Whether the run goes on beyond the groups collected.</param>
    /// <returns>The number of groups collected.</returns>
    public static int Collect(ReadOnlySpan<char> s, int pos, Span<int> starts, Span<int> ends, bool national, out int end, out bool full)
    {
        var groups = 0;
        while (true)
        {
            starts[groups] = pos;
            pos = national ? NationalGroupEnd(s, pos) : DigitsEnd(s, pos);
            ends[groups] = pos;
            groups++;
            var separator = Chars.At(s, pos);
            var joins = separator is ' ' or '-' || (national && separator is '.' or '/');
            if (!joins || !Chars.IsDigit(Chars.At(s, pos + 1)))
            {
                end = pos;
                full = false;
                return groups;
            }

            if (groups == starts.Length)
            {
                end = pos;
                full = true;
                return groups;
            }

            pos++;
        }
    }

    private static int DigitsEnd(ReadOnlySpan<char> s, int pos)
    {
        while (Chars.IsDigit(Chars.At(s, pos)))
        {
            pos++;
        }

        return pos;
    }

    /// <summary>A digit, or the A or B of Corsica's departments 2A and 2B right after a 2.</summary>
    private static int NationalGroupEnd(ReadOnlySpan<char> s, int pos)
    {
        while (pos < s.Length)
        {
            var c = s[pos];
            if (Chars.IsDigit(c) || ((c == 'A' || c == 'B') && Chars.At(s, pos - 1) == '2' && !Chars.IsAsciiLetter(Chars.At(s, pos + 1))))
            {
                pos++;
                continue;
            }

            break;
        }

        return pos;
    }
}

namespace Candor.Core.Privacy;

/// <summary>Finds national numbers that mix letters and digits: the UK National Insurance number and the Indian
/// PAN.</summary>
/// <remarks>
/// <para>NINO: two prefix letters HMRC allocates (not D, F, I, Q, U or V; not O second; not BG, GB, KN, NK, NT, TN or
/// ZZ), six digits (<c>123456</c> or <c>12 34 56</c>) and the suffix A–D, in one letter case. Without the suffix the
/// shape is too common (<c>AB123456</c> is any product code), so it is reported only next to a word for it.</para>
/// <para>PAN: five letters, four digits, a letter, upper case; the fourth letter is the holder's type (P for a
/// person, C H F A T B L J G for others). In lower case only next to the word PAN.</para>
/// </remarks>
internal static class LetterIdDetector
{
    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        for (var i = from; i < s.Length; i++)
        {
            if (!Chars.IsAsciiLetter(s[i]) || !IsBoundary(Chars.At(s, i - 1)))
            {
                continue;
            }

            int end;
            if (TryNino(s, i, out end) || TryPan(s, i, out end))
            {
                match = new Candidate(PiiKind.NationalId, i, end);
                return true;
            }

            // Nothing starts inside a word.
            while (i + 1 < s.Length && Chars.IsAsciiAlnum(s[i + 1]))
            {
                i++;
            }
        }

        match = default;
        return false;
    }

    private static bool TryNino(ReadOnlySpan<char> s, int i, out int end)
    {
        end = 0;
        var first = s[i];
        var second = Chars.At(s, i + 1);
        var upper = Chars.IsUpper(first);
        if (!SameCase(second, upper) || !IsNinoPrefix((char)(first & ~0x20), (char)(second & ~0x20)))
        {
            return false;
        }

        // Six digits, together or in pairs split by one kind of separator; the prefix may be followed by that
        // separator too.
        var pos = i + 2;
        var separator = Chars.At(s, pos) is ' ' or '-' ? s[pos] : '\0';
        if (separator != '\0')
        {
            pos++;
        }

        var digits = 0;
        while (digits < 6)
        {
            if (!Chars.IsDigit(Chars.At(s, pos)) || !Chars.IsDigit(Chars.At(s, pos + 1)))
            {
                return false;
            }

            pos += 2;
            digits += 2;
            if (digits < 6 && separator != '\0' && Chars.At(s, pos) == separator && Chars.IsDigit(Chars.At(s, pos + 1)))
            {
                pos++;
            }
        }

        if (Chars.IsDigit(Chars.At(s, pos)))
        {
            return false;
        }

        var suffixAt = Chars.At(s, pos) is ' ' or '-' ? pos + 1 : pos;
        var suffix = Chars.At(s, suffixAt);
        if (SameCase(suffix, upper) && (char)(suffix & ~0x20) is 'A' or 'B' or 'C' or 'D' && IsEnd(Chars.At(s, suffixAt + 1)))
        {
            end = suffixAt + 1;
            return true;
        }

        if (!IsEnd(Chars.At(s, pos)) || (IdContext.KeywordsAround(s, i, pos) & IdClass.Nino) == 0)
        {
            return false;
        }

        end = pos;
        return true;
    }

    private static bool TryPan(ReadOnlySpan<char> s, int i, out int end)
    {
        end = i + 10;
        var upper = Chars.IsUpper(s[i]);
        for (var k = 0; k < 10; k++)
        {
            var c = Chars.At(s, i + k);
            var wantLetter = k < 5 || k == 9;
            if (wantLetter ? !SameCase(c, upper) : !Chars.IsDigit(c))
            {
                return false;
            }
        }

        return (char)(s[i + 3] & ~0x20) is 'P' or 'C' or 'H' or 'F' or 'A' or 'T' or 'B' or 'L' or 'J' or 'G' && IsEnd(Chars.At(s, end)) &&
               (upper || (IdContext.KeywordsAround(s, i, end) & IdClass.Pan) != 0);
    }

    private static bool IsNinoPrefix(char first, char second) =>
        first is >= 'A' and <= 'Z' and not ('D' or 'F' or 'I' or 'Q' or 'U' or 'V') &&
        second is >= 'A' and <= 'Z' and not ('D' or 'F' or 'I' or 'Q' or 'U' or 'V' or 'O') &&
        (first, second) switch
        {
            ('B', 'G') or ('G', 'B') or ('K', 'N') or ('N', 'K') or ('N', 'T') or ('T', 'N') or ('Z', 'Z') => false,
            _ => true,
        };

    private static bool SameCase(char c, bool upper) => upper ? Chars.IsUpper(c) : Chars.IsLower(c);

    private static bool IsBoundary(char c) => c == Chars.None || !(Chars.IsAsciiAlnum(c) || c is '_' or '-' or '.' or '/' or '\\' or '@' or '$');

    private static bool IsEnd(char c) =>
        c == Chars.None || !(Chars.IsAsciiAlnum(c) || c is '_' or '@' or '/' or '\\' || (c > 127 && !Chars.IsSpacelessBoundary(c)));
}

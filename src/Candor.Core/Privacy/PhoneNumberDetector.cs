namespace Candor.Core.Privacy;

/// <summary>Finds telephone numbers in the shapes people write them, while leaving the digit groups of machine data
/// alone.</summary>
/// <remarks>
/// <para>Accepted shapes:</para>
/// <list type="bullet">
/// <item>International: <c>+</c>, a country code, then groups split by single spaces, dashes or dots (or a
/// parenthesised trunk such as <c>(0)</c>), 8 to 15 digits in all (E.164). Dots need three or more groups, so a
/// signed decimal (<c>+3.14159265</c>) is not a number to call.</item>
/// <item>North American: <c>(555) 123-4567</c>, <c>555-123-4567</c>, <c>555.123.4567</c>, <c>555 123 4567</c>,
/// optionally after <c>1-</c> or <c>1 </c>; the area code cannot start with 0 or 1.</item>
/// <item>National with a trunk zero: <c>020 7946 0958</c>, <c>07700 900123</c>, <c>030-12345678</c>, or dialled out
/// with <c>00</c>: <c>0044 20 7946 0958</c>; and the French pairs <c>06 12 34 56 78</c>.</item>
/// </list>
/// <para>Digits without any separator are reported only after a <c>+</c>: a bare run of digits is a count, a
/// duration or an id far more often than a phone number. Dates (4-2-2), GUIDs, versions and times never have these
/// group shapes, and a number glued to letters, dots or dashes is part of something else.</para>
/// </remarks>
internal static class PhoneNumberDetector
{
    private const int MinimumInternationalDigits = 8;
    private const int MaximumDigits = 15;

    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        for (var i = from; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '+' && c != '(' && !Chars.IsDigit(c))
            {
                continue;
            }

            if (IsStartBoundary(Chars.At(s, i - 1)) && TryMatch(s, i, out var end))
            {
                match = new Candidate(PiiKind.PhoneNumber, i, end);
                return true;
            }

            // Nothing starts inside a run of digits.
            while (Chars.IsDigit(Chars.At(s, i + 1)))
            {
                i++;
            }
        }

        match = default;
        return false;
    }

    private static bool IsStartBoundary(char c) =>
        c == Chars.None || Chars.IsWhiteSpace(c) || c == '(' || c == '[' || c == '{' || c == '"' || c == '\'' ||
        c == ':' || c == '=' || c == ',' || c == ';' || c == '<' || c == '>' || (c > 127 && Chars.IsSpacelessBoundary(c));

    private static bool IsEndBoundary(ReadOnlySpan<char> s, int end)
    {
        var next = Chars.At(s, end);
        if (Chars.IsWord(next) || next == '_' || next == '@' || next == '+')
        {
            return false;
        }

        // "555-123-4567-89", "...4567.5" and "...4567:30" continue into something that is not a phone number.
        return !((next == '-' || next == '.' || next == ':' || next == '/') && Chars.IsDigit(Chars.At(s, end + 1)));
    }

    private static bool TryMatch(ReadOnlySpan<char> s, int i, out int end)
    {
        var c = s[i];
        if (c == '+')
        {
            return TryInternational(s, i + 1, out end);
        }

        if (c == '(')
        {
            return TryNorthAmericanParenthesised(s, i, out end);
        }

        if (TryNorthAmerican(s, i, out end))
        {
            return true;
        }

        return c == '0' && (TryTrunk(s, i, out end) || TryPairs(s, i, out end));
    }

    /// <summary>The French national shape: five pairs of digits, the first a trunk zero and a non-zero digit, split
    /// by one kind of separator (<c>06 12 34 56 78</c>, <c>01.23.45.67.89</c>).</summary>
    private static bool TryPairs(ReadOnlySpan<char> s, int pos, out int end)
    {
        end = 0;
        var separator = Chars.At(s, pos + 2);
        if (Chars.At(s, pos + 1) == '0' || (separator != ' ' && separator != '.' && separator != '-'))
        {
            return false;
        }

        for (var pair = 0; pair < 5; pair++)
        {
            var at = pos + (pair * 3);
            if (CountDigits(s, at) != 2 || (pair < 4 && Chars.At(s, at + 2) != separator))
            {
                return false;
            }
        }

        end = pos + 14;
        return IsEndBoundary(s, end);
    }

    private static bool TryInternational(ReadOnlySpan<char> s, int pos, out int end)
    {
        end = 0;
        var first = Chars.At(s, pos);
        if (!Chars.IsDigit(first) || first == '0')
        {
            return false;
        }

        var digits = 0;
        var groups = 0;
        var dots = 0;
        var best = -1;
        while (true)
        {
            if (Chars.At(s, pos) == '(')
            {
                var inner = CountDigits(s, pos + 1);
                if (inner is < 1 or > 4 || Chars.At(s, pos + 1 + inner) != ')')
                {
                    break;
                }

                digits += inner;
                pos += inner + 2;
            }
            else
            {
                var run = CountDigits(s, pos);
                if (run == 0)
                {
                    break;
                }

                digits += run;
                pos += run;
            }

            groups++;
            if (digits > MaximumDigits)
            {
                break;
            }

            // Remember the longest prefix that is a whole number, so a count written after it cannot spoil it.
            if (digits >= MinimumInternationalDigits && (dots == 0 || groups >= 3) && IsEndBoundary(s, pos))
            {
                best = pos;
            }

            var separator = Chars.At(s, pos);
            var after = Chars.At(s, pos + 1);
            if ((separator == ' ' || separator == '-' || separator == '.') && (Chars.IsDigit(after) || after == '('))
            {
                dots += separator == '.' ? 1 : 0;
                pos++;
            }
            else if (separator != '(' && !(Chars.IsDigit(separator) && s[pos - 1] == ')'))
            {
                // A group may follow a parenthesised trunk directly: "+44 (0)20 7946 0958".
                break;
            }
        }

        end = best;
        return best > 0;
    }

    private static bool TryNorthAmerican(ReadOnlySpan<char> s, int pos, out int end)
    {
        end = 0;

        // The country code "1" is optional; a number without it is tried too.
        if (s[pos] == '1' && IsSeparator(Chars.At(s, pos + 1)) && Chars.At(s, pos + 1) != '.')
        {
            var next = Chars.At(s, pos + 2);
            if (next == '(' && TryNorthAmericanParenthesised(s, pos + 2, out end))
            {
                return true;
            }

            if (TryNorthAmericanGroups(s, pos + 2, out end))
            {
                return true;
            }
        }

        return TryNorthAmericanGroups(s, pos, out end);
    }

    private static bool TryNorthAmericanGroups(ReadOnlySpan<char> s, int pos, out int end)
    {
        end = 0;
        if (CountDigits(s, pos) != 3 || !IsAreaCodeStart(s[pos]))
        {
            return false;
        }

        var first = Chars.At(s, pos + 3);
        if (!IsSeparator(first) || CountDigits(s, pos + 4) != 3)
        {
            return false;
        }

        var second = Chars.At(s, pos + 7);
        if (!IsSeparator(second) || CountDigits(s, pos + 8) != 4 || (first == '.') != (second == '.'))
        {
            return false;
        }

        end = pos + 12;
        return IsEndBoundary(s, end);
    }

    private static bool TryNorthAmericanParenthesised(ReadOnlySpan<char> s, int pos, out int end)
    {
        end = 0;
        if (CountDigits(s, pos + 1) != 3 || !IsAreaCodeStart(s[pos + 1]) || Chars.At(s, pos + 4) != ')')
        {
            return false;
        }

        var i = pos + 5;
        if (Chars.At(s, i) == ' ')
        {
            i++;
        }

        if (CountDigits(s, i) != 3)
        {
            return false;
        }

        i += 3;
        if (IsSeparator(Chars.At(s, i)))
        {
            i++;
        }

        if (CountDigits(s, i) != 4)
        {
            return false;
        }

        end = i + 4;
        return IsEndBoundary(s, end);
    }

    private static bool TryTrunk(ReadOnlySpan<char> s, int pos, out int end)
    {
        // "00" dials out and a country code follows; a trunk "0" is followed by an area code. Neither starts with 0.
        var international = Chars.At(s, pos + 1) == '0';
        if (Chars.At(s, pos + (international ? 2 : 1)) == '0')
        {
            end = 0;
            return false;
        }

        var digits = 0;
        var groups = 0;
        var best = -1;
        while (true)
        {
            var run = CountDigits(s, pos);
            if ((groups == 0 && run is < 3 or > 5) || (groups > 0 && run is < 2 or > 8))
            {
                break;
            }

            digits += run;
            pos += run;
            groups++;
            if (digits > MaximumDigits)
            {
                break;
            }

            var enough = international ? digits is >= 12 and <= MaximumDigits : digits is 10 or 11;
            if (groups >= 2 && enough && IsEndBoundary(s, pos))
            {
                best = pos;
            }

            var separator = Chars.At(s, pos);
            if ((separator == ' ' || separator == '-') && Chars.IsDigit(Chars.At(s, pos + 1)))
            {
                pos++;
            }
            else
            {
                break;
            }
        }

        end = best;
        return best > 0;
    }

    private static bool IsSeparator(char c) => c == ' ' || c == '-' || c == '.';

    private static bool IsAreaCodeStart(char c) => c is >= '2' and <= '9';

    private static int CountDigits(ReadOnlySpan<char> s, int pos)
    {
        var count = 0;
        while (Chars.IsDigit(Chars.At(s, pos + count)))
        {
            count++;
        }

        return count;
    }
}

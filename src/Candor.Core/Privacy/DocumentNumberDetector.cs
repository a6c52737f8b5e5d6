namespace Candor.Core.Privacy;

/// <summary>Finds passport, driving licence and identity card numbers next to a word that names the document, in
/// the languages of the markets Candor ships to (<c>passport</c>, <c>Reisepass</c>, <c>passeport</c>,
/// <c>paspoort</c>, <c>pasaporte</c>, <c>旅券</c>, <c>パスポート</c>; <c>driver's license</c>, <c>DL</c>,
/// <c>Führerschein</c>, <c>permis de conduire</c>, <c>rijbewijs</c>, <c>運転免許証</c>; <c>Personalausweis</c>,
/// <c>ID card</c>, <c>carte d'identité</c>, ...; see <see cref="IdContext"/>).</summary>
/// <remarks>
/// <para>Document numbers have no common shape, so the word is required: a number is the first token with a digit
/// after the word, across punctuation and up to four words ("Passport number of holder: X1234567"), within 40
/// characters; or the token right before it ("X1234567 (passport)"). Only the number is reported, so the word stays
/// readable.</para>
/// <para>A token is 6 to 20 letters and digits (groups joined by single dashes or spaces count as one, as in
/// <c>A123-456-78-901-0</c>), holds a digit, and is not something else that happens to stand there: a date, a
/// version or decimal, a hex code or digest, a size or duration with its unit, a dimension (<c>1920x1080</c>).
/// Lower-case tokens need five digits, which keeps identifiers such as <c>sha256</c> out.</para>
/// </remarks>
internal static class DocumentNumberDetector
{
    private const int Window = 40;
    private const int MaxFillerWords = 4;
    private const int MinLength = 6;
    private const int MaxLength = 20;

    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        // A keyword up to a window before "from" can still name a number after it.
        for (var i = Math.Max(0, from - Window); i < s.Length; i++)
        {
            var named = IdContext.KeywordAt(s, i, s.Length, out var keywordEnd) & IdClass.Documents;
            if (named == IdClass.None)
            {
                continue;
            }

            var kind = (named & IdClass.Passport) != 0 ? PiiKind.PassportNumber
                : (named & IdClass.Licence) != 0 ? PiiKind.DriversLicenseNumber
                : PiiKind.NationalId;
            if ((TryAfter(s, keywordEnd, out var start, out var end) || TryBefore(s, i, out start, out end)) && start >= from)
            {
                match = new Candidate(kind, start, end);
                return true;
            }

            i = keywordEnd - 1;
        }

        match = default;
        return false;
    }

    private static bool TryAfter(ReadOnlySpan<char> s, int pos, out int start, out int end)
    {
        var limit = Math.Min(s.Length, pos + Window);
        var words = 0;
        while (pos < limit)
        {
            var c = s[pos];
            if (!Chars.IsAsciiAlnum(c))
            {
                if (c > 127 && char.IsLetter(c))
                {
                    // A word of another script ("番号", "numéro") between the keyword and the number.
                    while (pos < s.Length && s[pos] > 127 && char.IsLetter(s[pos]))
                    {
                        pos++;
                    }

                    words++;
                }
                else
                {
                    pos++;
                }

                if (words > MaxFillerWords)
                {
                    break;
                }

                continue;
            }

            var runEnd = TokenEnd(s, pos);
            if (HasDigit(s, pos, runEnd))
            {
                start = pos;
                end = runEnd;
                return IsDocumentNumber(s, start, end);
            }

            if (IsSerialWithoutDigits(s, pos, runEnd))
            {
                start = pos;
                end = runEnd;
                return true;
            }

            // Letters only: "number", "No", "Nr", "of", "holder". A letter run glued to digits is a token too.
            pos = runEnd;
            if (++words > MaxFillerWords)
            {
                break;
            }
        }

        start = end = 0;
        return false;
    }

    /// <summary>The number right before the keyword, across punctuation and up to two words
    /// ("X1234567 (numéro de passeport)"); dash-joined groups count as one ("A123-456-78-901-0 (DL)").</summary>
    private static bool TryBefore(ReadOnlySpan<char> s, int keywordStart, out int start, out int end)
    {
        start = end = 0;
        var pos = keywordStart;
        var words = 0;
        var skipped = 0;
        while (pos > 0 && skipped < 4)
        {
            var c = s[pos - 1];
            if (c is ' ' or '(' or '[' or ',' or ':' or '-' or '/' or '\'' or '"')
            {
                pos--;
                skipped++;
                continue;
            }

            var wordStart = pos;
            while (wordStart > 0 && Chars.IsLetter(s[wordStart - 1]))
            {
                wordStart--;
            }

            if (wordStart == pos || words == 2 || Chars.IsDigit(Chars.At(s, wordStart - 1)))
            {
                break;
            }

            pos = wordStart;
            words++;
            skipped = 0;
        }

        end = pos;
        while (pos > 0 && (Chars.IsAsciiAlnum(s[pos - 1]) || (s[pos - 1] == '-' && pos - 2 >= 0 && Chars.IsAsciiAlnum(s[pos - 2]) && Chars.IsAsciiAlnum(s[pos]))))
        {
            pos--;
        }

        start = pos;
        return end > start && (HasDigit(s, start, end) ? IsDocumentNumber(s, start, end) : IsSerialWithoutDigits(s, start, end));
    }

    /// <summary>The end of the alphanumeric run at <paramref name="pos"/>, across single dashes or spaces between groups
    /// that hold digits, up to <see cref="MaxLength"/> letters and digits. A word before the number ("nummer") is not
    /// joined to it.</summary>
    private static int TokenEnd(ReadOnlySpan<char> s, int pos)
    {
        var count = 0;
        var start = pos;
        while (true)
        {
            while (pos < s.Length && Chars.IsAsciiAlnum(s[pos]))
            {
                pos++;
                count++;
            }

            var separator = Chars.At(s, pos);
            if (separator is not ('-' or ' ') || !Chars.IsAsciiAlnum(Chars.At(s, pos + 1)) || !HasDigit(s, start, pos))
            {
                return pos;
            }

            var next = pos + 1;
            var groupEnd = next;
            while (groupEnd < s.Length && Chars.IsAsciiAlnum(s[groupEnd]))
            {
                groupEnd++;
            }

            if (!HasDigit(s, next, groupEnd) || count + (groupEnd - next) > MaxLength)
            {
                return pos;
            }

            pos = next;
        }
    }

    /// <summary>German passport and ID card numbers use the letters C F G H J K L M N P R T V W X Y Z and digits, nine
    /// of them (ten with the check digit), so a few have no digit at all (<c>WXCLRTPWV</c>). Without vowels, no word of
    /// any language is made of them.</summary>
    private static bool IsSerialWithoutDigits(ReadOnlySpan<char> s, int start, int end)
    {
        if (end - start is not (9 or 10))
        {
            return false;
        }

        for (var k = start; k < end; k++)
        {
            if ("CFGHJKLMNPRTVWXYZ".IndexOf(s[k]) < 0)
            {
                return false;
            }
        }

        var after = Chars.At(s, end);
        return !Chars.IsAsciiAlnum(Chars.At(s, start - 1)) && !Chars.IsAsciiAlnum(after) && after is not ('_' or '@') &&
               !(after == '.' && Chars.IsAsciiAlnum(Chars.At(s, end + 1)));
    }

    private static bool IsDocumentNumber(ReadOnlySpan<char> s, int start, int end)
    {
        int length = 0, digits = 0, lower = 0, hexLetters = 0, dashes = 0;
        for (var k = start; k < end; k++)
        {
            var c = s[k];
            if (c is '-' or ' ')
            {
                dashes += c == '-' ? 1 : 0;
                continue;
            }

            length++;
            digits += Chars.IsDigit(c) ? 1 : 0;
            lower += Chars.IsLower(c) ? 1 : 0;
            hexLetters += Chars.IsHex(c) && !Chars.IsDigit(c) ? 1 : 0;
        }

        var letters = length - digits;
        if (length is < MinLength or > MaxLength || digits == 0 || (digits < 2 && length < 8) || (lower > 0 && digits < 5))
        {
            return false;
        }

        // Hex codes and digests: 0x80070005, lower-case hex.
        if ((s[start] == '0' && (Chars.At(s, start + 1) | 0x20) == 'x') || (lower > 0 && hexLetters == letters && letters > 0))
        {
            return false;
        }

        // Versions, decimals, times, paths and addresses continue past the token.
        var before = Chars.At(s, start - 1);
        var after = Chars.At(s, end);
        if (before is '.' or '/' or '\\' or '@' or '_' or '$' || Chars.IsAsciiAlnum(before) ||
            after is '_' or '@' || Chars.IsAsciiAlnum(after) ||
            (after is '.' or ':' or '/' or ',' && Chars.IsAsciiAlnum(Chars.At(s, end + 1))))
        {
            return false;
        }

        if (letters == 0)
        {
            // Dates (2026-11-29, 29-11-2026) and counts or durations with a unit. Labels do not count here: after the
            // document's name, "ID" or "No" label the number itself ("passport ID 493274135").
            return !(dashes == 2 && end - start == 10) && !IdContext.HasUnitAfter(s, end);
        }

        return !IsMeasurement(s, start, end);
    }

    /// <summary>Digits with a unit glued to them (<c>1840ms</c>, <c>512MB</c>) or a dimension (<c>1920x1080</c>).
    /// </summary>
    private static bool IsMeasurement(ReadOnlySpan<char> s, int start, int end)
    {
        var k = start;
        while (k < end && Chars.IsDigit(s[k]))
        {
            k++;
        }

        if (k == start)
        {
            return false;
        }

        if ((s[k] | 0x20) == 'x' && k + 1 < end && Chars.IsDigit(s[k + 1]))
        {
            var m = k + 1;
            while (m < end && Chars.IsDigit(s[m]))
            {
                m++;
            }

            return m == end;
        }

        return IdContext.IsUnit(s.Slice(k, end - k));
    }

    private static bool HasDigit(ReadOnlySpan<char> s, int start, int end)
    {
        for (var k = start; k < end; k++)
        {
            if (Chars.IsDigit(s[k]))
            {
                return true;
            }
        }

        return false;
    }
}

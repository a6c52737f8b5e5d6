namespace Candor.Core.Privacy;

/// <summary>Finds national identification and tax numbers made of digits: US SSN and ITIN, UK NHS number, Canadian
/// SIN, German Steuer-ID, French NIR, Dutch BSN, Indian Aadhaar, Australian TFN, Japanese My Number, Brazilian CPF
/// and CNPJ. A number is reported when it is written in one of its issuer's layouts (or without separators) and
/// passes the issuer's rules: check digits where the number has them, the SSA's never-issued areas, groups and
/// serials for an SSN.</summary>
/// <remarks>
/// <para>Digits are read in groups joined by one space, dash, dot or slash. Every window of whole groups is tried
/// (longest first wins), but a window inside a run of space-separated groups must itself use another separator
/// or be a single group: <c>1 046 454 286</c> is a count with thousands separators, not a SIN after a 1.</para>
/// <para>Words around the number steer it (<see cref="IdContext"/>): a name such as "SIN" or "Steuer-ID" limits the
/// number to that class and lets an SSN be written without dashes; without such a name, a label or unit that makes
/// the number machine data ("order #", "ts=", "ms", "bytes") rules out numbers whose check digit alone would pass a
/// random id one time in ten (SIN, TFN, BSN, NHS, Aadhaar, My Number). A number in a strong layout (SSN 123-45-6789,
/// CPF 123.456.789-09, CNPJ 12.345.678/0001-95, a spaced NIR) is reported whatever the label.</para>
/// <para>Shapes that stay out: dates (<c>2026-11-29</c>), times, versions and decimals (a dot or colon followed by a
/// digit continues them), GUIDs and hex (letters beside the digits), negative numbers, amounts after a currency sign,
/// and runs of more than 15 digits (ticks, snowflake ids).</para>
/// </remarks>
internal static class NationalNumberDetector
{
    private const int MaxGroups = 8;
    private const int MaxDigits = 15;

    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        Span<int> starts = stackalloc int[MaxGroups];
        Span<int> ends = stackalloc int[MaxGroups];
        var i = from;
        while (i < s.Length)
        {
            if (!Chars.IsDigit(s[i]))
            {
                i++;
                continue;
            }

            var groups = DigitGroups.Collect(s, i, starts, ends, national: true, out var pos, out var continues);
            if (TryWindows(s, starts.Slice(0, groups), ends.Slice(0, groups), continues, out match) && match.Start >= from)
            {
                return true;
            }

            // A long run is taken again from its last group, so windows that straddle the cut are still tried.
            i = continues ? starts[groups - 1] : Math.Max(pos, i + 1);
        }

        match = default;
        return false;
    }

    private static bool TryWindows(ReadOnlySpan<char> s, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, bool continues, out Candidate match)
    {
        for (var first = 0; first < starts.Length; first++)
        {
            if (first == 0 ? !IsStartBoundary(s, starts[0]) : s[starts[first] - 1] != ' ')
            {
                continue;
            }

            var digits = 0;
            var spacedOnly = true;
            var bestEnd = -1;
            for (var last = first; last < starts.Length; last++)
            {
                digits += ends[last] - starts[last];
                if (digits > MaxDigits)
                {
                    break;
                }

                spacedOnly &= last == first || s[starts[last] - 1] == ' ';
                var runEnd = last == starts.Length - 1 && !continues;
                if (digits < 8 || !(runEnd ? IsEndBoundary(s, ends[last]) : s[ends[last]] == ' '))
                {
                    continue;
                }

                // Space-separated groups inside a longer space-separated run are thousands, not a number of their own.
                if (last > first && spacedOnly && !(first == 0 && runEnd))
                {
                    continue;
                }

                if (IsNationalNumber(s, starts.Slice(first, last - first + 1), ends.Slice(first, last - first + 1), digits))
                {
                    bestEnd = ends[last];
                }
            }

            if (bestEnd > 0)
            {
                match = new Candidate(PiiKind.NationalId, starts[first], bestEnd);
                return true;
            }
        }

        match = default;
        return false;
    }

    private static bool IsNationalNumber(ReadOnlySpan<char> s, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int length)
    {
        Span<byte> d = stackalloc byte[MaxDigits];
        Span<int> lengths = stackalloc int[MaxGroups];
        var n = 0;
        var corsica = 0;
        for (var g = 0; g < starts.Length; g++)
        {
            lengths[g] = ends[g] - starts[g];
            for (var k = starts[g]; k < ends[g]; k++)
            {
                var c = s[k];
                if (!Chars.IsDigit(c))
                {
                    // Only a French department 2A or 2B (Corsica) holds a letter, in the sixth and seventh place.
                    if (n != 6)
                    {
                        return false;
                    }

                    corsica = c == 'A' ? 1 : 2;
                    d[n++] = 0;
                    continue;
                }

                d[n++] = (byte)(c - '0');
            }
        }

        var digits = d.Slice(0, n);
        var layout = new Layout(s, starts, lengths.Slice(0, starts.Length));
        var start = starts[0];
        var end = ends[ends.Length - 1];
        var named = IdContext.KeywordsAround(s, start, end);
        var national = named & IdClass.National;
        var allowed = national != IdClass.None ? national : IdClass.National;
        var machine = national == IdClass.None && IdContext.IsMachineData(s, start, end);
        if (corsica != 0)
        {
            return length == 15 && (allowed & IdClass.Nir) != 0 &&
                   (layout.Bare || layout.Is(' ', 1, 2, 2, 2, 3, 3, 2) || layout.Is(' ', 13, 2)) &&
                   NationalIdChecks.IsNir(digits, corsica);
        }

        return length switch
        {
            8 => (national & IdClass.Bsn) != 0 && layout.Bare && NationalIdChecks.IsBsn(digits) ||
                 (national & IdClass.Tfn) != 0 && (layout.Bare || layout.IsAny(3, 3, 2)) && NationalIdChecks.IsTfn(digits),
            9 => IsNine(digits, layout, allowed, named, machine),
            10 => (allowed & IdClass.Nhs) != 0 && !machine && NationalIdChecks.IsNhs(digits) &&
                  (layout.Bare || (layout.IsAny(3, 3, 4) && ((national & IdClass.Nhs) != 0 || d[0] < 2))),
            11 => (allowed & IdClass.SteuerId) != 0 && (layout.Bare ? !machine : layout.Is(' ', 2, 3, 3, 3) || layout.Is(' ', 3, 3, 3, 2)) &&
                  NationalIdChecks.IsSteuerId(digits) ||
                  (allowed & IdClass.Cpf) != 0 && (layout.Bare ? !machine : layout.IsCpf()) && NationalIdChecks.IsCpf(digits),
            12 => !machine && (layout.Bare || layout.IsAny(4, 4, 4)) &&
                  ((allowed & IdClass.Aadhaar) != 0 && NationalIdChecks.IsAadhaar(digits) ||
                   (allowed & IdClass.MyNumber) != 0 && NationalIdChecks.IsMyNumber(digits)),
            14 => (allowed & IdClass.Cnpj) != 0 && (layout.Bare ? !machine && !IsDateTime(digits) : layout.IsCnpj()) &&
                  NationalIdChecks.IsCnpj(digits),
            15 => (allowed & IdClass.Nir) != 0 &&
                  (layout.Bare ? !machine : layout.Is(' ', 1, 2, 2, 2, 3, 3, 2) || layout.Is(' ', 13, 2)) &&
                  NationalIdChecks.IsNir(digits, 0),
            _ => false,
        };
    }

    private static bool IsNine(ReadOnlySpan<byte> d, Layout layout, IdClass allowed, IdClass named, bool machine)
    {
        // SSN and ITIN have no check digit: the dashed layout is their own, and without it a word must name them.
        var ssn = (allowed & (IdClass.Ssn | IdClass.Itin)) != 0 && (NationalIdChecks.IsSsn(d) || NationalIdChecks.IsItin(d));
        if (ssn && (layout.IsAny(3, 2, 4) || (layout.Bare && (named & (IdClass.Ssn | IdClass.Itin | IdClass.AnyNational)) != 0)))
        {
            return true;
        }

        if (machine)
        {
            return false;
        }

        var grouped = layout.Bare || layout.Is(' ', 3, 3, 3) || layout.Is('-', 3, 3, 3);
        return (allowed & IdClass.Sin) != 0 && grouped && NationalIdChecks.IsSin(d) ||
               (allowed & IdClass.Tfn) != 0 && grouped && NationalIdChecks.IsTfn(d) ||
               (allowed & IdClass.Bsn) != 0 && (layout.Bare || layout.Is('.', 4, 2, 3)) && NationalIdChecks.IsBsn(d);
    }

    /// <summary>yyyyMMddHHmmss: a compact timestamp, which a bare 14-digit CNPJ could otherwise be taken for.</summary>
    private static bool IsDateTime(ReadOnlySpan<byte> d)
    {
        var year = NationalIdChecks.Number(d, 0, 4);
        return year is >= 1970 and <= 2099 && NationalIdChecks.Number(d, 4, 2) is >= 1 and <= 12 &&
               NationalIdChecks.Number(d, 6, 2) is >= 1 and <= 31 && NationalIdChecks.Number(d, 8, 2) < 24 &&
               NationalIdChecks.Number(d, 10, 2) < 60 && NationalIdChecks.Number(d, 12, 2) < 60;
    }

    private static bool IsStartBoundary(ReadOnlySpan<char> s, int i)
    {
        var prev = Chars.At(s, i - 1);
        if (prev == Chars.None)
        {
            return true;
        }

        // Part of a word, decimal, path, phone number (+), negative number (-), amount or address.
        if (Chars.IsAsciiAlnum(prev) || prev is '_' or '.' or '+' or '/' or '\\' or '@' or '$' or '€' or '£' or '¥' or '-' or '&')
        {
            return false;
        }

        if ((prev == ':' || prev == ',') && Chars.IsDigit(Chars.At(s, i - 2)))
        {
            return false;
        }

        return prev < 128 || Chars.IsSpacelessBoundary(prev);
    }

    private static bool IsEndBoundary(ReadOnlySpan<char> s, int end)
    {
        var next = Chars.At(s, end);
        if (next == Chars.None)
        {
            return true;
        }

        if (Chars.IsAsciiAlnum(next) || next is '_' or '@')
        {
            return false;
        }

        // "…286.5", "…286-7", "…286:30", "…286/x", "…286.log", "1,234": the number goes on as something else.
        if (next is '.' or '-' or '/' or ':' or ',' && Chars.IsAsciiAlnum(Chars.At(s, end + 1)))
        {
            return false;
        }

        return next < 128 || Chars.IsSpacelessBoundary(next);
    }

    /// <summary>The group lengths of a window and the separators between them.</summary>
    private readonly ref struct Layout
    {
        private readonly ReadOnlySpan<char> _s;
        private readonly ReadOnlySpan<int> _starts;
        private readonly ReadOnlySpan<int> _lengths;

        public Layout(ReadOnlySpan<char> s, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths)
        {
            _s = s;
            _starts = starts;
            _lengths = lengths;
        }

        public bool Bare => _lengths.Length == 1;

        /// <summary>The group lengths, all separated by <paramref name="separator"/>.</summary>
        public bool Is(char separator, params ReadOnlySpan<int> lengths)
        {
            if (lengths.Length != _lengths.Length)
            {
                return false;
            }

            for (var g = 0; g < lengths.Length; g++)
            {
                if (_lengths[g] != lengths[g] || (g > 0 && Separator(g) != separator))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The group lengths with one separator throughout, a space, dash or dot.</summary>
        public bool IsAny(params ReadOnlySpan<int> lengths) =>
            _lengths.Length > 1 && Separator(1) is ' ' or '-' or '.' && Is(Separator(1), lengths);

        /// <summary>123.456.789-09, 123456789-09, or one separator throughout.</summary>
        public bool IsCpf() =>
            (IsLengths(3, 3, 3, 2) && Separator(1) == '.' && Separator(2) == '.' && Separator(3) == '-') ||
            (IsLengths(9, 2) && Separator(1) == '-') || IsAny(3, 3, 3, 2);

        /// <summary>12.345.678/0001-95 or 12345678/0001-95.</summary>
        public bool IsCnpj() =>
            (IsLengths(2, 3, 3, 4, 2) && Separator(1) == '.' && Separator(2) == '.' && Separator(3) == '/' && Separator(4) == '-') ||
            (IsLengths(8, 4, 2) && Separator(1) == '/' && Separator(2) == '-');

        private bool IsLengths(params ReadOnlySpan<int> lengths)
        {
            if (lengths.Length != _lengths.Length)
            {
                return false;
            }

            for (var g = 0; g < lengths.Length; g++)
            {
                if (_lengths[g] != lengths[g])
                {
                    return false;
                }
            }

            return true;
        }

        private char Separator(int group) => _s[_starts[group] - 1];
    }
}

namespace Candor.Core.Privacy;

/// <summary>The issuers' validity rules for national numbers, on digits given as values 0–9. Each rule is what the
/// issuer publishes; a number that fails it was never issued, so it is not reported as that number.</summary>
internal static class NationalIdChecks
{
    private static readonly byte[] VerhoeffMultiply =
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 0, 6, 7, 8, 9, 5, 2, 3, 4, 0, 1, 7, 8, 9, 5, 6, 3, 4, 0, 1, 2, 8, 9, 5, 6, 7,
        4, 0, 1, 2, 3, 9, 5, 6, 7, 8, 5, 9, 8, 7, 6, 0, 4, 3, 2, 1, 6, 5, 9, 8, 7, 1, 0, 4, 3, 2, 7, 6, 5, 9, 8, 2, 1, 0, 4, 3,
        8, 7, 6, 5, 9, 3, 2, 1, 0, 4, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
    ];

    private static readonly byte[] VerhoeffPermute =
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 5, 7, 6, 2, 8, 3, 0, 9, 4, 5, 8, 0, 3, 7, 9, 6, 1, 4, 2, 8, 9, 1, 6, 0, 4, 3, 5, 2, 7,
        9, 4, 5, 8, 3, 2, 7, 1, 6, 0, 4, 2, 8, 6, 5, 7, 3, 9, 0, 1, 2, 7, 9, 3, 8, 0, 6, 4, 1, 5, 7, 0, 4, 6, 9, 1, 3, 2, 5, 8,
    ];

    /// <summary>US SSN (SSA): area 001–899 but not 666, group 01–99, serial 0001–9999.</summary>
    public static bool IsSsn(ReadOnlySpan<byte> d)
    {
        var area = Number(d, 0, 3);
        return d.Length == 9 && area is > 0 and < 900 and not 666 && Number(d, 3, 2) > 0 && Number(d, 5, 4) > 0;
    }

    /// <summary>US ITIN (IRS): 9, then a group in 50–65, 70–88, 90–92 or 94–99.</summary>
    public static bool IsItin(ReadOnlySpan<byte> d) =>
        d.Length == 9 && d[0] == 9 && Number(d, 3, 2) is (>= 50 and <= 65) or (>= 70 and <= 88) or (>= 90 and <= 92) or >= 94;

    /// <summary>UK NHS number: weights 10 to 2 over nine digits, check 11 − (sum mod 11), 11 as 0; 10 is never
    /// issued.</summary>
    public static bool IsNhs(ReadOnlySpan<byte> d)
    {
        if (d.Length != 10)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += d[i] * (10 - i);
        }

        var check = 11 - (sum % 11);
        return check != 10 && (check == 11 ? 0 : check) == d[9];
    }

    /// <summary>Canadian SIN: nine digits passing Luhn.</summary>
    public static bool IsSin(ReadOnlySpan<byte> d) => d.Length == 9 && PaymentCardDetector.PassesLuhn(d);

    /// <summary>Dutch BSN "elfproef": 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11 (an 8-digit BSN has a leading
    /// zero dropped).</summary>
    public static bool IsBsn(ReadOnlySpan<byte> d)
    {
        if (d.Length is not (8 or 9))
        {
            return false;
        }

        var offset = 9 - d.Length;
        var sum = 0;
        for (var i = 0; i < d.Length - 1; i++)
        {
            sum += d[i] * (9 - offset - i);
        }

        sum -= d[d.Length - 1];
        return sum % 11 == 0 && sum > 0;
    }

    /// <summary>Australian TFN: weights 1,4,3,7,5,8,6,9,10 (nine digits) or 10,7,8,4,6,3,5,1 (eight), sum a multiple
    /// of 11.</summary>
    public static bool IsTfn(ReadOnlySpan<byte> d)
    {
        ReadOnlySpan<byte> nine = [1, 4, 3, 7, 5, 8, 6, 9, 10];
        ReadOnlySpan<byte> eight = [10, 7, 8, 4, 6, 3, 5, 1];
        var weights = d.Length == 9 ? nine : d.Length == 8 ? eight : default;
        if (weights.IsEmpty)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < d.Length; i++)
        {
            sum += d[i] * weights[i];
        }

        return sum % 11 == 0 && sum > 0;
    }

    /// <summary>German Steuer-ID: 11 digits, the first not 0; in the first ten one digit appears twice or three times
    /// and at least one not at all; the last is the ISO 7064 MOD 11,10 check digit.</summary>
    public static bool IsSteuerId(ReadOnlySpan<byte> d)
    {
        if (d.Length != 11 || d[0] == 0)
        {
            return false;
        }

        Span<byte> counts = stackalloc byte[10];
        for (var i = 0; i < 10; i++)
        {
            counts[d[i]]++;
        }

        int repeated = 0, missing = 0;
        foreach (var c in counts)
        {
            repeated += c > 1 ? 1 : 0;
            missing += c == 0 ? 1 : 0;
            if (c > 3)
            {
                return false;
            }
        }

        if (repeated != 1 || missing == 0)
        {
            return false;
        }

        var product = 10;
        for (var i = 0; i < 10; i++)
        {
            var sum = (d[i] + product) % 10;
            product = (sum == 0 ? 10 : sum) * 2 % 11;
        }

        var check = 11 - product;
        return (check == 10 ? 0 : check) == d[10];
    }

    /// <summary>French NIR: sex 1, 2 (or 3, 4, 7, 8 for provisional numbers), a month 01–12 or one of INSEE's
    /// placeholders (20–42, 50–99), then the key 97 − (13 digits mod 97). <paramref name="corsica"/> 1 or 2 means
    /// the department was 2A or 2B, which count as 19 and 18.</summary>
    public static bool IsNir(ReadOnlySpan<byte> d, int corsica)
    {
        if (d.Length != 15 || d[0] is not (1 or 2 or 3 or 4 or 7 or 8))
        {
            return false;
        }

        var month = Number(d, 3, 2);
        if (month is 0 or (> 12 and < 20) or (> 42 and < 50))
        {
            return false;
        }

        long body = 0;
        for (var i = 0; i < 13; i++)
        {
            var digit = d[i];
            if (corsica != 0 && i == 5)
            {
                digit = 1;
            }
            else if (corsica != 0 && i == 6)
            {
                digit = (byte)(corsica == 1 ? 9 : 8);
            }

            body = (body * 10) + digit;
        }

        return 97 - (body % 97) == Number(d, 13, 2);
    }

    /// <summary>Indian Aadhaar: 12 digits, the first 2–9, Verhoeff check digit.</summary>
    public static bool IsAadhaar(ReadOnlySpan<byte> d)
    {
        if (d.Length != 12 || d[0] < 2)
        {
            return false;
        }

        var c = 0;
        for (var i = 0; i < d.Length; i++)
        {
            c = VerhoeffMultiply[(c * 10) + VerhoeffPermute[((i % 8) * 10) + d[d.Length - 1 - i]]];
        }

        return c == 0;
    }

    /// <summary>Japanese My Number: 12 digits; check = 11 − (Σ Pn·Qn mod 11) or 0 when the remainder is 0 or 1,
    /// with Pn the n-th digit from the right before the check digit and Qn = n + 1 for n ≤ 6, n − 5 above.</summary>
    public static bool IsMyNumber(ReadOnlySpan<byte> d)
    {
        if (d.Length != 12)
        {
            return false;
        }

        var sum = 0;
        for (var n = 1; n <= 11; n++)
        {
            sum += d[11 - n] * (n <= 6 ? n + 1 : n - 5);
        }

        var remainder = sum % 11;
        return (remainder <= 1 ? 0 : 11 - remainder) == d[11];
    }

    /// <summary>Brazilian CPF: two mod-11 check digits (weights 10..2, then 11..2); a number of one repeated digit
    /// passes the arithmetic but is never issued.</summary>
    public static bool IsCpf(ReadOnlySpan<byte> d) =>
        d.Length == 11 && !AllSame(d) && ModElevenDigit(d.Slice(0, 9), 10) == d[9] && ModElevenDigit(d.Slice(0, 10), 11) == d[10];

    /// <summary>Brazilian CNPJ: two mod-11 check digits with weights 5..2,9..2 and 6..2,9..2.</summary>
    public static bool IsCnpj(ReadOnlySpan<byte> d)
    {
        if (d.Length != 14 || AllSame(d))
        {
            return false;
        }

        ReadOnlySpan<byte> weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        return WeightedModEleven(d.Slice(0, 12), weights.Slice(1)) == d[12] && WeightedModEleven(d.Slice(0, 13), weights) == d[13];
    }

    /// <summary>ICAO 9303 check digit (weights 7, 3, 1; A = 10 … Z = 35) over all characters but the last: the
    /// German ID card number.</summary>
    public static bool PassesIcao(ReadOnlySpan<char> text)
    {
        var sum = 0;
        for (var i = 0; i < text.Length - 1; i++)
        {
            var c = text[i];
            var value = Chars.IsDigit(c) ? c - '0' : Chars.IsUpper(c) ? c - 'A' + 10 : -1;
            if (value < 0)
            {
                return false;
            }

            sum += value * (i % 3 == 0 ? 7 : i % 3 == 1 ? 3 : 1);
        }

        return Chars.IsDigit(text[text.Length - 1]) && sum % 10 == text[text.Length - 1] - '0';
    }

    private static int ModElevenDigit(ReadOnlySpan<byte> d, int firstWeight)
    {
        var sum = 0;
        for (var i = 0; i < d.Length; i++)
        {
            sum += d[i] * (firstWeight - i);
        }

        var r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    private static int WeightedModEleven(ReadOnlySpan<byte> d, ReadOnlySpan<byte> weights)
    {
        var sum = 0;
        for (var i = 0; i < d.Length; i++)
        {
            sum += d[i] * weights[i];
        }

        var r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    private static bool AllSame(ReadOnlySpan<byte> d)
    {
        foreach (var b in d)
        {
            if (b != d[0])
            {
                return false;
            }
        }

        return true;
    }

    public static int Number(ReadOnlySpan<byte> d, int start, int length)
    {
        var n = 0;
        for (var i = start; i < start + length && i < d.Length; i++)
        {
            n = (n * 10) + d[i];
        }

        return n;
    }
}

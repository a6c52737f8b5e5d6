namespace Candor.Core.Tests.Privacy.Corpus;

/// <summary>Makes numbers valid (or deliberately invalid) for the corpus. Written from the issuers' specifications
/// as generators, independently of the scanner's validators, so a shared mistake cannot make both agree.</summary>
internal static class CheckDigits
{
    private static readonly int[,] VerhoeffMultiply =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 }, { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
        { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 }, { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
        { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 }, { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
        { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
    };

    private static readonly int[,] VerhoeffPermute =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 }, { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
        { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 }, { 9, 4, 5, 8, 3, 2, 7, 1, 6, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
        { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
    };

    private static readonly int[] VerhoeffInverse = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

    public static string Digits(Random random, int count, bool nonZeroFirst = false)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = (char)('0' + random.Next(i == 0 && nonZeroFirst ? 1 : 0, 10));
        }

        return new string(chars);
    }

    /// <summary>Appends the digit that makes the Luhn sum a multiple of 10.</summary>
    public static string Luhn(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return body + (char)('0' + ((10 - (sum % 10)) % 10));
    }

    /// <summary>NHS number: weights 10..2, check = 11 - (sum mod 11), 11 becomes 0 and 10 has no valid number.</summary>
    public static string? Nhs(string nine)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nine[i] - '0') * (10 - i);
        }

        var check = 11 - (sum % 11);
        return check == 10 ? null : nine + (check == 11 ? '0' : (char)('0' + check));
    }

    /// <summary>BSN "11-proof": 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11.</summary>
    public static string? Bsn(string eight)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (eight[i] - '0') * (9 - i);
        }

        var last = sum % 11;
        return last == 10 ? null : eight + (char)('0' + last);
    }

    /// <summary>Australian TFN: weights 1,4,3,7,5,8,6,9,10; the weighted sum is a multiple of 11.</summary>
    public static string? Tfn(string eight)
    {
        int[] weights = [1, 4, 3, 7, 5, 8, 6, 9];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (eight[i] - '0') * weights[i];
        }

        // 10·d ≡ −sum (mod 11) and 10 ≡ −1, so d ≡ sum (mod 11).
        var last = sum % 11;
        return last == 10 ? null : eight + (char)('0' + last);
    }

    /// <summary>Aadhaar: Verhoeff check digit over the first 11 digits.</summary>
    public static string Verhoeff(string body)
    {
        var c = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var digit = body[body.Length - 1 - i] - '0';
            c = VerhoeffMultiply[c, VerhoeffPermute[(i + 1) % 8, digit]];
        }

        return body + (char)('0' + VerhoeffInverse[c]);
    }

    /// <summary>Japanese My Number: Σ Pn·Qn over the 11 digits from the right, Qn = n+1 (n ≤ 6) or n−5; remainder
    /// ≤ 1 gives 0, otherwise 11 − remainder.</summary>
    public static string MyNumber(string eleven)
    {
        var sum = 0;
        for (var n = 1; n <= 11; n++)
        {
            var p = eleven[11 - n] - '0';
            sum += p * (n <= 6 ? n + 1 : n - 5);
        }

        var remainder = sum % 11;
        return eleven + (char)('0' + (remainder <= 1 ? 0 : 11 - remainder));
    }

    /// <summary>Steuer-ID: 10 digits, first not 0, one digit twice and the rest at most once, then the ISO 7064
    /// MOD 11,10 check digit.</summary>
    public static string SteuerId(Random random)
    {
        while (true)
        {
            var pool = Enumerable.Range(0, 10).OrderBy(_ => random.Next()).ToList();
            var chosen = pool.Take(9).ToList();
            chosen.Add(chosen[random.Next(9)]);
            var digits = chosen.OrderBy(_ => random.Next()).ToArray();
            if (digits[0] == 0)
            {
                continue;
            }

            var body = string.Concat(digits);
            var product = 10;
            foreach (var ch in body)
            {
                var sum = (ch - '0' + product) % 10;
                product = (sum == 0 ? 10 : sum) * 2 % 11;
            }

            var check = 11 - product;
            return body + (check == 10 ? '0' : (char)('0' + check));
        }
    }

    /// <summary>French NIR: the 13-digit body and its key 97 − (body mod 97); Corsica's 2A/2B count as 19/18.</summary>
    public static string Nir(string body13)
    {
        var numeric = body13.Replace("2A", "19", StringComparison.Ordinal).Replace("2B", "18", StringComparison.Ordinal);
        var n = long.Parse(numeric, System.Globalization.CultureInfo.InvariantCulture);
        var key = 97 - (n % 97);
        return body13 + key.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Brazilian CPF: two mod-11 check digits, weights 10..2 then 11..2.</summary>
    public static string Cpf(string nine) => ModEleven(ModEleven(nine, 10), 11);

    /// <summary>Brazilian CNPJ: two mod-11 check digits with the weights 5..2,9..2 and 6..2,9..2.</summary>
    public static string Cnpj(string twelve)
    {
        int[] first = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        int[] second = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        var withFirst = twelve + WeightedModEleven(twelve, first);
        return withFirst + WeightedModEleven(withFirst, second);
    }

    /// <summary>ICAO 9303 check digit (weights 7, 3, 1; letters A=10 … Z=35), as on the German ID card.</summary>
    public static char Icao(string text)
    {
        int[] weights = [7, 3, 1];
        var sum = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var value = char.IsDigit(c) ? c - '0' : c - 'A' + 10;
            sum += value * weights[i % 3];
        }

        return (char)('0' + (sum % 10));
    }

    /// <summary>Changes the last digit so that the check no longer holds (the caller re-checks with its validator).
    /// </summary>
    public static string BreakLast(string valid, Random random)
    {
        var last = valid[^1] - '0';
        var other = (last + random.Next(1, 10)) % 10;
        return valid[..^1] + (char)('0' + other);
    }

    private static string ModEleven(string body, int firstWeight)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            sum += (body[i] - '0') * (firstWeight - i);
        }

        var r = sum % 11;
        return body + (char)('0' + (r < 2 ? 0 : 11 - r));
    }

    private static char WeightedModEleven(string body, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            sum += (body[i] - '0') * weights[i];
        }

        var r = sum % 11;
        return (char)('0' + (r < 2 ? 0 : 11 - r));
    }
}

using System.Globalization;

namespace Candor.Core.Tests.Privacy.Corpus;

/// <summary>Random personal numbers of each market, valid by their issuers' rules, in the layouts people write them,
/// and their look-alikes that break a rule (a check digit, an area never issued).</summary>
internal static class PersonalNumbers
{
    private const string NinoFirst = "ABCEGHJKLMNOPRSTWXYZ";
    private const string NinoSecond = "ABCEGHJKLMNPRSTWXYZ";
    private const string IdCardAlphabet = "0123456789CFGHJKLMNPRTVWXYZ";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>A US Social Security number: area 001–899 except 666, group 01–99, serial 0001–9999.</summary>
    public static string Ssn(Random r)
    {
        int area;
        do
        {
            area = r.Next(1, 900);
        }
        while (area == 666);

        return Join(r, area.ToString("D3", Inv), r.Next(1, 100).ToString("D2", Inv), r.Next(1, 10000).ToString("D4", Inv));
    }

    /// <summary>An SSN-shaped number the SSA never issues: area 000, 666 or 900–999 outside the ITIN groups, group 00
    /// or serial 0000.</summary>
    public static string InvalidSsn(Random r) => r.Next(4) switch
    {
        0 => Join(r, Pick(r, "000", "666"), r.Next(1, 100).ToString("D2", Inv), r.Next(1, 10000).ToString("D4", Inv)),
        1 => Join(r, r.Next(1, 900).ToString("D3", Inv), "00", r.Next(1, 10000).ToString("D4", Inv)),
        2 => Join(r, r.Next(1, 900).ToString("D3", Inv), r.Next(1, 100).ToString("D2", Inv), "0000"),
        _ => Join(r, r.Next(900, 1000).ToString("D3", Inv), Pick(r, "00", "10", "42", "66", "89", "93"),
            r.Next(1, 10000).ToString("D4", Inv)),
    };

    /// <summary>A US ITIN: 9, two digits, a group in 50–65, 70–88, 90–92 or 94–99, four digits.</summary>
    public static string Itin(Random r)
    {
        int[] groups = [.. Enumerable.Range(50, 16), .. Enumerable.Range(70, 19), 90, 91, 92, 94, 95, 96, 97, 98, 99];
        return Join(r, "9" + r.Next(0, 100).ToString("D2", Inv), groups[r.Next(groups.Length)].ToString(Inv),
            r.Next(0, 10000).ToString("D4", Inv));
    }

    /// <summary>A UK National Insurance number: two prefix letters (not D, F, I, Q, U, V; O not second; not BG, GB,
    /// KN, NK, NT, TN, ZZ), six digits, suffix A–D.</summary>
    public static string Nino(Random r, bool suffix = true)
    {
        string prefix;
        do
        {
            prefix = new string([NinoFirst[r.Next(NinoFirst.Length)], NinoSecond[r.Next(NinoSecond.Length)]]);
        }
        while (prefix is "BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ");

        var digits = CheckDigits.Digits(r, 6);
        var end = suffix ? "ABCD"[r.Next(4)].ToString() : "";
        return r.Next(3) switch
        {
            0 => prefix + digits + end,
            1 => $"{prefix} {digits[..2]} {digits[2..4]} {digits[4..]}" + (suffix ? " " + end : ""),
            _ => $"{prefix} {digits}" + (suffix ? " " + end : ""),
        };
    }

    public static string InvalidNino(Random r)
    {
        var digits = CheckDigits.Digits(r, 6);
        return r.Next(2) == 0
            ? Pick(r, "DA", "FQ", "QQ", "BG", "GB", "NT", "ZZ", "VU") + digits + "ABCD"[r.Next(4)]
            : NinoFirst[r.Next(NinoFirst.Length)].ToString() + NinoSecond[r.Next(NinoSecond.Length)] + digits +
              "EFGHJKXZ"[r.Next(8)];
    }

    public static string Nhs(Random r)
    {
        string? nhs;
        do
        {
            nhs = CheckDigits.Nhs(CheckDigits.Digits(r, 9));
        }
        while (nhs is null);

        return Layout(r, nhs, [3, 3, 4], " ", "");
    }

    /// <summary>Written without spaces: "943 476 5918" has the shape of a North American phone number and is reported
    /// as one, whatever its NHS check digit says.</summary>
    public static string InvalidNhs(Random r) => CheckDigits.BreakLast(Unformat(Nhs(r)), r);

    public static string Sin(Random r) => Layout(r, CheckDigits.Luhn(CheckDigits.Digits(r, 8)), [3, 3, 3], " ", "-", "");

    public static string InvalidSin(Random r) =>
        Layout(r, CheckDigits.BreakLast(CheckDigits.Luhn(CheckDigits.Digits(r, 8)), r), [3, 3, 3], " ", "-", "");

    public static string SteuerId(Random r) => Layout(r, CheckDigits.SteuerId(r), [2, 3, 3, 3], " ", "");

    public static string InvalidSteuerId(Random r) =>
        Layout(r, CheckDigits.BreakLast(CheckDigits.SteuerId(r), r), [2, 3, 3, 3], " ", "");

    /// <summary>A German ID card number (since 2010): a letter of L M N P R T V W X Y, eight characters of the card
    /// alphabet and the ICAO check digit.</summary>
    public static string IdCard(Random r, bool withCheck)
    {
        var body = "LMNPRTVWXY"[r.Next(10)] + new string(Enumerable.Range(0, 8)
            .Select(_ => IdCardAlphabet[r.Next(IdCardAlphabet.Length)]).ToArray());
        return withCheck ? body + CheckDigits.Icao(body) : body;
    }

    public static string Nir(Random r)
    {
        var department = r.Next(20) == 0 ? Pick(r, "2A", "2B") : r.Next(1, 96).ToString("D2", Inv);
        var body = r.Next(1, 3).ToString(Inv) + r.Next(0, 100).ToString("D2", Inv) + r.Next(1, 13).ToString("D2", Inv) +
                   department + r.Next(1, 991).ToString("D3", Inv) + r.Next(1, 1000).ToString("D3", Inv);
        var nir = CheckDigits.Nir(body);
        return r.Next(3) switch
        {
            0 => nir,
            1 => $"{nir[..1]} {nir[1..3]} {nir[3..5]} {nir[5..7]} {nir[7..10]} {nir[10..13]} {nir[13..]}",
            _ => $"{nir[..13]} {nir[13..]}",
        };
    }

    public static string InvalidNir(Random r)
    {
        var valid = Nir(r).Replace(" ", "", StringComparison.Ordinal);
        return CheckDigits.BreakLast(valid, r);
    }

    public static string Bsn(Random r)
    {
        string? bsn;
        do
        {
            bsn = CheckDigits.Bsn(CheckDigits.Digits(r, 8, nonZeroFirst: true));
        }
        while (bsn is null);

        return r.Next(2) == 0 ? bsn : $"{bsn[..4]}.{bsn[4..6]}.{bsn[6..]}";
    }

    public static string InvalidBsn(Random r)
    {
        var broken = CheckDigits.BreakLast(Bsn(r).Replace(".", "", StringComparison.Ordinal), r);
        return r.Next(2) == 0 ? broken : $"{broken[..4]}.{broken[4..6]}.{broken[6..]}";
    }

    public static string Aadhaar(Random r) =>
        Layout(r, CheckDigits.Verhoeff(r.Next(2, 10).ToString(Inv) + CheckDigits.Digits(r, 10)), [4, 4, 4], " ", "-", "");

    public static string InvalidAadhaar(Random r) =>
        Layout(r, CheckDigits.BreakLast(CheckDigits.Verhoeff(r.Next(2, 10).ToString(Inv) + CheckDigits.Digits(r, 10)), r),
            [4, 4, 4], " ", "-", "");

    /// <summary>An Indian PAN: three letters, the holder type (P for a person, or C H F A T B L J G), the first letter
    /// of the name, four digits and a letter.</summary>
    public static string Pan(Random r) =>
        Letters(r, 3) + (r.Next(3) == 0 ? "CHFATBLJG"[r.Next(9)] : 'P') + Letters(r, 1) + CheckDigits.Digits(r, 4) +
        Letters(r, 1);

    public static string InvalidPan(Random r) =>
        Letters(r, 3) + "DEIKMNOQRSUVWXYZ"[r.Next(16)] + Letters(r, 1) + CheckDigits.Digits(r, 4) + Letters(r, 1);

    public static string Tfn(Random r)
    {
        string? tfn;
        do
        {
            tfn = CheckDigits.Tfn(CheckDigits.Digits(r, 8));
        }
        while (tfn is null);

        return Layout(r, tfn, [3, 3, 3], " ", "-", "");
    }

    public static string InvalidTfn(Random r) => Layout(r, CheckDigits.BreakLast(Unformat(Tfn(r)), r), [3, 3, 3], " ", "");

    public static string MyNumber(Random r) =>
        Layout(r, CheckDigits.MyNumber(CheckDigits.Digits(r, 11)), [4, 4, 4], " ", "-", "");

    public static string InvalidMyNumber(Random r) =>
        Layout(r, CheckDigits.BreakLast(CheckDigits.MyNumber(CheckDigits.Digits(r, 11)), r), [4, 4, 4], " ", "");

    public static string Cpf(Random r)
    {
        string cpf;
        do
        {
            cpf = CheckDigits.Cpf(CheckDigits.Digits(r, 9));
        }
        while (cpf.Distinct().Count() == 1);

        return r.Next(3) switch
        {
            0 => cpf,
            1 => $"{cpf[..3]}.{cpf[3..6]}.{cpf[6..9]}-{cpf[9..]}",
            _ => $"{cpf[..9]}-{cpf[9..]}",
        };
    }

    public static string InvalidCpf(Random r)
    {
        var broken = CheckDigits.BreakLast(CheckDigits.Cpf(CheckDigits.Digits(r, 9)), r);
        return r.Next(2) == 0 ? broken : $"{broken[..3]}.{broken[3..6]}.{broken[6..9]}-{broken[9..]}";
    }

    public static string Cnpj(Random r)
    {
        var cnpj = CheckDigits.Cnpj(CheckDigits.Digits(r, 8) + (r.Next(3) == 0 ? CheckDigits.Digits(r, 4) : "0001"));
        return r.Next(2) == 0 ? cnpj : $"{cnpj[..2]}.{cnpj[2..5]}.{cnpj[5..8]}/{cnpj[8..12]}-{cnpj[12..]}";
    }

    public static string InvalidCnpj(Random r)
    {
        var broken = CheckDigits.BreakLast(CheckDigits.Cnpj(CheckDigits.Digits(r, 8) + "0001"), r);
        return r.Next(2) == 0 ? broken : $"{broken[..2]}.{broken[2..5]}.{broken[5..8]}/{broken[8..12]}-{broken[12..]}";
    }

    /// <summary>Passport numbers as the major issuers print them.</summary>
    public static string Passport(Random r) => r.Next(6) switch
    {
        0 => CheckDigits.Digits(r, 9, nonZeroFirst: true), // United States, United Kingdom
        1 => Letters(r, 1) + CheckDigits.Digits(r, 7), // India
        2 => Letters(r, 2) + CheckDigits.Digits(r, 7), // Japan, Canada
        3 => CheckDigits.Digits(r, 2) + Letters(r, 2) + CheckDigits.Digits(r, 5), // France
        4 => "C" + new string(Enumerable.Range(0, 8).Select(_ => IdCardAlphabet[r.Next(IdCardAlphabet.Length)]).ToArray()), // Germany
        _ => Letters(r, 2) + CheckDigits.Digits(r, 6) + Letters(r, 1), // Netherlands-like
    };

    /// <summary>Driving licence numbers of several issuers.</summary>
    public static string DrivingLicence(Random r) => r.Next(7) switch
    {
        0 => Letters(r, 1) + CheckDigits.Digits(r, 7), // California
        1 => CheckDigits.Digits(r, 9, nonZeroFirst: true), // several US states
        2 => $"{Letters(r, 1)}{CheckDigits.Digits(r, 3)}-{CheckDigits.Digits(r, 3)}-{CheckDigits.Digits(r, 2)}-{CheckDigits.Digits(r, 3)}-{CheckDigits.Digits(r, 1)}", // Florida
        3 => Letters(r, 5) + CheckDigits.Digits(r, 6) + Letters(r, 2) + CheckDigits.Digits(r, 1) + Letters(r, 2), // United Kingdom
        4 => CheckDigits.Digits(r, 12), // France
        5 => Letters(r, 1) + CheckDigits.Digits(r, 3) + Letters(r, 3) + CheckDigits.Digits(r, 1) + Letters(r, 1) + CheckDigits.Digits(r, 2), // Germany
        _ => CheckDigits.Digits(r, 10, nonZeroFirst: true), // Netherlands
    };

    public static string Letters(Random r, int count) =>
        new(Enumerable.Range(0, count).Select(_ => Upper[r.Next(Upper.Length)]).ToArray());

    public static string Pick(Random r, params string[] options) => options[r.Next(options.Length)];

    private static CultureInfo Inv => CultureInfo.InvariantCulture;

    private static string Join(Random r, string a, string b, string c)
    {
        var separator = Pick(r, "-", "-", " ");
        return a + separator + b + separator + c;
    }

    private static string Unformat(string value) => new(value.Where(char.IsDigit).ToArray());

    /// <summary>The digits in the given groups, joined by one of the separators ("" for none).</summary>
    private static string Layout(Random r, string digits, int[] groups, params string[] separators)
    {
        var separator = separators[r.Next(separators.Length)];
        if (separator.Length == 0)
        {
            return digits;
        }

        var parts = new List<string>();
        var at = 0;
        foreach (var g in groups)
        {
            parts.Add(digits.Substring(at, g));
            at += g;
        }

        return string.Join(separator, parts);
    }
}

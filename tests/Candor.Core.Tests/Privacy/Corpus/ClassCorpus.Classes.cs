namespace Candor.Core.Tests.Privacy.Corpus;

internal static partial class ClassCorpus
{
    /// <summary>The national identification and tax numbers by market. <c>SelfEvident</c>: a valid number is
    /// personal data even in a sentence that does not say what it is (its layout or check digits give it away);
    /// otherwise only a word next to it makes it personal.</summary>
    private static readonly NumberClass[] NumberClasses =
    [
        new("US-SSN", true, ["SSN", "Social Security number", "social security no", "SS#"],
            static (r, keyworded) => keyworded && r.Next(3) == 0 ? Digits(PersonalNumbers.Ssn(r)) : PersonalNumbers.Ssn(r),
            PersonalNumbers.InvalidSsn),
        new("US-ITIN", true, ["ITIN", "taxpayer identification number", "TIN"],
            static (r, keyworded) => keyworded && r.Next(3) == 0 ? Digits(PersonalNumbers.Itin(r)) : PersonalNumbers.Itin(r),
            null),
        new("UK-NINO", true, ["NI number", "National Insurance number", "NINO"],
            static (r, keyworded) => PersonalNumbers.Nino(r, suffix: !keyworded || r.Next(4) != 0),
            PersonalNumbers.InvalidNino),
        new("UK-NHS", true, ["NHS number", "NHS no", "NHS"], static (r, _) => PersonalNumbers.Nhs(r), PersonalNumbers.InvalidNhs),
        new("CA-SIN", true, ["SIN", "social insurance number", "NAS"], static (r, _) => PersonalNumbers.Sin(r), PersonalNumbers.InvalidSin),
        new("DE-SteuerID", true, ["Steuer-ID", "Steueridentifikationsnummer", "IdNr", "Steuer-IdNr."],
            static (r, _) => PersonalNumbers.SteuerId(r), PersonalNumbers.InvalidSteuerId),
        new("FR-NIR", true, ["NIR", "numéro de sécurité sociale", "n° INSEE", "numero de securite sociale"],
            static (r, _) => PersonalNumbers.Nir(r), PersonalNumbers.InvalidNir),
        new("NL-BSN", true, ["BSN", "burgerservicenummer", "sofinummer"], static (r, _) => PersonalNumbers.Bsn(r), PersonalNumbers.InvalidBsn),
        new("IN-Aadhaar", true, ["Aadhaar", "Aadhaar number", "UIDAI no", "Aadhar"],
            static (r, _) => PersonalNumbers.Aadhaar(r), PersonalNumbers.InvalidAadhaar),
        new("IN-PAN", true, ["PAN", "PAN card", "permanent account number"], static (r, _) => PersonalNumbers.Pan(r), PersonalNumbers.InvalidPan),
        new("AU-TFN", true, ["TFN", "tax file number", "Tax File No"], static (r, _) => PersonalNumbers.Tfn(r), PersonalNumbers.InvalidTfn),
        new("JP-MyNumber", true, ["My Number", "マイナンバー", "個人番号", "MyNumber"],
            static (r, _) => PersonalNumbers.MyNumber(r), PersonalNumbers.InvalidMyNumber),
        new("BR-CPF", true, ["CPF", "CPF nº", "cadastro de pessoas físicas"], static (r, _) => PersonalNumbers.Cpf(r), PersonalNumbers.InvalidCpf),
        new("BR-CNPJ", true, ["CNPJ", "CNPJ nº"], static (r, _) => PersonalNumbers.Cnpj(r), PersonalNumbers.InvalidCnpj),
    ];

    private static string Digits(string value) => new(value.Where(char.IsDigit).ToArray());

    private sealed record NumberClass(
        string Name,
        bool SelfEvident,
        string[] Keywords,
        Func<Random, bool, string> Valid,
        Func<Random, string>? Invalid)
    {
        public string Kind => "NationalId";
    }
}

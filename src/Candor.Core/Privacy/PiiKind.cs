namespace Candor.Core.Privacy;

/// <summary>The kinds of personal data and secrets the <see cref="PiiScanner"/> detects.</summary>
/// <remarks>The name of each value is what <see cref="PiiScanner.Redact(string, out int)"/> writes in its
/// placeholder (<c>[redacted:Email]</c>), so renaming a value changes stored data: add, never rename.</remarks>
public enum PiiKind
{
    /// <summary>An email address such as <c>jane.doe@contoso.com</c>.</summary>
    Email,

    /// <summary>One of <see cref="PiiScannerOptions.KnownUserNames"/>, as a whole token.</summary>
    UserName,

    /// <summary>One of <see cref="PiiScannerOptions.KnownMachineNames"/>, as a whole token.</summary>
    MachineName,

    /// <summary>A path inside a user's home or profile directory (<c>C:\Users\jsmith\...</c>, <c>/home/jsmith/...</c>,
    /// <c>/Users/jsmith/...</c>, <c>/root/...</c>, <c>~/...</c>). The whole path is reported.</summary>
    HomeDirectoryPath,

    /// <summary>A dotted-quad IPv4 address such as <c>10.20.30.40</c>.</summary>
    IpV4Address,

    /// <summary>An IPv6 address in full or compressed form, such as <c>fe80::1ff:fe23:4567:890a</c> or <c>::1</c>.</summary>
    IpV6Address,

    /// <summary>A URL that carries user information (<c>https://bob:hunter2@contoso.com</c>).</summary>
    UrlWithCredentials,

    /// <summary>A URL with a query string (<c>https://svc/api?token=abc</c>): query strings carry tokens and search
    /// terms.</summary>
    UrlWithQuery,

    /// <summary>A telephone number in international (<c>+44 20 7946 0958</c>) or common national format
    /// (<c>(555) 123-4567</c>, <c>555-123-4567</c>, <c>020 7946 0958</c>).</summary>
    PhoneNumber,

    /// <summary>A payment card number: 13 to 19 digits with a known issuer prefix that passes the Luhn check.</summary>
    PaymentCard,

    /// <summary>A JSON Web Token (<c>eyJ...</c>.<c>...</c>.<c>...</c>).</summary>
    Jwt,

    /// <summary>An API key or other secret: a well-known key prefix (<c>sk_live_</c>, <c>AKIA</c>, <c>ghp_</c>, ...), a
    /// long random-looking token, or a credential assignment such as <c>Password=...</c>.</summary>
    ApiKey,

    /// <summary>A bearer token or an <c>Authorization</c> header value.</summary>
    BearerToken,

    /// <summary>A national identification, social security, health or tax number issued to a person, validated by its
    /// check digits where it has them: US SSN and ITIN, UK National Insurance and NHS numbers, Canadian SIN, German
    /// Steuer-ID and ID card number, French NIR, Dutch BSN, Indian Aadhaar and PAN, Australian TFN, Japanese My
    /// Number, Brazilian CPF and CNPJ.</summary>
    NationalId,

    /// <summary>A passport number, found next to a word for passport in one of the supported languages.</summary>
    PassportNumber,

    /// <summary>A driving licence number, found next to a word for driving licence in one of the supported
    /// languages.</summary>
    DriversLicenseNumber,
}

namespace Candor.Core.Privacy;

/// <summary>Cached names and redaction placeholders for <see cref="PiiKind"/>: <c>Enum.ToString</c> allocates.</summary>
internal static class PiiKindNames
{
    private static readonly string[] Names =
    [
        nameof(PiiKind.Email),
        nameof(PiiKind.UserName),
        nameof(PiiKind.MachineName),
        nameof(PiiKind.HomeDirectoryPath),
        nameof(PiiKind.IpV4Address),
        nameof(PiiKind.IpV6Address),
        nameof(PiiKind.UrlWithCredentials),
        nameof(PiiKind.UrlWithQuery),
        nameof(PiiKind.PhoneNumber),
        nameof(PiiKind.PaymentCard),
        nameof(PiiKind.Jwt),
        nameof(PiiKind.ApiKey),
        nameof(PiiKind.BearerToken),
        nameof(PiiKind.NationalId),
        nameof(PiiKind.PassportNumber),
        nameof(PiiKind.DriversLicenseNumber),
    ];

    private static readonly string[] Placeholders = CreatePlaceholders();

    /// <summary>How every placeholder starts.</summary>
    public const string PlaceholderPrefix = "[redacted:";

    public static string Get(PiiKind kind) => (uint)kind < (uint)Names.Length ? Names[(int)kind] : "Unknown";

    /// <summary>The text that replaces a finding: <c>[redacted:Kind]</c>.</summary>
    public static string Placeholder(PiiKind kind) =>
        (uint)kind < (uint)Placeholders.Length ? Placeholders[(int)kind] : "[redacted]";

    private static string[] CreatePlaceholders()
    {
        var result = new string[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            result[i] = PlaceholderPrefix + Names[i] + "]";
        }

        return result;
    }
}

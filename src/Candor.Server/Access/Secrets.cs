using System.Security.Cryptography;
using System.Text;

namespace Candor.Server.Access;

/// <summary>Credential secrets: 256 random bits with a prefix that tells what a leaked string is, stored only as
/// their SHA-256 (a hash is enough: the secrets are random, not passwords, so there is nothing to brute-force).</summary>
internal static class Secrets
{
    public const string IngestionPrefix = "cik_";
    public const string AdminPrefix = "cat_";
    public const string OperatorPrefix = "cot_";
    public const string WebhookSigningPrefix = "whsec_";

    public static string NewIngestionKey() => IngestionPrefix + Random();

    public static string NewAdminToken() => AdminPrefix + Random();

    /// <summary>A new operator token (<c>candor token generate</c>): 47 characters, above the 32 required.</summary>
    public static string NewOperatorToken() => OperatorPrefix + Random();

    /// <summary>A new alert webhook signing secret, shown to the tenant once (docs/security.md).</summary>
    public static string NewWebhookSigningSecret() => WebhookSigningPrefix + Random();

    public static string Hash(string secret)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Compares two secrets in constant time (through their hashes, so the length leaks nothing).</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(a)), Encoding.ASCII.GetBytes(Hash(b)));

    private static string Random()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}

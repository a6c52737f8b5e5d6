using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Candor.Analytics.Alerts;

/// <summary>How a delivery proves it comes from this collector and is fresh (docs/security.md, "Verifying a
/// webhook delivery"): the header <c>Candor-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where v1 is
/// HMAC-SHA256, keyed with the tenant's signing secret (its UTF-8 bytes), over the timestamp, a dot and the raw
/// body. The timestamp is inside the MAC, so a receiver that refuses timestamps outside its replay window (5
/// minutes is the documented choice) cannot be fed an old delivery again. Stateless and thread-safe.</summary>
internal static class WebhookSignature
{
    /// <summary>The header that carries the signature.</summary>
    public const string HeaderName = "Candor-Signature";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="at"/>.</summary>
    public static string Header(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return "t=" + timestamp + ",v1=" + Convert.ToHexStringLower(mac);
    }
}

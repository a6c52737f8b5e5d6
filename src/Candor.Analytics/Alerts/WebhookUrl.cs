using System.Text;

namespace Candor.Analytics.Alerts;

/// <summary>The form of a webhook URL that may be shown or audited. A URL often carries its own credential (user
/// and password, a token in the query, or a long random path segment as chat services issue), and the audit log is
/// append-only, so a secret written there stays for good: the user information becomes <c>***</c>, every query
/// value <c>***</c> (names kept, so the shape stays recognisable), and a path segment of
/// <see cref="SecretSegmentLength"/> characters or more keeps its first four. The fragment is dropped (it is never
/// sent). Stateless and thread-safe.</summary>
internal static class WebhookUrl
{
    /// <summary>Path segments at least this long are treated as secrets. 16.</summary>
    public const int SecretSegmentLength = 16;

    private const string Mask = "***";

    public static string Masked(Uri url)
    {
        var text = new StringBuilder(url.Scheme).Append("://");
        if (url.UserInfo.Length > 0)
        {
            text.Append(Mask).Append('@');
        }

        text.Append(url.Authority); // host and a non-default port, never the user information
        foreach (var segment in url.AbsolutePath.Split('/'))
        {
            if (segment.Length == 0)
            {
                continue;
            }

            text.Append('/').Append(segment.Length >= SecretSegmentLength ? segment[..4] + Mask : segment);
        }

        if (url.AbsolutePath.EndsWith('/'))
        {
            text.Append('/');
        }

        if (url.Query.Length > 1)
        {
            var separator = '?';
            foreach (var pair in url.Query[1..].Split('&'))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                text.Append(separator).Append(equals < 0 ? pair : pair[..equals]).Append('=').Append(Mask);
                separator = '&';
            }
        }

        return text.ToString();
    }
}

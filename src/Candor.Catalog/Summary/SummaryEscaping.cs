using System.Text;

namespace Candor.Catalog.Summary;

/// <summary>Text clean-up shared by both renderers.</summary>
internal static class SummaryEscaping
{
    /// <summary>Puts catalog text on one line: line breaks and other control characters become spaces, because
    /// a line break would end a Markdown table row and control characters are not allowed in HTML.</summary>
    public static string Flatten(string value)
    {
        var needsWork = false;
        foreach (var ch in value)
        {
            if (char.IsControl(ch))
            {
                needsWork = true;
                break;
            }
        }

        if (!needsWork)
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
            {
                continue;
            }

            text.Append(char.IsControl(ch) ? ' ' : ch);
        }

        return text.ToString();
    }

    /// <summary>Accepts only absolute http and https URLs, normalised and percent-encoded, so that a catalog
    /// can never put a <c>javascript:</c> or other active link into a summary.</summary>
    public static bool TryWebUrl(string url, out string safe)
    {
        if (Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            safe = uri.AbsoluteUri;
            return true;
        }

        safe = "";
        return false;
    }
}

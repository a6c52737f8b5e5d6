using Microsoft.Net.Http.Headers;

namespace Candor.Server.Http;

/// <summary>Reads the parts of a Content-Type header that decide how a body is decoded.</summary>
internal static class MediaTypes
{
    /// <summary>Whether a JSON body of this Content-Type is UTF-8: no <c>charset</c> parameter (JSON is UTF-8 by
    /// RFC 8259) or <c>charset=utf-8</c>. Any other charset, UTF-16 say, is refused rather than read as UTF-8: the
    /// bytes would be checked as one text and mean another.</summary>
    public static bool IsUtf8(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        var charset = parsed.Charset;
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }
}

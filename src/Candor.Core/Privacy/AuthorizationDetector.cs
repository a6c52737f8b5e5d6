namespace Candor.Core.Privacy;

/// <summary>Finds bearer tokens (<c>Bearer &lt;token&gt;</c>) and <c>Authorization</c> header values, reporting the
/// keyword together with the credential.</summary>
/// <remarks>After <c>Authorization:</c> a known scheme (<c>Basic</c>, <c>Bearer</c>, <c>Digest</c>, ...) is followed by
/// its credentials; without a scheme the value itself must look like a token. Prose such as "Bearer token
/// expired" or "Authorization: denied" is left alone because the word after it does not look like a token.</remarks>
internal static class AuthorizationDetector
{
    private const int MinimumBearerTokenLength = 8;
    private const int MinimumCredentialsLength = 6;

    /// <summary>Schemes whose credentials are one token68 value.</summary>
    private static readonly string[] TokenSchemes = ["Basic", "Bearer", "Negotiate", "NTLM", "Token", "ApiKey"];

    /// <summary>Schemes whose credentials are comma-separated parameters (<c>key=value, ...</c>).</summary>
    private static readonly string[] ParameterSchemes =
        ["Digest", "OAuth", "AWS4-HMAC-SHA256", "Hawk", "MAC", "SharedKey", "SharedAccessSignature"];

    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var hasBearer = TryFindBearer(s, from, out var bearer);
        var hasHeader = TryFindHeader(s, from, out var header);
        if (hasHeader && (!hasBearer || header.Start <= bearer.Start))
        {
            match = header;
            return true;
        }

        match = bearer;
        return hasBearer;
    }

    private static bool TryFindBearer(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var search = KeywordSearch.NotStarted;
        var i = from;
        while (i < s.Length)
        {
            var found = IndexOfKeyword(s, i, ref search, "earer", "EARER");
            if (found < 0)
            {
                break;
            }

            var start = found - 1;
            var after = start + 6;
            i = found;
            if ((Chars.At(s, start) | 0x20) != 'b' || Chars.IsWord(Chars.At(s, start - 1)) ||
                !Chars.IsWhiteSpace(Chars.At(s, after)))
            {
                continue;
            }

            var tokenStart = after;
            while (tokenStart < s.Length && tokenStart < after + 4 && Chars.IsWhiteSpace(s[tokenStart]))
            {
                tokenStart++;
            }

            var tokenEnd = TokenEnd(s, tokenStart);
            if (ApiKeyDetector.LooksLikeToken(s.Slice(tokenStart, tokenEnd - tokenStart), MinimumBearerTokenLength))
            {
                match = new Candidate(PiiKind.BearerToken, start, tokenEnd);
                return true;
            }
        }

        match = default;
        return false;
    }

    private static bool TryFindHeader(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var search = KeywordSearch.NotStarted;
        var i = from;
        while (i < s.Length)
        {
            var found = IndexOfKeyword(s, i, ref search, "uthorization", "UTHORIZATION");
            if (found < 0)
            {
                break;
            }

            var start = found - 1;
            i = found;
            if ((Chars.At(s, start) | 0x20) != 'a' || Chars.IsWord(Chars.At(s, start - 1)))
            {
                continue;
            }

            var k = start + 13;
            if (Chars.At(s, k) is '"' or '\'')
            {
                k++;
            }

            k = SkipSpaces(s, k);
            if (Chars.At(s, k) is not (':' or '='))
            {
                continue;
            }

            k = SkipSpaces(s, k + 1);
            if (Chars.At(s, k) is '"' or '\'')
            {
                k++;
            }

            var valueEnd = SchemeEnd(s, k);
            var value = s.Slice(k, valueEnd - k);
            var credentialsStart = SkipSpaces(s, valueEnd);
            if (credentialsStart > valueEnd && TryCredentials(s, value, credentialsStart, out var credentialsEnd))
            {
                match = new Candidate(PiiKind.BearerToken, start, credentialsEnd);
                return true;
            }

            valueEnd = TokenEnd(s, k);
            value = s.Slice(k, valueEnd - k);
            if (ApiKeyDetector.LooksLikeToken(value, MinimumBearerTokenLength))
            {
                match = new Candidate(PiiKind.BearerToken, start, valueEnd);
                return true;
            }
        }

        match = default;
        return false;
    }

    private static bool TryCredentials(ReadOnlySpan<char> s, ReadOnlySpan<char> scheme, int i, out int end)
    {
        foreach (var known in TokenSchemes)
        {
            if (scheme.Equals(known.AsSpan(), StringComparison.OrdinalIgnoreCase))
            {
                end = TokenEnd(s, i);
                return ApiKeyDetector.LooksLikeToken(s.Slice(i, end - i), MinimumCredentialsLength);
            }
        }

        foreach (var known in ParameterSchemes)
        {
            if (scheme.Equals(known.AsSpan(), StringComparison.OrdinalIgnoreCase))
            {
                end = LineEnd(s, i);
                return s.Slice(i, end - i).IndexOf('=') > 0;
            }
        }

        end = 0;
        return false;
    }

    private static int SchemeEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && (Chars.IsAsciiAlnum(s[i]) || s[i] == '-'))
        {
            i++;
        }

        return i;
    }

    /// <summary>The index of a keyword's tail in lower or upper case, searched from one character past
    /// <paramref name="from"/>: ordinal searches are vectorised, case-insensitive ones are many times slower, and this
    /// runs on most values that hold a space.</summary>
    private static int IndexOfKeyword(ReadOnlySpan<char> s, int from, ref KeywordSearch search, string lower, string upper)
    {
        var begin = Math.Min(from + 1, s.Length);

        // Each spelling's next position is kept until passed, so a spelling that never occurs is searched for once,
        // not once per occurrence of the other (quadratic on "Bearer Bearer Bearer ...").
        if (search.Lower != -1 && search.Lower < begin)
        {
            var l = s.Slice(begin).IndexOf(lower.AsSpan());
            search.Lower = l < 0 ? -1 : begin + l;
        }

        if (search.Upper != -1 && search.Upper < begin)
        {
            var u = s.Slice(begin).IndexOf(upper.AsSpan());
            search.Upper = u < 0 ? -1 : begin + u;
        }

        return search.Lower < 0 ? search.Upper : search.Upper < 0 ? search.Lower : Math.Min(search.Lower, search.Upper);
    }

    /// <summary>The next known positions of a keyword's two spellings: -1 when there is none, -2 before the first
    /// search.</summary>
    private struct KeywordSearch
    {
        public int Lower;
        public int Upper;

        public static KeywordSearch NotStarted => new() { Lower = -2, Upper = -2 };
    }

    private static int SkipSpaces(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t'))
        {
            i++;
        }

        return i;
    }

    /// <summary>The end of a token68 credential (RFC 7235): base64 and base64url characters.</summary>
    private static int TokenEnd(ReadOnlySpan<char> s, int start)
    {
        var i = start;
        while (i < s.Length && (Chars.IsTokenChar(s[i]) || s[i] is '.' or '~' or '+' or '/' or '='))
        {
            i++;
        }

        while (i > start && s[i - 1] == '.')
        {
            i--;
        }

        return i;
    }

    private static int LineEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && s[i] is not ('\r' or '\n' or '"' or '\'' or '\0'))
        {
            i++;
        }

        return i;
    }
}

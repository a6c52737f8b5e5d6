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
        var i = from;
        while (i < s.Length)
        {
            var found = s.Slice(i).IndexOf("bearer".AsSpan(), StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                break;
            }

            var start = i + found;
            i = start + 6;
            if (Chars.IsWord(Chars.At(s, start - 1)) || !Chars.IsWhiteSpace(Chars.At(s, i)))
            {
                continue;
            }

            var tokenStart = i;
            while (tokenStart < s.Length && tokenStart < i + 4 && Chars.IsWhiteSpace(s[tokenStart]))
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
        var i = from;
        while (i < s.Length)
        {
            var found = s.Slice(i).IndexOf("authorization".AsSpan(), StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                break;
            }

            var start = i + found;
            i = start + 13;
            if (Chars.IsWord(Chars.At(s, start - 1)))
            {
                continue;
            }

            var k = i;
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

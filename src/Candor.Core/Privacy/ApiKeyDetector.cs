namespace Candor.Core.Privacy;

/// <summary>Finds API keys and other secrets: tokens with a well-known key prefix, long random-looking tokens, and
/// credential assignments such as <c>Password=...</c> in connection strings and JSON.</summary>
/// <remarks>
/// <para>A long token (32+ characters of base64 or base64url) counts as random when it mixes upper case, lower
/// case and digits, changes character class often, and is not made of words: identifiers such as
/// <c>HttpClientHandler2ConnectionPoolManager</c> are mostly runs of four or more lower-case letters, random
/// tokens hardly ever. Tokens made only of hex digits and dashes (SHA-256 digests, GUIDs, trace ids) are
/// legitimate identifiers and always pass, even though some vendors' keys are hex too.</para>
/// </remarks>
internal static class ApiKeyDetector
{
    private const int MinimumRandomLength = 32;

    private static readonly string[] SecretKeys =
    [
        "password", "passwd", "pwd", "secret", "apikey", "api_key", "api-key", "access_token", "refresh_token",
        "accountkey", "sharedaccesskey", "private_key", "privatekey",
    ];

    public static bool TryFindToken(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = from;
        while (i < s.Length)
        {
            if (!IsKeyChar(s[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < s.Length && IsKeyChar(s[i]))
            {
                i++;
            }

            var end = i;

            // Base64 padding belongs to the token.
            while (end < s.Length && end - i < 2 && s[end] == '=')
            {
                end++;
            }

            if (IsKey(s.Slice(start, i - start)))
            {
                match = new Candidate(PiiKind.ApiKey, start, end);
                return true;
            }
        }

        match = default;
        return false;
    }

    public static bool TryFindAssignment(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = from;
        while (i < s.Length)
        {
            var found = s.Slice(i).IndexOfAny('=', ':');
            if (found < 0)
            {
                break;
            }

            var separator = i + found;
            i = separator + 1;
            if (TryAssignment(s, from, separator, out match))
            {
                return true;
            }
        }

        match = default;
        return false;
    }

    /// <summary>Whether a token has the shape of a secret, for the bearer and authorization detectors too: a digit, a
    /// base64 symbol, or an upper-case letter after a lower-case one, so ordinary words and kebab-case phrases
    /// ("token-expired") never count.</summary>
    public static bool LooksLikeToken(ReadOnlySpan<char> token, int minimumLength)
    {
        if (token.Length < minimumLength)
        {
            return false;
        }

        var lower = false;
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (Chars.IsDigit(c) || c == '~' || c == '+' || c == '/' || c == '=' || (Chars.IsUpper(c) && lower))
            {
                return true;
            }

            lower |= Chars.IsLower(c);
        }

        return false;
    }

    private static bool IsKeyChar(char c) => Chars.IsTokenChar(c) || c == '+' || c == '/';

    private static bool IsKey(ReadOnlySpan<char> t)
    {
        if (t.Length < 15)
        {
            return false;
        }

        if (StartsWith(t, "sk_live_") || StartsWith(t, "sk_test_") || StartsWith(t, "rk_live_") ||
            StartsWith(t, "rk_test_"))
        {
            return t.Length >= 8 + 16;
        }

        if (StartsWith(t, "sk-"))
        {
            return t.Length >= 3 + 20 && t.IndexOfAny("0123456789".AsSpan()) >= 0;
        }

        if ((StartsWith(t, "AKIA") || StartsWith(t, "ASIA")) && t.Length == 20 && IsUpperAlnum(t))
        {
            return true;
        }

        if (StartsWith(t, "ghp_") || StartsWith(t, "gho_") || StartsWith(t, "ghu_") || StartsWith(t, "ghs_") ||
            StartsWith(t, "ghr_"))
        {
            return t.Length >= 4 + 30;
        }

        if (StartsWith(t, "github_pat_") || StartsWith(t, "glpat-"))
        {
            return t.Length >= 26;
        }

        if (StartsWith(t, "xox") && t.Length >= 15 && t[4] == '-' && "baprs".IndexOf(t[3]) >= 0)
        {
            return true;
        }

        if (StartsWith(t, "AIza") && t.Length >= 4 + 30)
        {
            return true;
        }

        if (StartsWith(t, "npm_") && t.Length == 40 && IsAlnum(t.Slice(4)))
        {
            return true;
        }

        return t.Length >= MinimumRandomLength && LooksRandom(t);
    }

    private static bool LooksRandom(ReadOnlySpan<char> t)
    {
        int upper = 0, lower = 0, digits = 0, other = 0, switches = 0, inWords = 0, lowerRun = 0;
        var hexOnly = true;
        var previousClass = -1;
        foreach (var c in t)
        {
            int charClass;
            if (Chars.IsUpper(c))
            {
                upper++;
                charClass = 0;
            }
            else if (Chars.IsLower(c))
            {
                lower++;
                charClass = 1;
            }
            else if (Chars.IsDigit(c))
            {
                digits++;
                charClass = 2;
            }
            else
            {
                other++;
                charClass = 3;
            }

            hexOnly &= Chars.IsHex(c) || c == '-';
            if (charClass == 1)
            {
                lowerRun++;
            }
            else
            {
                inWords += lowerRun >= 4 ? lowerRun : 0;
                lowerRun = 0;
            }

            if (charClass != 3)
            {
                if (previousClass >= 0 && previousClass != charClass)
                {
                    switches++;
                }

                previousClass = charClass;
            }
        }

        inWords += lowerRun >= 4 ? lowerRun : 0;
        if (hexOnly || upper < 2 || lower < 2 || digits < 2)
        {
            return false;
        }

        var alnum = upper + lower + digits;
        return inWords * 10 <= t.Length * 4 && switches * 10 >= (alnum - 1) * 3;
    }

    private static bool TryAssignment(ReadOnlySpan<char> s, int from, int separator, out Candidate match)
    {
        match = default;
        var j = separator - 1;
        while (j >= from && j > separator - 3 && s[j] == ' ')
        {
            j--;
        }

        if (j >= from && (s[j] == '"' || s[j] == '\''))
        {
            j--;
        }

        var keyEnd = j + 1;
        while (j >= from && (Chars.IsAsciiAlnum(s[j]) || s[j] == '_' || s[j] == '-'))
        {
            j--;
        }

        var keyStart = j + 1;
        var key = s.Slice(keyStart, keyEnd - keyStart);
        var isSecretKey = false;
        foreach (var secretKey in SecretKeys)
        {
            isSecretKey |= key.EndsWith(secretKey.AsSpan(), StringComparison.OrdinalIgnoreCase);
        }

        if (!isSecretKey)
        {
            return false;
        }

        if (keyStart > 0 && (s[keyStart - 1] == '"' || s[keyStart - 1] == '\''))
        {
            keyStart--;
        }

        var k = separator + 1;
        while (k < s.Length && k < separator + 3 && s[k] == ' ')
        {
            k++;
        }

        var quote = Chars.At(s, k);
        var quoted = quote == '"' || quote == '\'';
        if (quoted)
        {
            k++;
        }

        var valueStart = k;
        while (k < s.Length && (quoted ? s[k] != quote : !IsValueStop(s[k])))
        {
            k++;
        }

        var value = s.Slice(valueStart, k - valueStart);
        if (value.Length == 0 || IsPlaceholder(value))
        {
            return false;
        }

        // "Password: required" is prose; a secret written after a colon without quotes must look like one.
        if (!quoted && s[separator] == ':' && !LooksLikeToken(value, 1))
        {
            return false;
        }

        if (quoted && k < s.Length)
        {
            k++;
        }

        match = new Candidate(PiiKind.ApiKey, keyStart, k);
        return true;
    }

    private static bool IsValueStop(char c) =>
        Chars.IsWhiteSpace(c) || c == ';' || c == ',' || c == '&' || c == '"' || c == '\'' || c == '}' || c == ')' ||
        c == ']' || c < ' ';

    /// <summary>Masked values, templates and variables hold no secret; a path after PWD= is the working
    /// directory, which the path detector judges.</summary>
    private static bool IsPlaceholder(ReadOnlySpan<char> value)
    {
        var first = value[0];
        if (first is '[' or '{' or '*' or '<' or '$' or '%' or '/' or '~' or '#')
        {
            return true;
        }

        return value.Equals("null".AsSpan(), StringComparison.OrdinalIgnoreCase) ||
               value.Equals("none".AsSpan(), StringComparison.OrdinalIgnoreCase) ||
               value.Equals("true".AsSpan(), StringComparison.OrdinalIgnoreCase) ||
               value.Equals("false".AsSpan(), StringComparison.OrdinalIgnoreCase);
    }

    private static bool StartsWith(ReadOnlySpan<char> t, string prefix) => t.StartsWith(prefix.AsSpan());

    private static bool IsUpperAlnum(ReadOnlySpan<char> t)
    {
        foreach (var c in t)
        {
            if (!Chars.IsUpper(c) && !Chars.IsDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAlnum(ReadOnlySpan<char> t)
    {
        foreach (var c in t)
        {
            if (!Chars.IsAsciiAlnum(c))
            {
                return false;
            }
        }

        return true;
    }
}

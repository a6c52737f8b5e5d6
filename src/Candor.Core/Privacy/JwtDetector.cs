namespace Candor.Core.Privacy;

/// <summary>Finds JSON Web Tokens: a base64url header that starts with <c>eyJ</c> (the encoding of <c>{"</c>), a
/// payload and a signature, dot-separated (five parts for an encrypted token).</summary>
internal static class JwtDetector
{
    private const int MinimumHeaderLength = 10;

    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = from;
        while (i < s.Length)
        {
            var found = s.Slice(i).IndexOf("eyJ".AsSpan());
            if (found < 0)
            {
                break;
            }

            var start = i + found;
            i = start + 3;
            var prev = Chars.At(s, start - 1);
            if (Chars.IsTokenChar(prev) || prev == '.')
            {
                continue;
            }

            var header = Run(s, start);
            if (header - start < MinimumHeaderLength || Chars.At(s, header) != '.')
            {
                continue;
            }

            var payload = Run(s, header + 1);
            if (payload - header - 1 < 2 || Chars.At(s, payload) != '.')
            {
                continue;
            }

            // The signature may be empty (alg "none"); an encrypted token has two more parts.
            var end = Run(s, payload + 1);
            for (var extra = 0; extra < 2 && Chars.At(s, end) == '.' && Chars.IsTokenChar(Chars.At(s, end + 1)); extra++)
            {
                end = Run(s, end + 1);
            }

            match = new Candidate(PiiKind.Jwt, start, end);
            return true;
        }

        match = default;
        return false;
    }

    private static int Run(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && Chars.IsTokenChar(s[i]))
        {
            i++;
        }

        return i;
    }
}

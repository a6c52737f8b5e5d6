namespace Candor.Core.Privacy;

/// <summary>Finds URLs that carry user information (<c>scheme://user:pass@host</c>) or a query string
/// (<c>?a=b</c>), and reports the whole URL. A URL with neither is not reported: paths and hosts of services are
/// system metadata (an IP host is still found by the IP detectors).</summary>
internal static class UrlDetector
{
    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = from;
        var stop = -1;
        var question = -1;
        while (i < s.Length)
        {
            var found = s.Slice(i).IndexOf("://".AsSpan());
            if (found < 0)
            {
                break;
            }

            var marker = i + found;
            i = marker + 3;

            var start = marker;
            while (start > from && IsSchemeChar(s[start - 1]))
            {
                start--;
            }

            // A scheme starts with a letter ("2http://" is not one).
            while (start < marker && !Chars.IsAsciiLetter(s[start]))
            {
                start++;
            }

            if (start == marker)
            {
                continue;
            }

            var authorityStart = marker + 3;
            var authorityEnd = authorityStart;
            var userInfoEnd = -1;
            while (authorityEnd < s.Length && !IsUrlStop(s[authorityEnd]) && s[authorityEnd] != '/' &&
                   s[authorityEnd] != '?' && s[authorityEnd] != '#' && s[authorityEnd] != '\\')
            {
                if (s[authorityEnd] == '@')
                {
                    userInfoEnd = authorityEnd;
                }

                authorityEnd++;
            }

            // Where the URL stops and where its query starts are cached across markers: every "://" that is no
            // match would otherwise rescan the rest of the value, which is quadratic on "a://a://a://...".
            if (stop < authorityEnd)
            {
                stop = authorityEnd;
                while (stop < s.Length && !IsUrlStop(s[stop]))
                {
                    stop++;
                }
            }

            // The query is looked for inside this URL only: a search to the end of the value would be repeated on
            // every call, once per URL found.
            if (question < authorityEnd)
            {
                var next = s.Slice(authorityEnd, stop - authorityEnd).IndexOf('?');
                question = next < 0 ? stop : authorityEnd + next;
            }

            var query = question < stop ? question : -1;
            var end = TrimTrailingPunctuation(s, authorityStart, stop);
            PiiKind kind;
            if (userInfoEnd > authorityStart)
            {
                kind = PiiKind.UrlWithCredentials;
            }
            else if (query >= 0 && query + 1 < end)
            {
                kind = PiiKind.UrlWithQuery;
            }
            else
            {
                continue;
            }

            match = new Candidate(kind, start, end);
            return true;
        }

        match = default;
        return false;
    }

    private static bool IsSchemeChar(char c) => Chars.IsAsciiAlnum(c) || c == '+' || c == '-' || c == '.';

    /// <summary>Characters a URL cannot hold unencoded. Beyond ASCII, a bracket or quotation mark (「」, 《》, “ ”)
    /// closes the sentence around the URL, as in Chinese and Japanese text, rather than belonging to it.</summary>
    private static bool IsUrlStop(char c) =>
        Chars.IsWhiteSpace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '\0' || c < ' ' ||
        (c > 127 && char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.OpenPunctuation or
            System.Globalization.UnicodeCategory.ClosePunctuation or System.Globalization.UnicodeCategory.InitialQuotePunctuation or
            System.Globalization.UnicodeCategory.FinalQuotePunctuation);

    /// <summary>A URL that ends a sentence or sits in parentheses leaves that punctuation outside.</summary>
    private static int TrimTrailingPunctuation(ReadOnlySpan<char> s, int start, int end)
    {
        while (end > start)
        {
            var c = s[end - 1];
            if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!')
            {
                end--;
            }
            else if (c == ')' && s.Slice(start, end - start).IndexOf('(') < 0)
            {
                end--;
            }
            else
            {
                break;
            }
        }

        return end;
    }
}

namespace Candor.Core.Privacy;

/// <summary>Finds email addresses by their <c>@</c>, growing the local part backwards and the domain forwards.</summary>
/// <remarks>The domain needs a dot and an alphabetic top-level label of two or more letters, which keeps package
/// pins (<c>lodash@4.17.21</c>) and decorators (<c>@Override</c>) out. Image density suffixes
/// (<c>icon@2x.png</c>) look like addresses and are excluded by name.</remarks>
internal static class EmailDetector
{
    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = from;
        while (i < s.Length)
        {
            var at = s.Slice(i).IndexOf('@');
            if (at < 0)
            {
                break;
            }

            at += i;
            var start = at;
            while (start > from && IsLocalChar(s[start - 1]))
            {
                start--;
            }

            // A sentence may run into the address ("...at .bob@x.com"); dots cannot start a local part.
            while (start < at && s[start] == '.')
            {
                start++;
            }

            var end = at + 1;
            while (end < s.Length && IsDomainChar(s[end]))
            {
                end++;
            }

            // "Mail bob@contoso.com." ends a sentence, not the domain.
            while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-'))
            {
                end--;
            }

            if (start < at && s[at - 1] != '.' && IsDomain(s.Slice(at + 1, end - at - 1)))
            {
                match = new Candidate(PiiKind.Email, start, end);
                return true;
            }

            i = at + 1;
        }

        match = default;
        return false;
    }

    private static bool IsLocalChar(char c) =>
        Chars.IsWord(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';

    private static bool IsDomainChar(char c) => Chars.IsWord(c) || c == '.' || c == '-';

    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        var labels = 0;
        var labelStart = 0;
        for (var i = 0; i <= domain.Length; i++)
        {
            if (i < domain.Length && domain[i] != '.')
            {
                continue;
            }

            var label = domain.Slice(labelStart, i - labelStart);
            if (label.Length == 0 || label.Length > 63 || label[0] == '-' || label[label.Length - 1] == '-')
            {
                return false;
            }

            if (labels == 0 && IsDensitySuffix(label))
            {
                return false;
            }

            labels++;
            labelStart = i + 1;
            if (i == domain.Length)
            {
                return labels >= 2 && IsTopLevelLabel(label);
            }
        }

        return false;
    }

    private static bool IsTopLevelLabel(ReadOnlySpan<char> label)
    {
        if (label.Length < 2)
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!Chars.IsLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The <c>2x</c> in <c>icon@2x.png</c>.</summary>
    private static bool IsDensitySuffix(ReadOnlySpan<char> label)
    {
        if (label.Length < 2 || (label[label.Length - 1] | 0x20) != 'x')
        {
            return false;
        }

        for (var i = 0; i < label.Length - 1; i++)
        {
            if (!Chars.IsDigit(label[i]))
            {
                return false;
            }
        }

        return true;
    }
}

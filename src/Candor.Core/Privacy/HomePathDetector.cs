using System.Globalization;

namespace Candor.Core.Privacy;

/// <summary>Finds paths inside a user's home or profile directory and reports the whole path, since file and folder
/// names under a home directory are the user's own content.</summary>
/// <remarks>
/// <para>Recognised roots: <c>X:\Users\&lt;name&gt;</c> (either separator, doubled separators as in escaped JSON, and the
/// <c>\\?\</c> and <c>\\.\</c> prefixes, and <c>/mnt/c/Users/</c> or <c>/c/Users/</c> as WSL and Git Bash show them),
/// <c>X:\Documents and Settings\&lt;name&gt;</c>, <c>/home/&lt;name&gt;</c>,
/// <c>/Users/&lt;name&gt;</c>, <c>/root/</c> and <c>~/</c>. Profiles that belong to no person (<c>Public</c>,
/// <c>Default</c>, <c>All Users</c>, <c>Shared</c>) are not reported.</para>
/// <para>A path ends at whitespace, a quote or another character that cannot be in a path, except that a space is
/// crossed when the next word holds a separator: <c>C:\Users\John Smith\Desktop</c> is one path, so a surname cannot
/// escape redaction.</para>
/// </remarks>
internal static class HomePathDetector
{
    private static readonly CharSet Triggers = new(@"\/~:");

    private static readonly string[] ImpersonalProfiles = ["Public", "Default", "Default User", "All Users", "Shared"];

    private static readonly string[] UserFolders =
    [
        "Users", "Documents and Settings", "home", "homes", "profiles", "Users$", "home$", "homes$", "profiles$",
        "profile$", "UserProfiles", "UserProfiles$", "RedirectedFolders", "RedirectedFolders$", "Redirected",
        "FolderRedirection", "UserData", "UserData$", "UserHome", "UserHomes", "UserHome$", "UserHomes$",
    ];

    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        for (var i = Triggers.IndexOfAny(s, from); i >= 0; i = i + 1 < s.Length ? Triggers.IndexOfAny(s, i + 1) : -1)
        {
            var c = s[i];
            int end;

            // A drive letter is found through its colon.
            if (c == ':')
            {
                var drive = i - 1;
                if (drive >= from && Chars.IsAsciiLetter(s[drive]) && Chars.IsPathSeparator(Chars.At(s, i + 1)) &&
                    !Chars.IsWord(Chars.At(s, drive - 1)) && TryWindows(s, drive, out end))
                {
                    match = new Candidate(PiiKind.HomeDirectoryPath, drive, end);
                    return true;
                }

                continue;
            }

            if (c == '\\' && (Chars.Matches(s, i, @"\\?\") || Chars.Matches(s, i, @"\\.\")) &&
                !Chars.IsPathSeparator(Chars.At(s, i - 1)) && TryWindows(s, i + 4, out end))
            {
                match = new Candidate(PiiKind.HomeDirectoryPath, i, end);
                return true;
            }

            if (c == '/' && IsRootBoundary(Chars.At(s, i - 1)) && TryUnix(s, i, out end))
            {
                match = new Candidate(PiiKind.HomeDirectoryPath, i, end);
                return true;
            }

            if (c == '~' && Chars.At(s, i + 1) == '/' && IsRootBoundary(Chars.At(s, i - 1)))
            {
                match = new Candidate(PiiKind.HomeDirectoryPath, i, ExtendPath(s, i + 2));
                return true;
            }
        }

        match = default;
        return false;
    }

    /// <summary>What may stand before a rooted Unix path: not a word, so <c>/api/Users/42</c> is a URL path, not a
    /// home directory; a slash is allowed for <c>file:///Users/...</c>.</summary>
    private static bool IsRootBoundary(char c) => !Chars.IsWord(c) && c != '.' && c != '-' && c != '_' && c != '~';

    private static bool TryWindows(ReadOnlySpan<char> s, int drive, out int end)
    {
        end = 0;
        if (!Chars.IsAsciiLetter(Chars.At(s, drive)) || Chars.At(s, drive + 1) != ':')
        {
            return false;
        }

        var i = SkipSeparators(s, drive + 2);
        if (i == drive + 2)
        {
            return false;
        }

        var afterRoot = i + UserFolderLength(s, i);
        var nameStart = SkipSeparators(s, afterRoot);
        return afterRoot > i && nameStart != afterRoot && TryProfile(s, nameStart, out end);
    }

    private static bool TryUnix(ReadOnlySpan<char> s, int slash, out int end)
    {
        end = 0;
        if (Chars.Matches(s, slash, "/home/") || Chars.Matches(s, slash, "/Users/"))
        {
            return TryProfile(s, SkipSeparators(s, slash + (s[slash + 1] == 'h' ? 5 : 6)), out end);
        }

        // A Windows profile seen from WSL (/mnt/c/Users/...) or Git Bash and MSYS (/c/Users/...).
        var drive = Chars.Matches(s, slash, "/mnt/") ? slash + 5 : slash + 1;
        if (Chars.IsAsciiLetter(Chars.At(s, drive)) && Chars.MatchesIgnoreCase(s, drive + 1, "/Users/"))
        {
            return TryProfile(s, SkipSeparators(s, drive + 7), out end);
        }

        // root's home is no person's name, but what is under it is still the operator's content.
        if (Chars.Matches(s, slash, "/root/"))
        {
            end = ExtendPath(s, slash + 6);
            return true;
        }

        return false;
    }

    /// <summary>The length of a folder that holds one folder per person (<c>Users</c>, <c>Documents and Settings</c>,
    /// <c>home</c>, <c>homes</c>, <c>profiles</c>, and their hidden-share and redirection forms on file servers) when
    /// one starts at <paramref name="i"/> and ends at a separator; otherwise 0. Home drives mapped from a file server
    /// (<c>H:\home\jsmith</c>, <c>Z:\profiles\jsmith</c>) use the same names as the shares.</summary>
    internal static int UserFolderLength(ReadOnlySpan<char> s, int i)
    {
        foreach (var folder in UserFolders)
        {
            if (Chars.MatchesIgnoreCase(s, i, folder) && Chars.IsPathSeparator(Chars.At(s, i + folder.Length)))
            {
                return folder.Length;
            }
        }

        return 0;
    }

    internal static bool TryProfile(ReadOnlySpan<char> s, int nameStart, out int end)
    {
        end = 0;
        var nameEnd = nameStart;
        var hasLetter = false;
        while (nameEnd < s.Length && !Chars.IsPathSeparator(s[nameEnd]) && !IsPathStop(s[nameEnd]) &&
               !(Chars.IsWhiteSpace(s[nameEnd]) && !ContinuesPath(s, nameEnd)))
        {
            hasLetter |= Chars.IsLetter(s[nameEnd]);
            nameEnd++;
        }

        // Account names start with a letter; "/Users/42" is a REST route.
        if (!hasLetter)
        {
            return false;
        }

        var name = s.Slice(nameStart, nameEnd - nameStart).TrimEnd('.');
        foreach (var profile in ImpersonalProfiles)
        {
            if (name.Equals(profile.AsSpan(), StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        end = ExtendPath(s, nameStart);
        return true;
    }

    internal static int SkipSeparators(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && Chars.IsPathSeparator(s[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Characters that cannot be in a path, or that in practice close one (quotes, list separators).</summary>
    internal static bool IsPathStop(char c) =>
        c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' || c == '|' || c == '*' || c == '?' || c == ',' ||
        c == ';' || c == '\0' || c < ' ' ||
        (c > 127 && char.GetUnicodeCategory(c) is UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation);

    /// <summary>Whether the word after the whitespace at <paramref name="space"/> holds a separator.</summary>
    internal static bool ContinuesPath(ReadOnlySpan<char> s, int space)
    {
        if (Chars.At(s, space) != ' ')
        {
            return false;
        }

        for (var i = space + 1; i < s.Length; i++)
        {
            var c = s[i];
            if (Chars.IsWhiteSpace(c) || IsPathStop(c))
            {
                return false;
            }

            if (Chars.IsPathSeparator(c))
            {
                return i > space + 1;
            }
        }

        return false;
    }

    internal static int ExtendPath(ReadOnlySpan<char> s, int start)
    {
        var i = start;
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (IsPathStop(c) || (Chars.IsWhiteSpace(c) && !ContinuesPath(s, i)))
            {
                break;
            }

            // Brackets of any script (「」, 【】) close the path unless it opened them: "(x86)" belongs to a path.
            if (c == '(' || c == '[' || c == '{' || (c > 127 && char.GetUnicodeCategory(c) == UnicodeCategory.OpenPunctuation))
            {
                depth++;
            }
            else if (c == ')' || c == ']' || c == '}' || (c > 127 && char.GetUnicodeCategory(c) == UnicodeCategory.ClosePunctuation))
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }

            i++;
        }

        // A path that ends a sentence or a "file:" label keeps its punctuation outside.
        while (i > start && (s[i - 1] == '.' || s[i - 1] == ':'))
        {
            i--;
        }

        return i;
    }
}

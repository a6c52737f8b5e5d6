namespace Candor.Core.Privacy;

/// <summary>Finds network paths to a person's folder on a file server: UNC paths (<c>\\server\share\...</c>, also
/// <c>\\?\UNC\server\share</c>, <c>//server/share</c>) and <c>smb:</c>, <c>cifs:</c>, <c>afp:</c>, <c>nfs:</c> and
/// <c>file:</c> URLs, reported whole as <see cref="PiiKind.HomeDirectoryPath"/>, like a local home path.</summary>
/// <remarks>
/// <para>A path is personal when its share, or the folder right under the share, is one that holds a folder per
/// person and a name follows (<c>\\fs01\Users\jsmith</c>, <c>\\fs01\homes\jsmith</c>, <c>\\fs01\profiles$\jsmith.V6</c>,
/// <c>\\corp\dfs\home\jsmith</c>); when it reaches a profile through a drive's admin share
/// (<c>\\srv\c$\Users\jsmith</c>); or when the share itself is a hidden per-person share (<c>\\srv\jsmith$</c>), which
/// is how home folders are commonly shared. Hidden shares that Windows and deployment tools create
/// (<c>ADMIN$</c>, <c>IPC$</c>, <c>print$</c>, <c>SCCMContentLib$</c>, <c>deploy$</c>, ...) are system shares, and so is
/// any share not named after people (<c>\\fs01\builds\...</c>).</para>
/// <para>The start of the path must not continue a word or a URL (<c>https://host/...</c> is a web URL, found by the
/// URL detector when it carries a query or credentials).</para>
/// </remarks>
internal static class NetworkPathDetector
{
    private static readonly CharSet Separators = new(@"\/");

    private static readonly string[] Schemes = ["smb", "cifs", "afp", "nfs", "file"];

    /// <summary>Hidden shares that belong to the system or to software distribution, not to a person.</summary>
    private static readonly string[] SystemShares =
    [
        "admin$", "ipc$", "print$", "fax$", "sysvol$", "netlogon$", "reminst$", "deploymentshare$", "deploy$", "logs$",
        "log$", "apps$", "app$", "software$", "source$", "sources$", "install$", "installs$", "scripts$", "backup$",
        "backups$", "data$", "share$", "shared$", "public$", "temp$", "tmp$", "tools$", "packages$", "media$",
        "images$", "drivers$", "updates$", "builds$", "build$", "os$", "distribution$", "wsuscontent$", "smssig$",
        "sccmcontentlib$", "dfsroots$", "clusterstorage$", "vss$", "certenroll$",
    ];

    public static bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = Separators.IndexOfAny(s, from);
        while (i >= 0)
        {
            var runEnd = HomePathDetector.SkipSeparators(s, i);
            if (runEnd - i >= 2 && TryAt(s, from, i, runEnd, out match))
            {
                return true;
            }

            i = runEnd < s.Length ? Separators.IndexOfAny(s, runEnd) : -1;
        }

        match = default;
        return false;
    }

    private static bool TryAt(ReadOnlySpan<char> s, int from, int runStart, int runEnd, out Candidate match)
    {
        match = default;
        var start = runStart;
        var prev = Chars.At(s, runStart - 1);
        if (prev == ':')
        {
            var schemeStart = runStart - 1;
            while (schemeStart > from && Chars.IsAsciiLetter(s[schemeStart - 1]))
            {
                schemeStart--;
            }

            if (!IsScheme(s.Slice(schemeStart, runStart - 1 - schemeStart)) || Chars.IsWord(Chars.At(s, schemeStart - 1)))
            {
                return false;
            }

            start = schemeStart;
        }
        else if (Chars.IsWord(prev) || prev is '.' or '_' or '-' or '~' or '$' or '%')
        {
            return false;
        }

        var serverStart = runEnd;
        if (Chars.Matches(s, runStart, @"\\?\") || Chars.Matches(s, runStart, @"\\.\"))
        {
            // Win32 namespaces: a drive path (\\?\C:\Users\...) is the home path detector's; \\?\UNC\ is a share.
            if (!Chars.MatchesIgnoreCase(s, runStart + 4, "UNC") || !Chars.IsPathSeparator(Chars.At(s, runStart + 7)))
            {
                return false;
            }

            serverStart = HomePathDetector.SkipSeparators(s, runStart + 7);
        }

        var serverEnd = SegmentEnd(s, serverStart);
        if (serverEnd == serverStart || !Chars.IsAsciiAlnum(s[serverStart]))
        {
            return false;
        }

        var shareStart = HomePathDetector.SkipSeparators(s, serverEnd);
        var shareEnd = SegmentEnd(s, shareStart);
        if (shareStart == serverEnd || shareEnd == shareStart || !IsPersonal(s, shareStart, shareEnd, out var end))
        {
            return false;
        }

        match = new Candidate(PiiKind.HomeDirectoryPath, start, end);
        return true;
    }

    private static bool IsPersonal(ReadOnlySpan<char> s, int shareStart, int shareEnd, out int end)
    {
        end = 0;
        var share = s.Slice(shareStart, shareEnd - shareStart);
        var next = HomePathDetector.SkipSeparators(s, shareEnd);
        var hasNext = next > shareEnd && next < s.Length;

        // \\fs01\homes\jsmith: the share holds a folder per person.
        if (HomePathDetector.UserFolderLength(s, shareStart) == share.Length)
        {
            return hasNext && HomePathDetector.TryProfile(s, next, out end);
        }

        // \\srv\c$\Users\jsmith, \\corp\dfs\home\jsmith: one level down.
        var folder = hasNext ? HomePathDetector.UserFolderLength(s, next) : 0;
        if (folder > 0)
        {
            var name = HomePathDetector.SkipSeparators(s, next + folder);
            return name > next + folder && HomePathDetector.TryProfile(s, name, out end);
        }

        // \\srv\jsmith$: a hidden share named after its owner.
        if (share.Length >= 3 && share[share.Length - 1] == '$' && !IsSystemShare(share))
        {
            end = HomePathDetector.ExtendPath(s, shareStart);
            return true;
        }

        return false;
    }

    private static bool IsSystemShare(ReadOnlySpan<char> share)
    {
        // Drive admin shares (C$) and the tool families that create many (SMSPKGC$, SMS_SITE$, WSUS...).
        if (share.Length == 2 || Chars.MatchesIgnoreCase(share, 0, "sms") || Chars.MatchesIgnoreCase(share, 0, "sccm") ||
            Chars.MatchesIgnoreCase(share, 0, "wsus"))
        {
            return true;
        }

        var hasLetter = false;
        foreach (var c in share)
        {
            hasLetter |= Chars.IsLetter(c);
        }

        if (!hasLetter)
        {
            return true;
        }

        foreach (var system in SystemShares)
        {
            if (share.Length == system.Length && Chars.MatchesIgnoreCase(share, 0, system))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        foreach (var known in Schemes)
        {
            if (scheme.Length == known.Length && Chars.MatchesIgnoreCase(scheme, 0, known))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The end of a path segment: a separator, a character that closes a path, or whitespace that the path
    /// does not continue across.</summary>
    private static int SegmentEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && !Chars.IsPathSeparator(s[i]) && !HomePathDetector.IsPathStop(s[i]) &&
               !(Chars.IsWhiteSpace(s[i]) && !HomePathDetector.ContinuesPath(s, i)))
        {
            i++;
        }

        return i;
    }
}

namespace Candor.Core.Privacy;

/// <summary>Finds IPv4 and IPv6 addresses.</summary>
/// <remarks>
/// <para>IPv4: four dot-separated decimal octets, each 0-255 without a leading zero, not inside a longer dotted or
/// alphanumeric run. A four-part version whose parts are all 0-255 (<c>1.2.3.4</c>) cannot be told from an address
/// by its shape, so it is reported unless a version context precedes it (<c>v1.2.3.4</c>, <c>Version=1.0.0.0</c>,
/// <c>build 4.0.30319.42</c>). Fields declared as versions are validated by their type and never scanned, which is
/// where versions belong.</para>
/// <para>IPv6: hex groups with at least two colons, eight groups in full form, fewer with one <c>::</c>, an optional
/// trailing IPv4 and zone id. Times (<c>10:00:05</c>) and MAC addresses have the wrong group count; C++ scopes
/// (<c>std::vector</c>) hold non-hex letters. Compressed forms must hold a digit and not mix letter case, which
/// keeps identifiers such as <c>Abc::Def1</c> out.</para>
/// </remarks>
internal static class IpAddressDetector
{
    private static readonly string[] VersionWords = ["ver", "v", "build", "release", "firmware"];

    public static bool TryFindV4(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = from;
        while (i < s.Length)
        {
            if (!Chars.IsDigit(s[i]))
            {
                i++;
                continue;
            }

            var prev = Chars.At(s, i - 1);
            if (!Chars.IsWord(prev) && prev != '.' && prev != '_' && TryParseV4(s, i, out var end) &&
                !IsVersionContext(s, i))
            {
                match = new Candidate(PiiKind.IpV4Address, i, end);
                return true;
            }

            // No address starts inside a dotted number run, so skip the whole run.
            while (i < s.Length && (Chars.IsDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
        }

        match = default;
        return false;
    }

    public static bool TryFindV6(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = from;
        while (i < s.Length)
        {
            var c = s[i];
            if (!Chars.IsHex(c) && c != ':')
            {
                i++;
                continue;
            }

            var runStart = i;
            var runEnd = i;
            while (runEnd < s.Length && (Chars.IsHex(s[runEnd]) || s[runEnd] == ':' || s[runEnd] == '.'))
            {
                runEnd++;
            }

            i = runEnd;
            var prev = Chars.At(s, runStart - 1);
            var next = Chars.At(s, runEnd);
            if (Chars.IsWord(prev) || prev == '_' || Chars.IsWord(next) || next == '_')
            {
                continue;
            }

            // "addr:fe80::1" and "at ::1: refused" carry a label or a sentence colon on the run.
            var start = runStart;
            var end = runEnd;
            while (end > start && s[end - 1] == '.')
            {
                end--;
            }

            if (s[start] == ':' && Chars.At(s, start + 1) != ':')
            {
                start++;
            }

            if (end - start > 2 && s[end - 1] == ':' && s[end - 2] != ':')
            {
                end--;
            }

            if (!IsV6(s.Slice(start, end - start)))
            {
                continue;
            }

            // A zone id ("%eth0", "%12") names the interface: part of the address.
            if (Chars.At(s, end) == '%' && Chars.IsAsciiAlnum(Chars.At(s, end + 1)))
            {
                end++;
                while (end < s.Length && Chars.IsAsciiAlnum(s[end]))
                {
                    end++;
                }
            }

            match = new Candidate(PiiKind.IpV6Address, start, end);
            return true;
        }

        match = default;
        return false;
    }

    private static bool TryParseV4(ReadOnlySpan<char> s, int i, out int end)
    {
        end = i;
        for (var part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (Chars.At(s, i) != '.')
                {
                    return false;
                }

                i++;
            }

            var digits = 0;
            var value = 0;
            while (Chars.IsDigit(Chars.At(s, i)))
            {
                if (++digits > 3)
                {
                    return false;
                }

                value = (value * 10) + (s[i] - '0');
                i++;
            }

            // A leading zero ("010") marks a padded number, not an octet.
            if (digits == 0 || value > 255 || (digits > 1 && s[i - digits] == '0'))
            {
                return false;
            }
        }

        var next = Chars.At(s, i);
        // "1.2.3.4.5" and "1.2.3.4a" are something else; "1.2.3.4-1.2.3.9" is a range of two addresses.
        if (Chars.IsWord(next) || next == '_' || (next == '.' && Chars.IsDigit(Chars.At(s, i + 1))))
        {
            return false;
        }

        end = i;
        return true;
    }

    /// <summary>Whether the word before the number (skipping <c>=</c>, <c>:</c>, quotes and spaces) says it is a
    /// version.</summary>
    private static bool IsVersionContext(ReadOnlySpan<char> s, int start)
    {
        var i = start - 1;
        var skipped = 0;
        while (i >= 0 && skipped < 4 && (s[i] == ' ' || s[i] == '=' || s[i] == ':' || s[i] == '"' || s[i] == '\''))
        {
            i--;
            skipped++;
        }

        var wordEnd = i + 1;
        while (i >= 0 && Chars.IsAsciiLetter(s[i]))
        {
            i--;
        }

        var word = s.Slice(i + 1, wordEnd - i - 1);
        if (word.Length == 0)
        {
            return false;
        }

        // Suffix match for "version": FileVersion, AssemblyVersion, ProductVersion.
        if (word.EndsWith("version".AsSpan(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var versionWord in VersionWords)
        {
            if (word.Equals(versionWord.AsSpan(), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsV6(ReadOnlySpan<char> a)
    {
        var colons = 0;
        var compressedAt = -1;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != ':')
            {
                continue;
            }

            colons++;
            if (i + 1 < a.Length && a[i + 1] == ':')
            {
                if (compressedAt >= 0 || (i + 2 < a.Length && a[i + 2] == ':'))
                {
                    return false;
                }

                compressedAt = i;
            }
        }

        if (colons < 2)
        {
            return false;
        }

        var groups = 0;
        var hasDigit = false;
        var hasUpper = false;
        var hasLower = false;
        var groupStart = 0;
        for (var i = 0; i <= a.Length; i++)
        {
            if (i < a.Length && a[i] != ':')
            {
                continue;
            }

            var group = a.Slice(groupStart, i - groupStart);
            groupStart = i + 1;
            if (group.Length == 0)
            {
                // Only the empty groups of the one "::" (and its ends) are allowed.
                var inCompression = compressedAt >= 0 && i >= compressedAt && i <= compressedAt + 1;
                var atEdge = (i == 0 || i == a.Length) && compressedAt >= 0 &&
                             (compressedAt == 0 || compressedAt == a.Length - 2);
                if (!inCompression && !atEdge)
                {
                    return false;
                }

                continue;
            }

            if (i == a.Length && group.IndexOf('.') >= 0)
            {
                if (!TryParseV4(group, 0, out var v4End) || v4End != group.Length)
                {
                    return false;
                }

                groups += 2;
                hasDigit = true;
                continue;
            }

            if (group.Length > 4)
            {
                return false;
            }

            foreach (var c in group)
            {
                if (!Chars.IsHex(c))
                {
                    return false;
                }

                hasDigit |= Chars.IsDigit(c);
                hasUpper |= Chars.IsUpper(c);
                hasLower |= Chars.IsLower(c);
            }

            groups++;
        }

        if (compressedAt < 0)
        {
            return groups == 8;
        }

        return groups <= 7 && hasDigit && !(hasUpper && hasLower);
    }
}

namespace Candor.Core.Privacy;

/// <summary>Finds device names that identify a person or a machine without being configured: the names Windows
/// gives new machines (<c>DESKTOP-7QK2M1F</c>, <c>LAPTOP-JS42AB1C</c>) and the names phones and Macs are given after
/// their owner (<c>Jane's iPhone</c>). Reported as <see cref="PiiKind.MachineName"/>, so the collector catches them
/// without knowing the sending device.</summary>
/// <remarks>A generated Windows name is 15 characters (the NetBIOS limit) whose random suffix is of one case and holds
/// a digit, so words such as <c>DESKTOP-CLIENT</c> and <c>desktop-preview</c> are not names; a generated suffix without
/// any digit (about one in ten) is missed, the price of that precision. An owner's name is a capitalised
/// word before <c>'s</c> and a device word; device makers' own names (<c>Apple's iPhone</c>) are not people.</remarks>
internal static class DeviceNameDetector
{
    private static readonly string[] WindowsPrefixes = ["DESKTOP-", "LAPTOP-"];

    private static readonly string[] DeviceWords =
    [
        "iPhone", "iPad", "iPod", "MacBook", "iMac", "Mac", "Apple Watch", "Watch", "Galaxy", "Pixel", "PC", "Laptop",
        "Phone", "Tablet", "Kindle", "Surface", "Android",
    ];

    private static readonly string[] Makers = ["Apple", "Microsoft", "Google", "Samsung", "Amazon"];

    // Two detectors to the scanner, for the reason AuthorizationDetector gives.
    public static bool TryFindWindows(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        // Search for the dash, which is rare, and look back for the prefix: a case-insensitive search for the
        // prefixes themselves costs more than the rest of the scan.
        var i = from;
        while (i < s.Length)
        {
            var dash = s.Slice(i).IndexOf('-');
            if (dash < 0)
            {
                break;
            }

            dash += i;
            i = dash + 1;
            foreach (var prefix in WindowsPrefixes)
            {
                var start = dash + 1 - prefix.Length;
                if (start < from || !Chars.MatchesIgnoreCase(s, start, prefix))
                {
                    continue;
                }

                var end = dash + 1;
                int upper = 0, lower = 0, digits = 0;
                while (end < s.Length && Chars.IsAsciiAlnum(s[end]))
                {
                    upper += Chars.IsUpper(s[end]) ? 1 : 0;
                    lower += Chars.IsLower(s[end]) ? 1 : 0;
                    digits += Chars.IsDigit(s[end]) ? 1 : 0;
                    end++;
                }

                // Windows fills the name up to the 15 characters NetBIOS allows.
                var generated = end - start == 15 && (upper == 0 || lower == 0) && digits > 0;
                if (generated && !Chars.IsWord(Chars.At(s, start - 1)) && Chars.At(s, end) != '-' &&
                    Chars.At(s, end) != '_')
                {
                    match = new Candidate(PiiKind.MachineName, start, end);
                    return true;
                }
            }
        }

        match = default;
        return false;
    }

    public static bool TryFindOwned(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var i = from;
        while (i < s.Length)
        {
            var found = s.Slice(i).IndexOfAny('\'', '\u2019');
            if (found < 0)
            {
                break;
            }

            var apostrophe = i + found;
            i = apostrophe + 1;
            if (Chars.At(s, apostrophe + 1) != 's' || Chars.At(s, apostrophe + 2) != ' ')
            {
                continue;
            }

            var start = apostrophe;
            while (start > from && Chars.IsLetter(s[start - 1]))
            {
                start--;
            }

            var name = s.Slice(start, apostrophe - start);
            if (name.Length < 2 || !char.IsUpper(name[0]) || IsMaker(name) || Chars.IsWord(Chars.At(s, start - 1)))
            {
                continue;
            }

            foreach (var device in DeviceWords)
            {
                var end = apostrophe + 3 + device.Length;
                if (Chars.MatchesIgnoreCase(s, apostrophe + 3, device) && !Chars.IsLetter(Chars.At(s, end)))
                {
                    match = new Candidate(PiiKind.MachineName, start, end);
                    return true;
                }
            }
        }

        match = default;
        return false;
    }

    private static bool IsMaker(ReadOnlySpan<char> name)
    {
        foreach (var maker in Makers)
        {
            if (name.Equals(maker.AsSpan(), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

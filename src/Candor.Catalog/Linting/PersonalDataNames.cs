namespace Candor.Catalog.Linting;

/// <summary>Decides whether a field name suggests personal data or content. A name is split into words at
/// camelCase humps, acronym ends, and <c>_ - .</c> separators, then matched against word sequences, so that
/// <c>userName</c>, <c>USER_NAME</c>, <c>ownerEmailAddress</c> and <c>ipAddress</c> match while
/// <c>cipherSuite</c> (which holds the letters of "ip") does not: a term only ever matches whole words.
/// A few long, unambiguous terms also match as the start or end of a single word (<c>useremail</c>,
/// <c>emailaddress</c>), because a name written without humps hides its word boundaries.</summary>
internal static class PersonalDataNames
{
    /// <summary>The terms, as sequences of lowercase words. A multi-word term also matches as one word
    /// (<c>[user, name]</c> matches <c>username</c>).</summary>
    public static IReadOnlyList<string[]> Terms { get; } = Build(
        // A person's identity and account
        "email", "emails", "e mail", "user", "users", "upn", "display name", "first name", "last name", "full name",
        "given name", "middle name", "nick name", "surname", "account name", "login name", "signin name",
        "contact name", "customer name", "person name", "owner name", "author", "password", "passwd", "ssn",
        "social security", "birth date", "date of birth", "birthday", "dob",
        // Where a person can be reached or found
        "phone", "phones", "telephone", "phone number", "mobile number", "fax", "address", "addresses", "street",
        "postal code", "postcode", "zip code", "zipcode", "city", "latitude", "longitude", "geo location", "gps",
        // The content of files, records and messages, and where it lives
        "file path", "file name", "path", "paths", "folder", "folders", "folder name", "content", "contents", "body",
        "text", "message", "messages", "subject", "title", "comment", "comments", "note", "notes", "attachment",
        "attachments", "clipboard", "search term", "search terms", "search query", "url", "urls", "uri", "uris",
        // Names and addresses of machines and networks, which often carry a person's name
        "ip", "ipv4", "ipv6", "ip address", "mac address", "host name", "machine name", "computer name",
        "device name", "network name", "wifi name", "ssid");

    /// <summary>Technical terms that contain a term's word but say nothing about a person. Only these exact
    /// word sequences are excused: <c>addressFamily</c> is the IPv4/IPv6 protocol family and
    /// <c>addressSpace</c> a memory size; <c>address</c> alone, or <c>homeAddress</c>, still matches.</summary>
    public static IReadOnlyList<string[]> TechnicalTerms { get; } = Build("address family", "address space");

    /// <summary>Terms long and specific enough to match at the start or end of one word. Left out on purpose:
    /// short words and words that begin or end common technical words (<c>text</c> ends <c>context</c>,
    /// <c>phone</c> ends <c>microphone</c>, <c>author</c> begins <c>authorization</c>, <c>content</c> begins
    /// <c>contention</c>, <c>ip</c> is inside <c>cipher</c>).</summary>
    private static readonly string[] AffixTerms =
    [
        "email", "emails", "address", "addresses", "password", "passwd", "username", "usernames", "hostname",
        "filename", "filepath", "foldername", "folder", "folders", "surname", "phonenumber", "displayname",
        "firstname", "lastname", "fullname", "machinename", "computername", "devicename", "ipaddress",
        "macaddress", "message", "messages", "subject", "birthday", "geolocation", "clipboard", "telephone",
        "attachment", "attachments", "latitude", "longitude",
    ];

    private static readonly HashSet<string> SingleWordTerms =
        Terms.Select(t => string.Concat(t)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The words of a name, lowercase: <c>ownerEmailAddress</c> gives owner, email, address;
    /// <c>USER_NAME</c> gives user, name; <c>userIPAddress</c> gives user, ip, address.</summary>
    public static IReadOnlyList<string> Split(string name)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= name.Length; i++)
        {
            var atEnd = i == name.Length;
            if (atEnd || !char.IsAsciiLetterOrDigit(name[i]))
            {
                Flush(i);
                start = -1;
                continue;
            }

            if (start < 0)
            {
                start = i;
                continue;
            }

            var previous = name[i - 1];
            var current = name[i];
            var hump = char.IsAsciiLetterUpper(current) &&
                (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous));
            var acronymEnd = char.IsAsciiLetterUpper(current) && char.IsAsciiLetterUpper(previous) &&
                i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]);
            if (hump || acronymEnd)
            {
                Flush(i);
                start = i;
            }
        }

        return words;

        void Flush(int end)
        {
            if (start >= 0 && end > start)
            {
                words.Add(name[start..end].ToLowerInvariant());
            }
        }
    }

    /// <summary>The first term the name matches, as written in <see cref="Terms"/> (e.g. <c>email</c> or
    /// <c>display name</c>), or null when the name suggests no personal data.</summary>
    public static string? Match(string name)
    {
        var words = Split(name);
        for (var i = 0; i < words.Count; i++)
        {
            if (TechnicalTerms.FirstOrDefault(t => StartsAt(words, i, t)) is { } technical)
            {
                i += technical.Length - 1;
                continue;
            }

            // Longest first, so that "ip address" is named rather than "ip".
            if (Terms.Where(t => StartsAt(words, i, t)).MaxBy(t => t.Length) is { } term)
            {
                return string.Join(' ', term);
            }

            var word = words[i];
            if (SingleWordTerms.Contains(word))
            {
                return word;
            }

            if (AffixTerms.FirstOrDefault(a => word.StartsWith(a, StringComparison.Ordinal) || word.EndsWith(a, StringComparison.Ordinal)) is { } affix)
            {
                return affix;
            }
        }

        return null;
    }

    private static bool StartsAt(IReadOnlyList<string> words, int index, string[] term)
    {
        if (index + term.Length > words.Count)
        {
            return false;
        }

        for (var j = 0; j < term.Length; j++)
        {
            if (!string.Equals(words[index + j], term[j], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string[][] Build(params string[] terms) =>
        [.. terms.Select(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
}

using System.Text;

namespace Candor.Core.Privacy;

/// <summary>Finds configured names (the device's user and machine names) case-insensitively as whole tokens.</summary>
/// <remarks>A token boundary is any character that is not a letter or digit, so <c>jsmith</c> is found in
/// <c>jsmith_notes</c> and <c>DESKTOP-7QK2M1F.local</c> but not in <c>jsmithers</c>. Immutable after construction.</remarks>
internal sealed class KnownNameDetector
{
    /// <summary>Shorter names match too much ordinary text to be worth reporting.</summary>
    public const int MinimumLength = 3;

    private static readonly string[] GenericAccounts =
    [
        "root", "admin", "administrator", "user", "guest", "runner", "vagrant", "ubuntu", "debian", "dev", "developer",
        "test", "build", "builder", "system", "default", "public", "owner", "docker", "jenkins", "azureuser", "ec2-user",
        "nobody", "daemon", "www-data", "app", "localhost",
    ];

    private readonly string[] _names;
    private readonly CharSet _firstChars;
    private readonly PiiKind _kind;

    public KnownNameDetector(IEnumerable<string?>? names, PiiKind kind)
    {
        _kind = kind;
        var accepted = new List<string>();
        if (names is not null)
        {
            foreach (var name in names)
            {
                var trimmed = name?.Trim();
                if (trimmed is null || trimmed.Length < MinimumLength || IsGenericAccount(trimmed))
                {
                    continue;
                }

                var duplicate = false;
                foreach (var existing in accepted)
                {
                    duplicate |= string.Equals(existing, trimmed, StringComparison.OrdinalIgnoreCase);
                }

                if (!duplicate)
                {
                    accepted.Add(trimmed);
                }
            }
        }

        accepted.Sort(static (a, b) => b.Length.CompareTo(a.Length));
        _names = accepted.ToArray();
        var firstChars = new StringBuilder();
        foreach (var name in _names)
        {
            firstChars.Append(char.ToLowerInvariant(name[0])).Append(char.ToUpperInvariant(name[0]));
        }

        _firstChars = new CharSet(firstChars.ToString());
        ShortestLength = int.MaxValue;
        foreach (var name in _names)
        {
            ShortestLength = Math.Min(ShortestLength, name.Length);
        }
    }

    public bool IsEmpty => _names.Length == 0;

    /// <summary>Service, image and built-in account names that name no person: as a device's user name ("root" in a
    /// container, "runner" on CI) they would flag every "root cause" and "test runner" in the data.</summary>
    internal static bool IsGenericAccount(string name)
    {
        foreach (var generic in GenericAccounts)
        {
            if (string.Equals(name, generic, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The length of the shortest name, so the scanner can skip values that cannot hold any.</summary>
    public int ShortestLength { get; }

    public bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        // One pass for all names, jumping to characters that can start one: searching each name separately would
        // search the later names again after every match of an earlier one.
        for (var i = _firstChars.IndexOfAny(s, from); i >= 0; i = i + 1 < s.Length ? _firstChars.IndexOfAny(s, i + 1) : -1)
        {
            if (Chars.IsWord(Chars.At(s, i - 1)))
            {
                continue;
            }

            // Longest first, so "Anna Lindqvist" wins over "Anna".
            foreach (var name in _names)
            {
                var end = i + name.Length;
                if (end <= s.Length && !Chars.IsWord(Chars.At(s, end)) &&
                    s.Slice(i, name.Length).Equals(name.AsSpan(), StringComparison.OrdinalIgnoreCase))
                {
                    match = new Candidate(_kind, i, end);
                    return true;
                }
            }
        }

        match = default;
        return false;
    }
}

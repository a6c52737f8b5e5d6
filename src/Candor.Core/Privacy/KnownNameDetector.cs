namespace Candor.Core.Privacy;

/// <summary>Finds configured names (the device's user and machine names) case-insensitively as whole tokens.</summary>
/// <remarks>A token boundary is any character that is not a letter or digit, so <c>jsmith</c> is found in
/// <c>jsmith_notes</c> and <c>DESKTOP-7QK2M1F.local</c> but not in <c>jsmithers</c>. Immutable after construction.</remarks>
internal sealed class KnownNameDetector
{
    /// <summary>Shorter names match too much ordinary text to be worth reporting.</summary>
    public const int MinimumLength = 3;

    private readonly string[] _names;
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
                if (trimmed is null || trimmed.Length < MinimumLength)
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

        _names = accepted.ToArray();
        ShortestLength = int.MaxValue;
        foreach (var name in _names)
        {
            ShortestLength = Math.Min(ShortestLength, name.Length);
        }
    }

    public bool IsEmpty => _names.Length == 0;

    /// <summary>The length of the shortest name, so the scanner can skip values that cannot hold any.</summary>
    public int ShortestLength { get; }

    public bool TryFind(ReadOnlySpan<char> s, int from, out Candidate match)
    {
        var bestStart = -1;
        var bestEnd = -1;
        foreach (var name in _names)
        {
            var position = from;
            while (position <= s.Length - name.Length)
            {
                var index = s.Slice(position).IndexOf(name.AsSpan(), StringComparison.OrdinalIgnoreCase);
                if (index < 0)
                {
                    break;
                }

                index += position;
                if (bestStart >= 0 && index > bestStart)
                {
                    break;
                }

                var end = index + name.Length;
                if (!Chars.IsWord(Chars.At(s, index - 1)) && !Chars.IsWord(Chars.At(s, end)))
                {
                    if (bestStart < 0 || index < bestStart || end > bestEnd)
                    {
                        bestStart = index;
                        bestEnd = end;
                    }

                    break;
                }

                position = index + 1;
            }
        }

        match = bestStart >= 0 ? new Candidate(_kind, bestStart, bestEnd) : default;
        return bestStart >= 0;
    }
}

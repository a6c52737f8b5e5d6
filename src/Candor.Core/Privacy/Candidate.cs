namespace Candor.Core.Privacy;

/// <summary>One detector's match, before the scanner merges overlapping matches into findings.</summary>
internal readonly struct Candidate
{
    public Candidate(PiiKind kind, int start, int end)
    {
        Kind = kind;
        Start = start;
        End = end;
    }

    public PiiKind Kind { get; }

    public int Start { get; }

    /// <summary>Exclusive.</summary>
    public int End { get; }

    public int Length => End - Start;
}

namespace Candor.Core.Privacy;

/// <summary>Where a <see cref="PiiScanner"/> found personal data in a value: a kind and a range of characters.</summary>
/// <remarks>A finding holds positions only, never the text it points at, so it can be logged or counted safely.</remarks>
public readonly struct PiiFinding : IEquatable<PiiFinding>
{
    /// <summary>Creates a finding.</summary>
    /// <param name="kind">What was found.</param>
    /// <param name="start">The index of the first character found.</param>
    /// <param name="length">The number of characters found.</param>
    public PiiFinding(PiiKind kind, int start, int length)
    {
        Kind = kind;
        Start = start;
        Length = length;
    }

    /// <summary>What was found.</summary>
    public PiiKind Kind { get; }

    /// <summary>The index of the first character found.</summary>
    public int Start { get; }

    /// <summary>The number of characters found.</summary>
    public int Length { get; }

    /// <summary>The index just past the last character found (<see cref="Start"/> + <see cref="Length"/>).</summary>
    public int End => Start + Length;

    /// <summary>Compares two findings by kind and range.</summary>
    public static bool operator ==(PiiFinding left, PiiFinding right) => left.Equals(right);

    /// <summary>Compares two findings by kind and range.</summary>
    public static bool operator !=(PiiFinding left, PiiFinding right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(PiiFinding other) => Kind == other.Kind && Start == other.Start && Length == other.Length;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PiiFinding other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => ((int)Kind * 397) ^ (Start * 31) ^ Length;

    /// <summary>Describes the finding as <c>Kind[start..end)</c>; it never contains the value's text.</summary>
    public override string ToString() =>
        PiiKindNames.Get(Kind) + "[" + Start.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".." +
        End.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
}

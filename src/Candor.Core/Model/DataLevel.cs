namespace Candor.Core.Model;

/// <summary>Whether a diagnostic data point is necessary to keep the product secure, up to date and working
/// (<see cref="Required"/>), or not essential to the product experience (<see cref="Optional"/>).</summary>
public enum DataLevel
{
    /// <summary>Required diagnostic data: the minimum needed to keep the product performing as expected.</summary>
    Required,

    /// <summary>Optional diagnostic data: not essential; a family may refuse to collect it at all.</summary>
    Optional,
}

namespace Candor.Core.Model;

/// <summary>Membership in a short list of enum values (a policy's levels or categories, a family's levels), as the
/// SDK's gate and the collector's acceptance rules both check it for every event. Thread-safe.</summary>
public static class EnumSet
{
    /// <summary>Whether <paramref name="set"/> holds <paramref name="value"/>. Allocation-free: a linear scan with
    /// the enum's default comparer, which is faster than hashing for the handful of values these lists hold.</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="set"/> is null.</exception>
    public static bool Contains<T>(IReadOnlyList<T> set, T value)
        where T : struct, Enum
    {
        if (set is null)
        {
            throw new ArgumentNullException(nameof(set));
        }

        for (var i = 0; i < set.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(set[i], value))
            {
                return true;
            }
        }

        return false;
    }
}

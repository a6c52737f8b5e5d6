using Candor.Core.Model;

namespace Candor.Core.Policy;

/// <summary>What an organisation allows, as served by <c>GET /v1/policy</c> and enforced by both the SDK and
/// the collector. The family's rule (its catalog's levels) always applies on top: a policy can only narrow it.</summary>
public sealed record TenantPolicy
{
    /// <summary>Whether anything may be collected at all. Off: the SDK clears its queue, the collector answers 403.</summary>
    public bool CollectionOn { get; init; } = true;

    /// <summary>The levels the organisation allows.</summary>
    public IReadOnlyList<DataLevel> Levels { get; init; } = [DataLevel.Required];

    /// <summary>The categories the organisation allows.</summary>
    public IReadOnlyList<DataCategory> Categories { get; init; } = WireNames.AllCategories;

    /// <summary>How long the collector keeps events, in days (an event definition's shorter retention wins).</summary>
    public int RetentionDays { get; init; } = 90;

    /// <summary>How often the SDK uploads, in seconds.</summary>
    public int UploadIntervalSeconds { get; init; } = 60;

    /// <summary>Whether an event of this level and category may be collected under this policy and the family's
    /// levels. Allocation-free: it runs for every event the SDK is asked to track.</summary>
    public bool Allows(DataLevel level, DataCategory category, IReadOnlyList<DataLevel> familyLevels)
    {
        if (!CollectionOn)
        {
            return false;
        }

        return EnumSet.Contains(familyLevels, level) && EnumSet.Contains(Levels, level) && EnumSet.Contains(Categories, category);
    }
}

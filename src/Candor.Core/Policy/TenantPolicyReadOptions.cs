using Candor.Core.Model;

namespace Candor.Core.Policy;

/// <summary>How strictly <see cref="TenantPolicyJson"/> reads a policy. Who wrote the document decides: the SDK
/// obeys what a (possibly newer) collector serves, a store reads back what it wrote, and an administrator's
/// <c>PUT</c> is checked against the family's rule. Immutable and thread-safe once built.</summary>
public sealed class TenantPolicyReadOptions
{
    /// <summary>The SDK's reading of a served policy: a property, a level or category name, or a value this version
    /// does not understand is skipped and the default kept. Skipping a level or category can only narrow what the
    /// SDK sends; no upper limit applies to the numbers, since a newer collector may allow more.</summary>
    public static TenantPolicyReadOptions Tolerant { get; } = new() { SkipInvalidValues = true };

    /// <summary>A policy written by Candor itself (a store's copy): every value must be valid, unknown properties
    /// are ignored. The default of every option.</summary>
    public static TenantPolicyReadOptions Stored { get; } = new();

    /// <summary>Whether an invalid or unknown value is skipped (the default kept) instead of being an error.
    /// Default false.</summary>
    public bool SkipInvalidValues { get; init; }

    /// <summary>Whether a property this version does not know is an error; use it for input typed by a person,
    /// where an unknown property is most likely a typo. Default false.</summary>
    public bool RejectUnknownProperties { get; init; }

    /// <summary>Whether <c>collection</c>, <c>levels</c> and <c>categories</c> must be present: a person setting a
    /// policy states its scope rather than inheriting defaults. Default false.</summary>
    public bool RequireScope { get; init; }

    /// <summary>The levels a policy may allow (the family's), or null for any: a policy can only narrow the
    /// family's rule. Default null.</summary>
    public IReadOnlyList<DataLevel>? AllowedLevels { get; init; }

    /// <summary>The longest retention accepted, in days. Default <see cref="TenantPolicyJson.MaxRetentionDays"/>.</summary>
    public int MaxRetentionDays { get; init; } = TenantPolicyJson.MaxRetentionDays;

    /// <summary>The shortest upload interval accepted, in seconds. Default 1.</summary>
    public int MinUploadIntervalSeconds { get; init; } = 1;
}

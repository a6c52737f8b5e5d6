using System.Globalization;
using Candor.Core.Catalog;

namespace Candor.Fleet.Simulation;

/// <summary>A timed operation of a product, reported as <c>app.operation.completed</c>: its log-normal duration
/// and how it fails (the feature and error codes of <c>app.feature.failed</c>).</summary>
internal sealed record OperationProfile(
    string Name, double MedianMs, double Sigma, double FailureRate, string Feature, string[] ErrorCodes, double Weight);

/// <summary>A crash with a stable signature: what throws, where, and how often per session on which devices.</summary>
/// <param name="ExceptionType">The full exception type.</param>
/// <param name="StackSignature">module!Type.Method of the product's own failing frame.</param>
/// <param name="HResult">The exception's HRESULT.</param>
/// <param name="TriggerOperation">The operation during which it throws, or null for anywhere in the session.</param>
/// <param name="Rate">The probability per session for a device.</param>
internal sealed record CrashPattern(
    string ExceptionType, string StackSignature, int HResult, string? TriggerOperation, Func<FleetDevice, double> Rate);

/// <summary>What the fleet knows about one product: its releases, who uses it and how, and how it fails.</summary>
internal sealed class ProductProfile
{
    public required ProductDefinition Definition { get; init; }

    public string Id => Definition.Id;

    /// <summary>Released versions, oldest first; the last is the newest.</summary>
    public required IReadOnlyList<string> Versions { get; init; }

    /// <summary>The share of installations on each version when the period starts (same order as <see cref="Versions"/>).</summary>
    public required IReadOnlyList<double> InitialShare { get; init; }

    /// <summary>The relative number of installations in the fleet.</summary>
    public required double Popularity { get; init; }

    /// <summary>Platforms and their weights among installations.</summary>
    public required IReadOnlyList<(string Platform, double Weight)> Platforms { get; init; }

    public required double SessionsPerWeekday { get; init; }

    public required double WeekendFactor { get; init; }

    public required double SessionMedianMinutes { get; init; }

    /// <summary>Mean seconds between two activities of a session.</summary>
    public required double ActivityIntervalSeconds { get; init; }

    /// <summary>The probability per day that a device not on the newest version updates.</summary>
    public required double UpdatePerDay { get; init; }

    public required string InstallType { get; init; }

    public required string UpdateSource { get; init; }

    public required IReadOnlyList<OperationProfile> Operations { get; init; }

    public required IReadOnlyList<CrashPattern> Crashes { get; init; }

    public required double LaunchMedianMs { get; init; }

    /// <summary>The sync duration (median, sigma) for a version: where the planted regression lives.</summary>
    public required Func<int, (double Median, double Sigma)> SyncDuration { get; init; }

    public OperationProfile? Operation(string name) => Operations.FirstOrDefault(o => o.Name == name);

    public string NewestVersion => Versions[^1];

    /// <summary>Versions as <c>major.minor.yymm.build</c>: one release a month, the newest in the month before
    /// <paramref name="reference"/>, a minor step every third release.</summary>
    public static IReadOnlyList<string> MonthlyVersions(int major, int minor, int count, DateTimeOffset reference, Random rng)
    {
        var versions = new string[count];
        var month = new DateTime(reference.Year, reference.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1);
        for (var i = count - 1; i >= 0; i--)
        {
            var age = count - 1 - i;
            var m = month.AddMonths(-age);
            var minorHere = Math.Max(0, minor - (age / 3));
            var build = 1 + rng.Next(9);
            versions[i] = string.Create(CultureInfo.InvariantCulture, $"{major}.{minorHere}.{m:yyMM}.{build}");
        }

        return versions;
    }

    /// <summary>Initial adoption skewed to the newest release, with a tail of devices several releases behind.</summary>
    public static IReadOnlyList<double> SkewedShare(int count, double newest)
    {
        var share = new double[count];
        share[count - 1] = newest;
        var rest = 1.0 - newest;
        var weight = 0.0;
        for (var i = 0; i < count - 1; i++)
        {
            weight += Math.Pow(0.5, count - 2 - i);
        }

        for (var i = 0; i < count - 1; i++)
        {
            share[i] = rest * Math.Pow(0.5, count - 2 - i) / weight;
        }

        return share;
    }
}

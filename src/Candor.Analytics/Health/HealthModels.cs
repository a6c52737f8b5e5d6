namespace Candor.Analytics.Health;

/// <summary>What a health query covers: one tenant, the UTC days From..To (inclusive), optionally one product and
/// one version. Validated by <see cref="Validate"/>.</summary>
internal sealed record HealthWindow(Guid Tenant, DateOnly From, DateOnly To, string? Product = null, string? Version = null)
{
    /// <summary>The longest window a query may cover.</summary>
    public const int MaximumDays = 400;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (To < From)
        {
            errors.Add("'to' must not be before 'from'.");
        }
        else if (To.DayNumber - From.DayNumber >= MaximumDays)
        {
            errors.Add($"the window may cover at most {MaximumDays} days.");
        }

        return errors;
    }

    public string FromText => From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public string ToText => To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One failure group: crashes with one fingerprint, or feature failures with one feature and error code.</summary>
internal sealed record FailureGroup(
    string Kind, string Key, string Title, long Events, long Devices, string FirstSeen, string LastSeen,
    IReadOnlyList<string> Products, IReadOnlyList<CountBy> Versions, IReadOnlyList<CountBy> Trend);

/// <summary>A count for one label (a version, a day, a category, ...).</summary>
internal sealed record CountBy(string Label, long Count);

/// <summary>Release health of one product version, over the window or on one day.</summary>
internal sealed record ReleaseHealth(
    string Product, string Version, string? Day, long Sessions, long CrashedSessions, double CrashFreeSessions,
    long Devices, long CrashedDevices, double CrashFreeDevices, long EndedSessions, double? MedianSessionMinutes);

/// <summary>Exact duration percentiles (milliseconds) of one operation.</summary>
internal sealed record OperationPerformance(
    string Operation, string Product, string Version, string DeviceClass, long Count, double P50, double P90, double P95, double P99);

/// <summary>Adoption of one version among the devices active in the last 7 days of the window.</summary>
internal sealed record VersionAdoption(string Product, string Version, long Devices, double Share, int ReleasesBehind, bool Vulnerable);

/// <summary>The version inventory of one product.</summary>
internal sealed record ProductInventory(
    string Product, string Newest, long ActiveDevices, long DevicesOnNewest, long DevicesBehind, long DevicesOnVulnerable,
    IReadOnlyList<VersionAdoption> Versions);

/// <summary>A version range marked vulnerable.</summary>
internal sealed record VulnerableMark(Guid Id, string Product, string MinVersion, string MaxVersion, string Advisory, DateTimeOffset MarkedAt, string MarkedBy);

/// <summary>Usage of one product.</summary>
internal sealed record ProductUsage(
    string Product, IReadOnlyList<CountBy> DailyActiveDevices, long WeeklyActiveDevices, IReadOnlyList<CountBy> TopCommands,
    IReadOnlyList<CountBy> TopFeatures);

/// <summary>Usage of the tenant: per product, and event volume per category.</summary>
internal sealed record UsageReport(IReadOnlyList<ProductUsage> Products, IReadOnlyList<CountBy> VolumeByCategory);

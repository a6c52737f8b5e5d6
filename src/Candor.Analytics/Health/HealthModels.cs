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

/// <summary>One failure group: crashes with one fingerprint, or feature failures with one feature and error code;
/// the counts, days, products and versions within the window, <see cref="Trend"/> its events per day (a sparkline),
/// <see cref="State"/> its triage state (open, resolved, ignored, regressed).</summary>
internal sealed record FailureGroup(
    string Kind, string Key, string Title, long Events, long Devices, string FirstSeen, string LastSeen,
    IReadOnlyList<string> Products, IReadOnlyList<CountBy> Versions, IReadOnlyList<CountBy> Trend, string State = "open");

/// <summary>How the failure group list is sorted: most events, most devices, or newest (latest first seen) first.</summary>
internal enum FailureSort
{
    Events,
    Devices,
    Newest,
}

/// <summary>A page of the failure group list: the window's filters, an optional kind (<c>crash</c>, <c>feature</c>)
/// and triage state, the order, and the page (<see cref="Offset"/> groups skipped, at most <see cref="Limit"/>).</summary>
internal sealed record FailureListQuery(
    HealthWindow Window, string? Kind = null, string? State = null, FailureSort Sort = FailureSort.Events, int Offset = 0, int Limit = 20);

/// <summary>One page of failure groups and how many groups match in all.</summary>
internal sealed record FailureGroupPage(long Total, int Offset, int Limit, IReadOnlyList<FailureGroup> Groups);

/// <summary>Events and distinct devices of one day.</summary>
internal sealed record DailyCount(string Day, long Events, long Devices);

/// <summary>One frame of a representative stack; <see cref="InApp"/> when it is not a framework frame.</summary>
internal sealed record StackFrame(string Frame, bool InApp);

/// <summary>One failure group in detail: first and last seen and the versions it appeared in over all time; the
/// counts, the breakdowns (most events first) and the days within the window; for a crash group the exception type
/// and the latest crash's stack.</summary>
internal sealed record FailureGroupDetail(
    string Kind, string Key, string Title, string? ExceptionType, Failures.TriageState Triage, long Events, long Devices,
    string FirstSeen, string LastSeen, IReadOnlyList<string> Versions, IReadOnlyList<CountBy> ByVersion, IReadOnlyList<CountBy> ByOs,
    IReadOnlyList<CountBy> ByDeviceClass, IReadOnlyList<DailyCount> Daily, IReadOnlyList<StackFrame> Stack);

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

/// <summary>One product's day: sessions and the devices that had one, crash-free shares among them, and active
/// devices (any event).</summary>
internal sealed record ProductDay(
    string Day, long Sessions, long CrashedSessions, double CrashFreeSessions, long Devices, long CrashedDevices, double CrashFreeDevices,
    long ActiveDevices);

/// <summary>Events of one data category on one day.</summary>
internal sealed record CategoryDay(string Day, string Category, long Events);

/// <summary>A product's figures day by day.</summary>
internal sealed record ProductSeries(string Product, IReadOnlyList<ProductDay> Days, IReadOnlyList<CategoryDay> EventsByCategory);

/// <summary>A release on one day: devices active on it and their share of the product's active devices (adoption),
/// its sessions and crash-free shares.</summary>
internal sealed record ReleaseDay(
    string Day, long ActiveDevices, double Adoption, long Sessions, long CrashedSessions, double CrashFreeSessions, long Devices,
    double CrashFreeDevices);

/// <summary>A version's days.</summary>
internal sealed record ReleaseSeries(string Version, IReadOnlyList<ReleaseDay> Days);

/// <summary>A failure group first seen in a release, with its events there.</summary>
internal sealed record NewFailureGroup(string Kind, string Key, string Title, long Events);

/// <summary>How many failure groups a product version brought (seen in no older version).</summary>
internal sealed record ReleaseNewFailures(string Product, string Version, long NewFailureGroups);

/// <summary>A release against its predecessor (null for a product's first version), with the failure groups it brought.</summary>
internal sealed record ReleaseDetail(
    string Product, string Version, string? Predecessor, ReleaseSeries Current, ReleaseSeries? Previous, IReadOnlyList<NewFailureGroup> NewFailureGroups);

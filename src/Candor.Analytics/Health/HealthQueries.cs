using System.Globalization;
using Candor.Analytics.Sql;
using Candor.Analytics.Versions;
using Candor.Storage;

namespace Candor.Analytics.Health;

/// <summary>Every health figure, computed at request time from the fact tables with one SQL text for both stores.
/// Aggregated only: no device id ever leaves this class, only counts of distinct devices. Thread-safe.</summary>
internal sealed partial class HealthQueries(IAnalyticsStore store)
{
    internal const string Days = "day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)";
    private const string MedianDuration = "{median:duration_ms}";
    private const string DurationPercentiles = "{pctls:duration_ms}";

    public IAnalyticsStore Store => store;

    /// <summary>Crash-free sessions and devices per product and version over the window, and per day when
    /// <paramref name="daily"/>; session counts and median session length.</summary>
    public Task<IReadOnlyList<ReleaseHealth>> ReleaseHealthAsync(HealthWindow window, bool daily, CancellationToken cancellationToken = default) =>
        ReleaseHealthAsync(window, daily, perVersion: true, cancellationToken);

    /// <summary>As above; with <paramref name="perVersion"/> false, per product over all its versions (Version empty).</summary>
    public async Task<IReadOnlyList<ReleaseHealth>> ReleaseHealthAsync(HealthWindow window, bool daily, bool perVersion,
        CancellationToken cancellationToken = default)
    {
        var (filter, parameters) = Filter(window, "s.");
        var dayColumn = daily ? "CAST(s.day AS VARCHAR)" : "''";
        var dayGroup = daily ? ", s.day" : "";
        var version = perVersion ? "app_version" : "''";
        var versionGroup = perVersion ? ", app_version" : "";
        var sessions = await store.QueryAsync(store.Statement(
            $"""
            SELECT s.product, {(perVersion ? "s." : "")}{version}, {dayColumn}, count(*), count(c.session_id), count(DISTINCT s.device_id),
                   count(DISTINCT CASE WHEN c.session_id IS NOT NULL THEN s.device_id END)
            FROM analytics_sessions s
            LEFT JOIN (SELECT DISTINCT session_id FROM analytics_crashes WHERE tenant_id = $1) c ON c.session_id = s.session_id
            WHERE s.tenant_id = $1 AND s.{Days}{filter}
            GROUP BY s.product{(perVersion ? ", s.app_version" : "")}{dayGroup}
            """, parameters), cancellationToken).ConfigureAwait(false);
        var (endFilter, _) = Filter(window);
        var ends = await store.QueryAsync(store.Statement(
            $"""
            SELECT product, {version}, {(daily ? "CAST(day AS VARCHAR)" : "''")}, count(*), {MedianDuration}
            FROM analytics_session_ends WHERE tenant_id = $1 AND {Days}{endFilter}
            GROUP BY product{versionGroup}{(daily ? ", day" : "")}
            """, parameters), cancellationToken).ConfigureAwait(false);
        var endsBy = ends.ToDictionary(r => (Cell.Text(r[0]), Cell.Text(r[1]), Cell.Text(r[2])), r => (Cell.Long(r[3]), Cell.Double(r[4])));
        return
        [
            .. sessions.Select(r =>
            {
                var (product, version, day) = (Cell.Text(r[0]), Cell.Text(r[1]), Cell.Text(r[2]));
                long n = Cell.Long(r[3]), crashed = Cell.Long(r[4]), devices = Cell.Long(r[5]), crashedDevices = Cell.Long(r[6]);
                var (ended, median) = endsBy.GetValueOrDefault((product, version, day), (0, double.NaN));
                return new ReleaseHealth(product, version, daily ? day : null, n, crashed, Ratio(n - crashed, n), devices, crashedDevices,
                    Ratio(devices - crashedDevices, devices), ended, ended == 0 ? null : Math.Round(median / 60000.0, 2));
            })
            .OrderBy(h => h.Product, StringComparer.Ordinal)
            .ThenByDescending(h => h.Version, AppVersionComparer.Instance)
            .ThenBy(h => h.Day, StringComparer.Ordinal),
        ];
    }

    /// <summary>Exact p50/p90/p95/p99 (<c>percentile_disc</c>: the smallest duration with at least that share of
    /// durations at or below it) per operation, product, version and device class.</summary>
    public Task<IReadOnlyList<OperationPerformance>> PerformanceAsync(HealthWindow window, string? operation, CancellationToken cancellationToken = default) =>
        PerformanceAsync(window, operation, perDeviceClass: true, cancellationToken);

    /// <summary>As above; with <paramref name="perDeviceClass"/> false, per operation, product and version over all
    /// device classes (DeviceClass <c>all</c>): the figures a chart of p95 across versions draws.</summary>
    public async Task<IReadOnlyList<OperationPerformance>> PerformanceAsync(HealthWindow window, string? operation, bool perDeviceClass,
        CancellationToken cancellationToken = default)
    {
        var (filter, parameters) = Filter(window);
        if (operation is not null)
        {
            parameters.Add(operation);
            filter += string.Create(CultureInfo.InvariantCulture, $" AND operation = ${parameters.Count}");
        }

        var rows = await store.QueryAsync(store.Statement(
            $"""
            SELECT operation, product, app_version, {(perDeviceClass ? "device_class" : "'all'")}, count(*), {DurationPercentiles}
            FROM analytics_durations WHERE tenant_id = $1 AND {Days}{filter}
            GROUP BY operation, product, app_version{(perDeviceClass ? ", device_class" : "")}
            """, parameters), cancellationToken).ConfigureAwait(false);
        return
        [
            .. rows.Select(r => (Row: r, P: Cell.Doubles(r[5])))
                .Select(x => new OperationPerformance(Cell.Text(x.Row[0]), Cell.Text(x.Row[1]), Cell.Text(x.Row[2]), Cell.Text(x.Row[3]),
                    Cell.Long(x.Row[4]), x.P[0], x.P[1], x.P[2], x.P[3]))
                .OrderBy(p => p.Product, StringComparer.Ordinal).ThenBy(p => p.Operation, StringComparer.Ordinal)
                .ThenByDescending(p => p.Version, AppVersionComparer.Instance).ThenBy(p => p.DeviceClass, StringComparer.Ordinal),
        ];
    }

    /// <summary>Per product: the share of devices active in the last 7 days of the window on each version (a
    /// device counts once, on the version it ran last), how many releases each is behind the newest version seen,
    /// and the devices on versions marked vulnerable.</summary>
    public async Task<IReadOnlyList<ProductInventory>> InventoryAsync(HealthWindow window, CancellationToken cancellationToken = default)
    {
        var week = window with { From = Max(window.From, window.To.AddDays(-6)) };
        var (filter, parameters) = Filter(week with { Version = null });
        var current = await store.QueryAsync(store.Statement(
            $"""
            SELECT product, app_version, count(*) FROM (
                SELECT product, app_version,
                       row_number() OVER (PARTITION BY device_id, product ORDER BY day DESC, received_at DESC) AS latest
                FROM analytics_device_days WHERE tenant_id = $1 AND {Days}{filter}) t
            WHERE latest = 1 GROUP BY product, app_version
            """, parameters), cancellationToken).ConfigureAwait(false);
        var known = await store.QueryAsync(store.Statement(
            "SELECT DISTINCT product, app_version FROM analytics_device_days WHERE tenant_id = $1" +
            (window.Product is null ? "" : " AND product = $2"), window.Product is null ? [window.Tenant] : [window.Tenant, window.Product]),
            cancellationToken).ConfigureAwait(false);
        var marks = await VulnerableMarksAsync(window.Tenant, cancellationToken).ConfigureAwait(false);
        var result = new List<ProductInventory>();
        foreach (var product in current.GroupBy(r => Cell.Text(r[0]), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var releases = known.Where(r => Cell.Text(r[0]) == product.Key).Select(r => Cell.Text(r[1]))
                .Order(AppVersionComparer.Instance).ToList();
            var newest = releases[^1];
            var total = product.Sum(r => Cell.Long(r[2]));
            var versions = product
                .Select(r =>
                {
                    var version = Cell.Text(r[1]);
                    var devices = Cell.Long(r[2]);
                    var vulnerable = marks.Any(m => m.Product == product.Key && IsInRange(version, m));
                    return new VersionAdoption(product.Key, version, devices, Ratio(devices, total),
                        releases.Count - 1 - releases.IndexOf(version), vulnerable);
                })
                .OrderByDescending(v => v.Version, AppVersionComparer.Instance)
                .ToList();
            result.Add(new ProductInventory(product.Key, newest, total,
                versions.Where(v => v.ReleasesBehind == 0).Sum(v => v.Devices),
                versions.Where(v => v.ReleasesBehind > 0).Sum(v => v.Devices),
                versions.Where(v => v.Vulnerable).Sum(v => v.Devices), versions));
        }

        return result;
    }

    public static bool IsInRange(string version, VulnerableMark mark) =>
        AppVersionComparer.Instance.Compare(version, mark.MinVersion) >= 0 && AppVersionComparer.Instance.Compare(version, mark.MaxVersion) <= 0;

    public async Task<IReadOnlyList<VulnerableMark>> VulnerableMarksAsync(Guid tenant, CancellationToken cancellationToken = default)
    {
        var rows = await store.QueryAsync(store.Statement(
            "SELECT mark_id, product, min_version, max_version, advisory, marked_at, marked_by FROM analytics_vulnerable_versions " +
            "WHERE tenant_id = $1 ORDER BY product, marked_at, mark_id", tenant), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new VulnerableMark((Guid)r[0]!, Cell.Text(r[1]), Cell.Text(r[2]), Cell.Text(r[3]), Cell.Text(r[4]),
            new DateTimeOffset(Cell.Time(r[5])!.Value), Cell.Text(r[6])))];
    }

    /// <summary>Marks a product's versions MinVersion..MaxVersion (inclusive, compared as versions) vulnerable.</summary>
    public async Task<VulnerableMark> MarkVulnerableAsync(Guid tenant, string product, string minVersion, string maxVersion, string advisory,
        DateTimeOffset at, string by, CancellationToken cancellationToken = default)
    {
        var mark = new VulnerableMark(Guid.CreateVersion7(at), product, minVersion, maxVersion, advisory, at, by);
        await store.ExecuteAsync([store.Statement(
            "INSERT INTO analytics_vulnerable_versions (tenant_id, mark_id, product, min_version, max_version, advisory, marked_at, marked_by) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", tenant, mark.Id, product, minVersion, maxVersion, advisory, at.UtcDateTime, by)],
            cancellationToken).ConfigureAwait(false);
        return mark;
    }

    /// <summary>Removes a mark; false when the tenant has no such mark.</summary>
    public async Task<bool> UnmarkVulnerableAsync(Guid tenant, Guid markId, CancellationToken cancellationToken = default) =>
        (await store.ExecuteAsync([store.Statement(
            "DELETE FROM analytics_vulnerable_versions WHERE tenant_id = $1 AND mark_id = $2", tenant, markId)], cancellationToken)
            .ConfigureAwait(false))[0] > 0;

    /// <summary>Daily and weekly (last 7 days of the window) active devices per product, the most used commands and
    /// usage events, and the event volume per data category.</summary>
    public async Task<UsageReport> UsageAsync(HealthWindow window, int top, CancellationToken cancellationToken = default)
    {
        var (filter, parameters) = Filter(window with { Version = null });
        var daily = await store.QueryAsync(store.Statement(
            $"SELECT product, CAST(day AS VARCHAR), count(DISTINCT device_id) FROM analytics_device_days WHERE tenant_id = $1 AND {Days}{filter} GROUP BY product, day",
            parameters), cancellationToken).ConfigureAwait(false);
        var (weekFilter, weekParameters) = Filter(window with { Version = null, From = Max(window.From, window.To.AddDays(-6)) });
        var weekly = await store.QueryAsync(store.Statement(
            $"SELECT product, count(DISTINCT device_id) FROM analytics_device_days WHERE tenant_id = $1 AND {Days}{weekFilter} GROUP BY product",
            weekParameters), cancellationToken).ConfigureAwait(false);
        var commands = await store.QueryAsync(store.Statement(
            $"SELECT product, command, count(*) FROM analytics_commands WHERE tenant_id = $1 AND {Days}{filter} GROUP BY product, command",
            parameters), cancellationToken).ConfigureAwait(false);

        // Event names and categories are columns: scanning them needs no fact table.
        var from = window.From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var to = window.To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var productFilter = window.Product is null ? "" : " AND product = $4";
        object?[] eventParameters = window.Product is null ? [window.Tenant, from, to] : [window.Tenant, from, to, window.Product];
        var features = await store.QueryAsync(store.Statement(
            "SELECT product, name, count(*) FROM events WHERE tenant_id = $1 AND time >= $2 AND time < $3 " +
            "AND category = 'product_and_service_usage' AND name NOT IN ('app.session.started', 'app.session.ended', 'app.command.invoked')" +
            productFilter + " GROUP BY product, name", eventParameters), cancellationToken).ConfigureAwait(false);
        var volume = await store.QueryAsync(store.Statement(
            "SELECT category, count(*) FROM events WHERE tenant_id = $1 AND time >= $2 AND time < $3" + productFilter + " GROUP BY category",
            eventParameters), cancellationToken).ConfigureAwait(false);

        var products = daily.Select(r => Cell.Text(r[0])).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new UsageReport(
            [
                .. products.Select(p => new ProductUsage(p,
                    [.. daily.Where(r => Cell.Text(r[0]) == p).Select(r => new CountBy(Cell.Text(r[1]), Cell.Long(r[2]))).OrderBy(c => c.Label, StringComparer.Ordinal)],
                    weekly.Where(r => Cell.Text(r[0]) == p).Select(r => Cell.Long(r[1])).FirstOrDefault(),
                    Top(commands, p, top), Top(features, p, top))),
            ],
            [.. volume.Select(r => new CountBy(Cell.Text(r[0]), Cell.Long(r[1]))).OrderByDescending(c => c.Count).ThenBy(c => c.Label, StringComparer.Ordinal)]);
    }

    private static List<CountBy> Top(IReadOnlyList<object?[]> rows, string product, int top) =>
    [
        .. rows.Where(r => Cell.Text(r[0]) == product).Select(r => new CountBy(Cell.Text(r[1]), Cell.Long(r[2])))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Label, StringComparer.Ordinal).Take(top),
    ];

    /// <summary>The tenant, day bounds and optional product/version conditions as positional parameters.</summary>
    internal static (string Filter, List<object?> Parameters) Filter(HealthWindow window, string alias = "")
    {
        var parameters = new List<object?> { window.Tenant, window.FromText, window.ToText };
        var filter = "";
        if (window.Product is not null)
        {
            parameters.Add(window.Product);
            filter += string.Create(CultureInfo.InvariantCulture, $" AND {alias}product = ${parameters.Count}");
        }

        if (window.Version is not null)
        {
            parameters.Add(window.Version);
            filter += string.Create(CultureInfo.InvariantCulture, $" AND {alias}app_version = ${parameters.Count}");
        }

        return (filter, parameters);
    }

    internal static double Ratio(long part, long whole) => whole == 0 ? 1.0 : Math.Round((double)part / whole, 6);

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}

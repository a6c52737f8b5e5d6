using Candor.Analytics.Failures;
using Candor.Analytics.Sql;
using Candor.Analytics.Versions;

namespace Candor.Analytics.Health;

/// <summary>Figures over days: per product (crash-free sessions and devices, active devices, events by data category)
/// and per release against its predecessor (adoption, crash-free rates, new failure groups).</summary>
internal sealed partial class HealthQueries
{
    /// <summary>Per product and day of the window: sessions and devices with a session, crash-free among them, active
    /// devices (any event), and events per data category (by the event's own time).</summary>
    public async Task<IReadOnlyList<ProductSeries>> ProductSeriesAsync(HealthWindow window, CancellationToken cancellationToken = default)
    {
        var productOnly = window with { Version = null };
        var sessions = await ReleaseHealthAsync(productOnly, daily: true, perVersion: false, cancellationToken).ConfigureAwait(false);
        var (filter, parameters) = Filter(productOnly);
        var active = await store.QueryAsync(store.Statement(
            $"SELECT product, CAST(day AS VARCHAR), count(DISTINCT device_id) FROM analytics_device_days WHERE tenant_id = $1 AND {Days}{filter} GROUP BY product, day",
            parameters), cancellationToken).ConfigureAwait(false);
        var categories = await EventsByCategoryAsync(productOnly, daily: true, cancellationToken).ConfigureAwait(false);

        var activeBy = active.ToDictionary(r => (Cell.Text(r[0]), Cell.Text(r[1])), r => Cell.Long(r[2]));
        var sessionsBy = sessions.ToDictionary(h => (h.Product, h.Day!));
        var products = activeBy.Keys.Select(k => k.Item1).Concat(sessionsBy.Keys.Select(k => k.Item1)).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return
        [
            .. products.Select(product => new ProductSeries(product,
                [
                    .. activeBy.Keys.Where(k => k.Item1 == product).Select(k => k.Item2)
                        .Union(sessionsBy.Keys.Where(k => k.Item1 == product).Select(k => k.Item2), StringComparer.Ordinal)
                        .Order(StringComparer.Ordinal)
                        .Select(day =>
                        {
                            var h = sessionsBy.GetValueOrDefault((product, day));
                            return new ProductDay(day, h?.Sessions ?? 0, h?.CrashedSessions ?? 0, h?.CrashFreeSessions ?? 1.0, h?.Devices ?? 0,
                                h?.CrashedDevices ?? 0, h?.CrashFreeDevices ?? 1.0, activeBy.GetValueOrDefault((product, day)));
                        }),
                ],
                [.. categories.Where(c => c.Product == product).Select(c => new CategoryDay(c.Day, c.Category, c.Events))])),
        ];
    }

    /// <summary>Events per product, category and (when daily) day, by the event's own time; read from
    /// <c>events</c>, whose name and category are columns.</summary>
    private async Task<List<(string Product, string Day, string Category, long Events)>> EventsByCategoryAsync(HealthWindow window, bool daily,
        CancellationToken cancellationToken)
    {
        var from = window.From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var to = window.To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var productFilter = window.Product is null ? "" : " AND product = $4";
        object?[] parameters = window.Product is null ? [window.Tenant, from, to] : [window.Tenant, from, to, window.Product];
        var day = daily ? "CAST({day} AS VARCHAR)" : "''";
        var rows = await store.QueryAsync(store.Statement(
            $"SELECT product, {day} AS d, category, count(*) FROM events WHERE tenant_id = $1 AND time >= $2 AND time < $3{productFilter} " +
            "GROUP BY product, d, category ORDER BY product, d, category", parameters), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => (Cell.Text(r[0]), Cell.Text(r[1]), Cell.Text(r[2]), Cell.Long(r[3])))];
    }

    /// <summary>One release (the window's product and version) day by day against its predecessor (the next older
    /// version of the product ever seen): adoption (its share of the product's active devices), sessions and crash-free
    /// rates, and the failure groups first seen in it (in no older version).</summary>
    public async Task<ReleaseDetail?> ReleaseDetailAsync(HealthWindow window, CancellationToken cancellationToken = default)
    {
        if (window.Product is not { } product || window.Version is not { } version)
        {
            throw new ArgumentException("A release detail needs the window's product and version.", nameof(window));
        }

        var known = (await store.QueryAsync(store.Statement(
                "SELECT DISTINCT app_version FROM analytics_device_days WHERE tenant_id = $1 AND product = $2", window.Tenant, product),
                cancellationToken).ConfigureAwait(false))
            .Select(r => Cell.Text(r[0])).Order(AppVersionComparer.Instance).ToList();
        var index = known.IndexOf(version);
        if (index < 0)
        {
            return null;
        }

        var predecessor = index > 0 ? known[index - 1] : null;
        var (filter, parameters) = Filter(window with { Version = null });
        parameters.Add(version);
        parameters.Add(predecessor ?? version);
        var adoption = await store.QueryAsync(store.Statement(
            $"""
            SELECT CAST(day AS VARCHAR), count(DISTINCT device_id),
                   count(DISTINCT CASE WHEN app_version = ${parameters.Count - 1} THEN device_id END),
                   count(DISTINCT CASE WHEN app_version = ${parameters.Count} THEN device_id END)
            FROM analytics_device_days WHERE tenant_id = $1 AND {Days}{filter} GROUP BY day ORDER BY day
            """, parameters), cancellationToken).ConfigureAwait(false);

        async Task<ReleaseSeries> SeriesAsync(string v, int column)
        {
            var health = (await ReleaseHealthAsync(window with { Version = v }, daily: true, cancellationToken: cancellationToken).ConfigureAwait(false))
                .ToDictionary(h => h.Day!, StringComparer.Ordinal);
            return new ReleaseSeries(v,
            [
                .. adoption.Select(r =>
                {
                    var day = Cell.Text(r[0]);
                    var h = health.GetValueOrDefault(day);
                    var on = Cell.Long(r[column]);
                    return new ReleaseDay(day, on, Ratio(on, Cell.Long(r[1])), h?.Sessions ?? 0, h?.CrashedSessions ?? 0,
                        h?.CrashFreeSessions ?? 1.0, h?.Devices ?? 0, h?.CrashFreeDevices ?? 1.0);
                }),
            ]);
        }

        var current = await SeriesAsync(version, 2).ConfigureAwait(false);
        var previous = predecessor is null ? null : await SeriesAsync(predecessor, 3).ConfigureAwait(false);
        var news = (await NewFailureGroupsAsync(window with { Version = null }, cancellationToken).ConfigureAwait(false))
            .Where(g => g.Version == version).Select(g => g.Group).ToList();
        return new ReleaseDetail(product, version, predecessor, current, previous, news);
    }

    /// <summary>For each failure group of the tenant (of the window's product, if any), the version of each product it
    /// was first seen in: the oldest version it occurred in, over all time.</summary>
    internal async Task<List<(string Product, string Version, NewFailureGroup Group)>> NewFailureGroupsAsync(HealthWindow window,
        CancellationToken cancellationToken)
    {
        var productFilter = window.Product is null ? "" : " AND product = $2";
        object?[] parameters = window.Product is null ? [window.Tenant] : [window.Tenant, window.Product];
        var rows = await store.QueryAsync(store.Statement(string.Join("\nUNION ALL\n", FailureKinds.All.Select(kind =>
                $"SELECT '{kind}', {FailureKinds.Key(kind)}, product, app_version, count(*) FROM {FailureKinds.Table(kind)} " +
                $"WHERE tenant_id = $1{productFilter}{FailureKinds.Grouped(kind)} GROUP BY {FailureKinds.Key(kind)}, product, app_version")),
            parameters), cancellationToken).ConfigureAwait(false);
        var firsts = rows.GroupBy(r => (Kind: Cell.Text(r[0]), Key: Cell.Text(r[1]), Product: Cell.Text(r[2])))
            .Select(g => (g.Key, First: g.MinBy(r => Cell.Text(r[3]), AppVersionComparer.Instance)!))
            .ToList();
        var titles = await TitlesAsync(window.Tenant, firsts.Where(f => f.Key.Kind == FailureKinds.Crash).Select(f => f.Key.Key).Distinct(StringComparer.Ordinal),
            cancellationToken).ConfigureAwait(false);
        return
        [
            .. firsts.Select(f => (f.Key.Product, Cell.Text(f.First[3]),
                    new NewFailureGroup(f.Key.Kind, f.Key.Key, titles.GetValueOrDefault(f.Key.Key, f.Key.Key), Cell.Long(f.First[4]))))
                .OrderByDescending(f => f.Item3.Events).ThenBy(f => f.Item3.Kind, StringComparer.Ordinal).ThenBy(f => f.Item3.Key, StringComparer.Ordinal),
        ];
    }

    /// <summary>Per product and version, how many failure groups were first seen in it (for the release list).</summary>
    public async Task<IReadOnlyList<ReleaseNewFailures>> NewFailureGroupCountsAsync(HealthWindow window, CancellationToken cancellationToken = default) =>
    [
        .. (await NewFailureGroupsAsync(window, cancellationToken).ConfigureAwait(false))
            .GroupBy(g => (g.Product, g.Version))
            .Select(g => new ReleaseNewFailures(g.Key.Product, g.Key.Version, g.Count()))
            .OrderBy(g => g.Product, StringComparer.Ordinal).ThenByDescending(g => g.Version, AppVersionComparer.Instance),
    ];
}

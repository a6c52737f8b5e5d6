using System.Globalization;
using System.Text;
using Candor.Analytics.Failures;
using Candor.Analytics.Sql;
using Candor.Analytics.Versions;

namespace Candor.Analytics.Health;

/// <summary>Failure groups: the sorted, paged list with each group's trend, and one group's detail.</summary>
internal sealed partial class HealthQueries
{
    /// <summary>Crash groups (by fingerprint) and feature-failure groups (by feature and error code), most events first.</summary>
    /// <param name="window">The tenant, days, product and version.</param>
    /// <param name="limit">At most this many groups.</param>
    /// <param name="kind"><c>crash</c>, <c>feature</c> or null for both.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task<IReadOnlyList<FailureGroup>> FailureGroupsAsync(HealthWindow window, int limit, string? kind = null,
        CancellationToken cancellationToken = default) =>
        (await FailureGroupPageAsync(new FailureListQuery(window, kind, Limit: limit), cancellationToken).ConfigureAwait(false)).Groups;

    /// <summary>One page of failure groups, sorted and filtered in the database: only the page's groups leave it, and
    /// only they are broken down by product, version and day.</summary>
    public async Task<FailureGroupPage> FailureGroupPageAsync(FailureListQuery query, CancellationToken cancellationToken = default)
    {
        var (filter, parameters) = Filter(query.Window);
        var kinds = query.Kind is null ? FailureKinds.All : [query.Kind];
        var groups = string.Join("\nUNION ALL\n", kinds.Select(kind =>
            $"SELECT '{kind}' AS kind, {FailureKinds.Key(kind)} AS k, count(*) AS events, count(DISTINCT device_id) AS devices, " +
            $"min(day) AS first_day, max(day) AS last_day FROM {FailureKinds.Table(kind)} " +
            $"WHERE tenant_id = $1 AND {Days}{filter}{FailureKinds.Grouped(kind)} GROUP BY {FailureKinds.Key(kind)}"));
        var stateFilter = "";
        if (query.State is not null)
        {
            parameters.Add(query.State);
            stateFilter = string.Create(CultureInfo.InvariantCulture, $" WHERE coalesce(t.state, 'open') = ${parameters.Count}");
        }

        var order = query.Sort switch
        {
            FailureSort.Devices => "g.devices DESC, g.events DESC",
            FailureSort.Newest => "g.first_day DESC, g.last_day DESC, g.events DESC",
            _ => "g.events DESC",
        };
        var rows = await store.QueryAsync(store.Statement(
            $"""
            WITH g AS ({groups})
            SELECT g.kind, g.k, g.events, g.devices, CAST(g.first_day AS VARCHAR), CAST(g.last_day AS VARCHAR), coalesce(t.state, 'open'), count(*) OVER ()
            FROM g LEFT JOIN analytics_failure_triage t ON t.tenant_id = $1 AND t.kind = g.kind AND t.group_key = g.k{stateFilter}
            ORDER BY {order}, g.kind, g.k
            LIMIT {query.Limit.ToString(CultureInfo.InvariantCulture)} OFFSET {query.Offset.ToString(CultureInfo.InvariantCulture)}
            """, parameters), cancellationToken).ConfigureAwait(false);
        var total = rows.Count == 0 ? 0 : Cell.Long(rows[0][7]);
        if (rows.Count == 0 && query.Offset > 0)
        {
            // Past the last page: the total still tells the caller how many there are.
            total = (await FailureGroupPageAsync(query with { Offset = 0, Limit = 1 }, cancellationToken).ConfigureAwait(false)).Total;
        }

        var breakdown = await PageBreakdownAsync(query.Window, rows, cancellationToken).ConfigureAwait(false);
        var titles = await TitlesAsync(query.Window.Tenant, rows.Where(r => Cell.Text(r[0]) == FailureKinds.Crash).Select(r => Cell.Text(r[1])),
            cancellationToken).ConfigureAwait(false);
        var page = new List<FailureGroup>();
        foreach (var row in rows)
        {
            var (kind, key) = (Cell.Text(row[0]), Cell.Text(row[1]));
            var detail = breakdown.GetValueOrDefault((kind, key)) ?? [];
            page.Add(new FailureGroup(
                kind, key, titles.GetValueOrDefault(key, key), Cell.Long(row[2]), Cell.Long(row[3]), Cell.Text(row[4]), Cell.Text(row[5]),
                [.. detail.Select(r => Cell.Text(r[2])).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                [.. detail.GroupBy(r => Cell.Text(r[3]), StringComparer.Ordinal)
                    .Select(g => new CountBy(g.Key, g.Sum(r => Cell.Long(r[5]))))
                    .OrderByDescending(c => c.Label, AppVersionComparer.Instance)],
                [.. detail.GroupBy(r => Cell.Text(r[4]), StringComparer.Ordinal)
                    .Select(g => new CountBy(g.Key, g.Sum(r => Cell.Long(r[5]))))
                    .OrderBy(c => c.Label, StringComparer.Ordinal)],
                Cell.Text(row[6])));
        }

        return new FailureGroupPage(total, query.Offset, query.Limit, page);
    }

    /// <summary>Events per (group, product, version, day) of the given groups only.</summary>
    private async Task<Dictionary<(string Kind, string Key), List<object?[]>>> PageBreakdownAsync(HealthWindow window, IReadOnlyList<object?[]> rows,
        CancellationToken cancellationToken)
    {
        var (filter, parameters) = Filter(window);
        var parts = new List<string>();
        foreach (var kind in FailureKinds.All)
        {
            var keys = rows.Where(r => Cell.Text(r[0]) == kind).Select(r => Cell.Text(r[1])).ToList();
            if (keys.Count > 0)
            {
                parts.Add($"SELECT '{kind}', {FailureKinds.Key(kind)}, product, app_version, CAST(day AS VARCHAR), count(*) FROM {FailureKinds.Table(kind)} " +
                    $"WHERE tenant_id = $1 AND {Days}{filter} AND {FailureKinds.Key(kind)} IN ({Placeholders(parameters, keys)}) " +
                    $"GROUP BY {FailureKinds.Key(kind)}, product, app_version, day");
            }
        }

        if (parts.Count == 0)
        {
            return [];
        }

        var detail = await store.QueryAsync(store.Statement(string.Join("\nUNION ALL\n", parts), parameters), cancellationToken).ConfigureAwait(false);
        return detail.GroupBy(r => (Cell.Text(r[0]), Cell.Text(r[1]))).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>"Exception at frames" of each crash fingerprint.</summary>
    private async Task<Dictionary<string, string>> TitlesAsync(Guid tenant, IEnumerable<string> fingerprints, CancellationToken cancellationToken)
    {
        var parameters = new List<object?> { tenant };
        var keys = fingerprints.ToList();
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return titles;
        }

        foreach (var row in await store.QueryAsync(store.Statement(
            $"SELECT fingerprint, exception_type, frames FROM analytics_fingerprints WHERE tenant_id = $1 AND fingerprint IN ({Placeholders(parameters, keys)})",
            parameters), cancellationToken).ConfigureAwait(false))
        {
            titles[Cell.Text(row[0])] = Cell.Text(row[1]) + " at " + (Cell.Text(row[2]) is { Length: > 0 } frames ? frames : "(no frames)");
        }

        return titles;
    }

    /// <summary>One group: its triage state, first and last seen and the versions it appeared in (all time), a
    /// representative stack (the latest crash's, in-app frames marked), and within the window its events and devices
    /// per day and its breakdown by version, OS and device class. Null when the window has no event of the group and
    /// it never occurred.</summary>
    public async Task<FailureGroupDetail?> FailureGroupDetailAsync(HealthWindow window, string kind, string key, FailureTriage triage,
        CancellationToken cancellationToken = default)
    {
        var table = FailureKinds.Table(kind);
        var keyed = $"tenant_id = $1 AND {FailureKinds.Key(kind)} = $2";
        var all = await store.QueryAsync(store.Statement(
            $"SELECT app_version, CAST(min(day) AS VARCHAR), CAST(max(day) AS VARCHAR), count(*) FROM {table} WHERE {keyed} GROUP BY app_version",
            window.Tenant, key), cancellationToken).ConfigureAwait(false);
        if (all.Count == 0)
        {
            return null;
        }

        var (filter, parameters) = Filter(window);
        parameters.Add(key);
        var inWindow = string.Create(CultureInfo.InvariantCulture,
            $"tenant_id = $1 AND {Days}{filter} AND {FailureKinds.Key(kind)} = ${parameters.Count}");
        var totals = (await store.QueryAsync(store.Statement(
            $"SELECT count(*), count(DISTINCT device_id) FROM {table} WHERE {inWindow}", parameters), cancellationToken).ConfigureAwait(false))[0];
        var daily = await store.QueryAsync(store.Statement(
            $"SELECT CAST(day AS VARCHAR), count(*), count(DISTINCT device_id) FROM {table} WHERE {inWindow} GROUP BY day ORDER BY day",
            parameters), cancellationToken).ConfigureAwait(false);
        var split = await store.QueryAsync(store.Statement(
            $"SELECT app_version, os, device_class, count(*) FROM {table} WHERE {inWindow} GROUP BY app_version, os, device_class",
            parameters), cancellationToken).ConfigureAwait(false);

        string? exceptionType = null;
        IReadOnlyList<StackFrame> stack = [];
        var title = key;
        if (kind == FailureKinds.Crash)
        {
            var latest = await store.QueryAsync(store.Statement(
                $"SELECT exception_type, stack_signature FROM analytics_crashes WHERE {keyed} ORDER BY received_at DESC, event_id LIMIT 1",
                window.Tenant, key), cancellationToken).ConfigureAwait(false);
            exceptionType = Cell.Text(latest[0][0]);
            stack = [.. CrashFingerprint.Frames(Cell.Text(latest[0][1])).Select(f => new StackFrame(f.Frame, f.InApp))];
            title = (await TitlesAsync(window.Tenant, [key], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(key, key);
        }

        static List<CountBy> By(IEnumerable<object?[]> rows, int column) =>
        [
            .. rows.GroupBy(r => Cell.Text(r[column]), StringComparer.Ordinal).Select(g => new CountBy(g.Key, g.Sum(r => Cell.Long(r[3]))))
                .OrderByDescending(c => c.Count).ThenBy(c => c.Label, StringComparer.Ordinal),
        ];

        return new FailureGroupDetail(
            kind, key, title, exceptionType, await triage.GetAsync(window.Tenant, kind, key, cancellationToken).ConfigureAwait(false),
            Cell.Long(totals[0]), Cell.Long(totals[1]),
            all.Select(r => Cell.Text(r[1])).Min(StringComparer.Ordinal)!, all.Select(r => Cell.Text(r[2])).Max(StringComparer.Ordinal)!,
            [.. all.Select(r => Cell.Text(r[0])).OrderByDescending(v => v, AppVersionComparer.Instance)],
            [.. By(split, 0).OrderByDescending(c => c.Label, AppVersionComparer.Instance)], By(split, 1), By(split, 2),
            [.. daily.Select(r => new DailyCount(Cell.Text(r[0]), Cell.Long(r[1]), Cell.Long(r[2])))],
            stack);
    }

    /// <summary>Appends the values as parameters and returns their placeholders, comma-separated.</summary>
    private static string Placeholders(List<object?> parameters, IEnumerable<string> values)
    {
        var text = new StringBuilder();
        foreach (var value in values)
        {
            parameters.Add(value);
            text.Append(text.Length == 0 ? "$" : ", $").Append(parameters.Count.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

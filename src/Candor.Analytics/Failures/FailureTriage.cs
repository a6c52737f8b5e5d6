using System.Globalization;
using Candor.Analytics.Regressions;
using Candor.Analytics.Sql;
using Candor.Analytics.Versions;
using Candor.Storage;

namespace Candor.Analytics.Failures;

/// <summary>The two kinds of failure group and where their facts live: crashes grouped by fingerprint, feature
/// failures by feature and error code. Every query that names a group takes its key expression from here.</summary>
internal static class FailureKinds
{
    public const string Crash = "crash";
    public const string Feature = "feature";

    public static readonly string[] All = [Crash, Feature];

    /// <summary>The fact table of a kind.</summary>
    public static string Table(string kind) => kind == Crash ? "analytics_crashes" : "analytics_feature_failures";

    /// <summary>The group key as an SQL expression over the kind's fact table (optionally aliased).</summary>
    public static string Key(string kind, string alias = "") =>
        kind == Crash ? alias + "fingerprint" : $"{alias}feature || ' / ' || {alias}error_code";

    /// <summary>Facts that belong to a group at all (a crash waits for its fingerprint).</summary>
    public static string Grouped(string kind, string alias = "") => kind == Crash ? $" AND {alias}fingerprint IS NOT NULL" : "";
}

/// <summary>What a person decided about a failure group: <c>open</c> (no decision, or reopened), <c>resolved</c>
/// (optionally in a version), <c>ignored</c>, or <c>regressed</c> (resolved, then seen again in a newer version).</summary>
internal sealed record TriageState(
    string Kind, string Key, string State, string? ResolvedIn, string? LastVersion, DateTimeOffset? ChangedAt, string? ChangedBy,
    string? RegressedVersion, DateTimeOffset? RegressedAt)
{
    public const string Open = "open";
    public const string Resolved = "resolved";
    public const string Ignored = "ignored";
    public const string Regressed = "regressed";

    public static TriageState OpenGroup(string kind, string key) => new(kind, key, Open, null, null, null, null, null, null);
}

/// <summary>Triage of failure groups, stored per tenant in <c>analytics_failure_triage</c>, and the detection of
/// resolved groups that come back: a group resolved in version X (or, without X, after the newest version it had been
/// seen in) that occurs again, received after the resolution, in version X or later (or in a newer version) becomes
/// <c>regressed</c> and yields one finding for the alert pipeline. Ignored groups are left out of spike alerts by
/// <see cref="RegressionDetector"/>. Thread-safe.</summary>
internal sealed class FailureTriage(IAnalyticsStore store, TimeProvider time)
{
    /// <summary>The finding kind of a resolved group that came back.</summary>
    public const string RegressedFinding = "failure_regressed";

    private const string Columns = "kind, group_key, state, resolved_in, last_version, changed_at, changed_by, regressed_version, regressed_at";

    /// <summary>Every triaged group of the tenant (open groups have no row).</summary>
    public async Task<IReadOnlyList<TriageState>> ListAsync(Guid tenant, CancellationToken cancellationToken = default)
    {
        var rows = await store.QueryAsync(store.Statement(
            $"SELECT {Columns} FROM analytics_failure_triage WHERE tenant_id = $1 ORDER BY changed_at DESC, kind, group_key", tenant),
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(Read)];
    }

    /// <summary>The state of one group; open when nobody triaged it.</summary>
    public async Task<TriageState> GetAsync(Guid tenant, string kind, string key, CancellationToken cancellationToken = default)
    {
        var rows = await store.QueryAsync(store.Statement(
            $"SELECT {Columns} FROM analytics_failure_triage WHERE tenant_id = $1 AND kind = $2 AND group_key = $3", tenant, kind, key),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? TriageState.OpenGroup(kind, key) : Read(rows[0]);
    }

    /// <summary>Sets a group's state (<c>resolved</c>, <c>ignored</c> or <c>open</c>); null when the tenant has no
    /// such group. <paramref name="resolvedIn"/> only with <c>resolved</c>.</summary>
    public async Task<TriageState?> SetAsync(Guid tenant, string kind, string key, string state, string? resolvedIn, string by,
        CancellationToken cancellationToken = default)
    {
        var versions = await store.QueryAsync(store.Statement(
            $"SELECT DISTINCT app_version FROM {FailureKinds.Table(kind)} WHERE tenant_id = $1 AND {FailureKinds.Key(kind)} = $2",
            tenant, key), cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0)
        {
            return null;
        }

        if (state == TriageState.Open)
        {
            await store.ExecuteAsync([store.Statement(
                "DELETE FROM analytics_failure_triage WHERE tenant_id = $1 AND kind = $2 AND group_key = $3", tenant, kind, key)],
                cancellationToken).ConfigureAwait(false);
            return TriageState.OpenGroup(kind, key);
        }

        var now = time.GetUtcNow();
        var last = versions.Select(r => Cell.Text(r[0])).Max(AppVersionComparer.Instance);
        var result = new TriageState(kind, key, state, state == TriageState.Resolved ? resolvedIn : null, last, now, by, null, null);
        await store.ExecuteAsync([store.Statement(
            "INSERT INTO analytics_failure_triage (tenant_id, kind, group_key, state, resolved_in, last_version, changed_at, changed_by) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, kind, group_key) DO UPDATE SET state = excluded.state, " +
            "resolved_in = excluded.resolved_in, last_version = excluded.last_version, changed_at = excluded.changed_at, " +
            "changed_by = excluded.changed_by, regressed_version = NULL, regressed_at = NULL",
            tenant, kind, key, state, result.ResolvedIn, last, now.UtcDateTime, by)], cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Marks every resolved group of the tenant that came back as regressed; returns one significant finding
    /// per group that changed now (none for a group already marked, so an alert is raised once).</summary>
    public async Task<IReadOnlyList<RegressionFinding>> DetectRegressedAsync(Guid tenant, CancellationToken cancellationToken = default)
    {
        var parts = FailureKinds.All.Select(kind => $"""
            SELECT t.kind, t.group_key, t.resolved_in, t.last_version, t.changed_at, c.product, c.app_version, count(*)
            FROM analytics_failure_triage t JOIN {FailureKinds.Table(kind)} c ON c.tenant_id = t.tenant_id AND {FailureKinds.Key(kind, "c.")} = t.group_key
            WHERE t.tenant_id = $1 AND t.kind = '{kind}' AND t.state = 'resolved' AND c.received_at > t.changed_at
            GROUP BY t.kind, t.group_key, t.resolved_in, t.last_version, t.changed_at, c.product, c.app_version
            """);
        var rows = await store.QueryAsync(store.Statement(string.Join("\nUNION ALL\n", parts), tenant), cancellationToken).ConfigureAwait(false);
        var findings = new List<RegressionFinding>();
        var now = time.GetUtcNow();
        foreach (var group in rows.GroupBy(r => (Kind: Cell.Text(r[0]), Key: Cell.Text(r[1]))))
        {
            var first = group.First();
            var resolvedIn = first[2] is null ? null : Cell.Text(first[2]);
            var last = Cell.Text(first[3]);
            var back = group
                .Where(r => resolvedIn is not null
                    ? AppVersionComparer.Instance.Compare(Cell.Text(r[6]), resolvedIn) >= 0
                    : AppVersionComparer.Instance.Compare(Cell.Text(r[6]), last) > 0)
                .OrderByDescending(r => Cell.Text(r[6]), AppVersionComparer.Instance)
                .FirstOrDefault();
            if (back is null)
            {
                continue;
            }

            var version = Cell.Text(back[6]);
            var resolvedAt = Cell.Time(first[4])!.Value;
            var changed = await store.ExecuteAsync([store.Statement(
                "UPDATE analytics_failure_triage SET state = 'regressed', regressed_version = $1, regressed_at = $2 " +
                "WHERE tenant_id = $3 AND kind = $4 AND group_key = $5 AND state = 'resolved'",
                version, now.UtcDateTime, tenant, group.Key.Kind, group.Key.Key)], cancellationToken).ConfigureAwait(false);
            if (changed[0] == 0)
            {
                continue;
            }

            // The baseline names the resolution and when it was made, so a group resolved again and back again alerts again.
            var baseline = string.Create(CultureInfo.InvariantCulture,
                $"{(resolvedIn is null ? "after " + last : "in " + resolvedIn)} on {resolvedAt:yyyy-MM-dd HH:mm:ss}");
            findings.Add(new RegressionFinding(RegressedFinding, Cell.Text(back[5]), version, baseline,
                group.Key.Kind + " " + group.Key.Key, 0, Cell.Long(back[7]), 0, Cell.Long(back[7]), 0, 0, Significant: true));
        }

        return findings;
    }

    private static TriageState Read(object?[] r) => new(
        Cell.Text(r[0]), Cell.Text(r[1]), Cell.Text(r[2]), r[3] is null ? null : Cell.Text(r[3]), r[4] is null ? null : Cell.Text(r[4]),
        Cell.Time(r[5]) is { } changed ? new DateTimeOffset(changed) : null, Cell.Text(r[6]), r[7] is null ? null : Cell.Text(r[7]),
        Cell.Time(r[8]) is { } regressed ? new DateTimeOffset(regressed) : null);
}

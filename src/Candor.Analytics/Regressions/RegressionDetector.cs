using System.Globalization;
using System.Text;
using Candor.Analytics.Failures;
using Candor.Analytics.Health;
using Candor.Analytics.Sql;
using Candor.Analytics.Versions;
using Candor.Storage;

namespace Candor.Analytics.Regressions;

/// <summary>One tested comparison and its outcome.</summary>
internal sealed record RegressionFinding(
    string Kind, string Product, string Version, string? BaselineVersion, string Subject,
    double Baseline, double Current, long BaselineSamples, long CurrentSamples, double PValue, double QValue, bool Significant)
{
    /// <summary>What makes two findings the same alert.</summary>
    public string DedupKey => string.Join('|', Kind, Product, Version, BaselineVersion ?? "", Subject);
}

/// <summary>Thresholds of regression detection, with their defaults.</summary>
internal sealed record RegressionOptions
{
    /// <summary>False discovery rate across all tests of one run (Benjamini-Hochberg). Default 0.01.</summary>
    public double Alpha { get; init; } = 0.01;

    /// <summary>Sessions each version needs before its crash rate is compared. Default 200.</summary>
    public long MinimumSessions { get; init; } = 200;

    /// <summary>Durations each version needs before its p95 is compared. Default 100.</summary>
    public long MinimumDurations { get; init; } = 100;

    /// <summary>Smallest crash-rate ratio (new / old) worth an alert. Default 1.5.</summary>
    public double MinimumRateRatio { get; init; } = 1.5;

    /// <summary>Smallest p95 ratio (new / old) worth an alert. Default 1.2.</summary>
    public double MinimumP95Ratio { get; init; } = 1.2;

    /// <summary>Events a failure group needs on its latest day to be tested for a spike. Default 10.</summary>
    public long MinimumSpikeEvents { get; init; } = 10;

    /// <summary>Smallest ratio of the latest day's events to the expected (baseline) count. Default 2.</summary>
    public double MinimumSpikeRatio { get; init; } = 2;
}

/// <summary>Compares each product's newest version with its predecessor (crash rate per session: one-sided
/// two-proportion z-test; p95 of each operation: a quantile test, i.e. a two-proportion test of the share above the
/// predecessor's p95), and each failure group's latest day with its trailing 7-day baseline (Poisson test, scaled by
/// sessions). All p-values of one run are adjusted together with Benjamini-Hochberg; a finding is significant when
/// its q-value is at most <see cref="RegressionOptions.Alpha"/> and its effect passes the minimum ratio.</summary>
internal sealed class RegressionDetector(HealthQueries queries, RegressionOptions options)
{
    private const string P95Duration = "{p95:d.duration_ms}";

    private IAnalyticsStore Store => queries.Store;

    public Task<IReadOnlyList<RegressionFinding>> DetectAsync(HealthWindow window, CancellationToken cancellationToken = default) =>
        DetectAsync(window, spikeTests: true, cancellationToken);

    private async Task<IReadOnlyList<RegressionFinding>> DetectAsync(HealthWindow window, bool spikeTests, CancellationToken cancellationToken)
    {
        var tests = new List<(RegressionFinding Finding, bool Effect)>();

        // The spike tests need nothing of the version comparison: they run beside it.
        var spikes = spikeTests ? SpikeTestsAsync(window, cancellationToken) : Task.FromResult(new List<(RegressionFinding, bool)>());
        var health = await SessionsPerVersionAsync(window with { Version = null }, cancellationToken).ConfigureAwait(false);
        var pairs = new List<(string Product, string Newer, IReadOnlyList<string> Baseline)>();
        foreach (var product in health.GroupBy(h => h.Product, StringComparer.Ordinal))
        {
            var versions = product.OrderByDescending(h => h.Version, AppVersionComparer.Instance).ToList();
            if (versions.Count < 2)
            {
                continue;
            }

            // The baseline is the predecessor; when it has fewer sessions than the new version (a new release quickly
            // replaces its predecessor, leaving it a small sample), the next older versions are pooled with it until
            // the two samples are about as large: balanced samples give the test its power.
            var newer = versions[0];
            var baseline = new List<VersionSessions>();
            var target = Math.Max(options.MinimumSessions, newer.Sessions);
            foreach (var older in versions.Skip(1))
            {
                baseline.Add(older);
                if (baseline.Sum(b => b.Sessions) >= target)
                {
                    break;
                }
            }

            var label = baseline.Count == 1 ? baseline[0].Version : string.Create(CultureInfo.InvariantCulture, $"{baseline[0].Version} (+{baseline.Count - 1} older)");
            pairs.Add((product.Key, newer.Version, [.. baseline.Select(b => b.Version)]));
            long n0 = baseline.Sum(b => b.Sessions), x0 = baseline.Sum(b => b.CrashedSessions);
            if (newer.Sessions < options.MinimumSessions || n0 < options.MinimumSessions)
            {
                continue;
            }

            var oldRate = (double)x0 / n0;
            var newRate = (double)newer.CrashedSessions / newer.Sessions;
            var p = Statistics.TwoProportionGreater(x0, n0, newer.CrashedSessions, newer.Sessions);
            tests.Add((new RegressionFinding("crash_rate", product.Key, newer.Version, label, "crashed sessions",
                Math.Round(oldRate, 6), Math.Round(newRate, 6), n0, newer.Sessions, p, 1, false),
                newRate >= options.MinimumRateRatio * oldRate && newer.CrashedSessions > 0));
        }

        tests.AddRange(await DurationTestsAsync(window, pairs, cancellationToken).ConfigureAwait(false));
        tests.AddRange(await spikes.ConfigureAwait(false));

        var q = Statistics.BenjaminiHochberg([.. tests.Select(t => t.Finding.PValue)]);
        return
        [
            .. tests.Select((t, i) => t.Finding with { QValue = q[i], Significant = t.Effect && q[i] <= options.Alpha })
                .OrderByDescending(f => f.Significant).ThenBy(f => f.QValue).ThenBy(f => f.DedupKey, StringComparer.Ordinal),
        ];
    }

    /// <summary>The findings about one release (the window's product and version) against its baseline: a run of the
    /// crash-rate and p95 tests over the window's product (q-values adjusted over that run), kept when they tested that
    /// version (detection compares each product's newest version only, so an older version has none). Spike tests are
    /// about days, not releases, and are not run.</summary>
    public async Task<IReadOnlyList<RegressionFinding>> ReleaseFindingsAsync(HealthWindow window, CancellationToken cancellationToken = default) =>
    [
        .. (await DetectAsync(window with { Version = null }, spikeTests: false, cancellationToken).ConfigureAwait(false))
            .Where(f => f.Version == window.Version),
    ];

    private sealed record VersionSessions(string Product, string Version, long Sessions, long CrashedSessions);

    /// <summary>Sessions and crashed sessions per product and version: the release-health counts the crash-rate test
    /// uses, without the distinct-device counts release health also takes (half its cost).</summary>
    private async Task<List<VersionSessions>> SessionsPerVersionAsync(HealthWindow window, CancellationToken cancellationToken)
    {
        var (filter, parameters) = HealthQueries.Filter(window, "s.");
        var rows = await Store.QueryAsync(Store.Statement(
            $"""
            SELECT s.product, s.app_version, count(*), count(c.session_id)
            FROM analytics_sessions s
            LEFT JOIN (SELECT DISTINCT session_id FROM analytics_crashes WHERE tenant_id = $1) c ON c.session_id = s.session_id
            WHERE s.tenant_id = $1 AND s.day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE){filter}
            GROUP BY s.product, s.app_version
            """, [.. parameters]), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new VersionSessions(Cell.Text(r[0]), Cell.Text(r[1]), Cell.Long(r[2]), Cell.Long(r[3])))];
    }

    private async Task<List<(RegressionFinding, bool)>> DurationTestsAsync(HealthWindow window,
        List<(string Product, string Newer, IReadOnlyList<string> Baseline)> pairs, CancellationToken cancellationToken)
    {
        var tests = new List<(RegressionFinding, bool)>();
        if (pairs.Count == 0)
        {
            return tests;
        }

        // One row per (product, version, role): role 1 is the new version, 0 its baseline versions.
        var parameters = new List<object?> { window.Tenant, window.FromText, window.ToText };
        var values = new StringBuilder();
        foreach (var (product, newer, baseline) in pairs)
        {
            foreach (var (version, role) in baseline.Select(b => (b, 0)).Append((newer, 1)))
            {
                values.Append(values.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                    $"(${parameters.Count + 1}, ${parameters.Count + 2}, {role})");
                parameters.AddRange([product, version]);
            }
        }

        // Two scans: the p95 and count of each side in one pass (the only percentile work), then how many durations of
        // each side lie above the baseline's p95, a plain count against a small join.
        var quantiles = await Store.QueryAsync(Store.Statement(
            $"""
            WITH pairs (product, version, role) AS (VALUES {values})
            SELECT d.product, d.operation, p.role, count(*), {P95Duration}
            FROM analytics_durations d JOIN pairs p ON d.product = p.product AND d.app_version = p.version
            WHERE d.tenant_id = $1 AND d.day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)
            GROUP BY d.product, d.operation, p.role
            """, [.. parameters]), cancellationToken).ConfigureAwait(false);
        var thresholds = quantiles.Where(r => Cell.Long(r[2]) == 0 && Cell.Long(r[3]) >= options.MinimumDurations).ToList();
        if (thresholds.Count == 0)
        {
            return tests;
        }

        // The second scan counts the durations above the baseline's p95 through one join against a table of
        // (product, version, operation, role, p95): one probe per duration instead of one per join.
        var limits = new StringBuilder();
        var second = new List<object?> { window.Tenant, window.FromText, window.ToText };
        foreach (var row in thresholds)
        {
            var (product, operation, q) = (Cell.Text(row[0]), Cell.Text(row[1]), Cell.Double(row[4]));
            var pair = pairs.First(p => p.Product == product);
            foreach (var (version, role) in pair.Baseline.Select(b => (b, 0)).Append((pair.Newer, 1)))
            {
                limits.Append(limits.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                    $"(${second.Count + 1}, ${second.Count + 2}, ${second.Count + 3}, {role}, CAST(${second.Count + 4} AS FLOAT8))");
                second.AddRange([product, version, operation, q]);
            }
        }

        var above = await Store.QueryAsync(Store.Statement(
            $"""
            WITH limits (product, version, operation, role, q) AS (VALUES {limits})
            SELECT d.product, d.operation, l.role, count(*)
            FROM analytics_durations d
            JOIN limits l ON l.product = d.product AND l.version = d.app_version AND l.operation = d.operation
            WHERE d.tenant_id = $1 AND d.day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) AND d.duration_ms > l.q
            GROUP BY d.product, d.operation, l.role
            """, [.. second]), cancellationToken).ConfigureAwait(false);
        var aboveBy = above.ToDictionary(r => (Cell.Text(r[0]), Cell.Text(r[1]), Cell.Long(r[2])), r => Cell.Long(r[3]));

        // Rows as before: product, operation, role, count, count above, p95.
        var rows = quantiles.Select(r => new object?[]
        {
            r[0], r[1], r[2], r[3], aboveBy.GetValueOrDefault((Cell.Text(r[0]), Cell.Text(r[1]), Cell.Long(r[2]))), r[4],
        }).ToList();

        foreach (var op in rows.GroupBy(r => (Product: Cell.Text(r[0]), Operation: Cell.Text(r[1]))))
        {
            var older = op.FirstOrDefault(r => Cell.Long(r[2]) == 0);
            var newer = op.FirstOrDefault(r => Cell.Long(r[2]) == 1);
            if (older is null || newer is null)
            {
                continue;
            }

            long n0 = Cell.Long(older[3]), x0 = Cell.Long(older[4]), n1 = Cell.Long(newer[3]), x1 = Cell.Long(newer[4]);
            if (n0 < options.MinimumDurations || n1 < options.MinimumDurations)
            {
                continue;
            }

            var pair = pairs.First(p => p.Product == op.Key.Product);
            var label = pair.Baseline.Count == 1 ? pair.Baseline[0] : string.Create(CultureInfo.InvariantCulture, $"{pair.Baseline[0]} (+{pair.Baseline.Count - 1} older)");
            double p95Old = Cell.Double(older[5]), p95New = Cell.Double(newer[5]);
            var p = Statistics.TwoProportionGreater(x0, n0, x1, n1);
            tests.Add((new RegressionFinding("duration_p95", op.Key.Product, pair.Newer, label, op.Key.Operation,
                p95Old, p95New, n0, n1, p, 1, false), p95New >= options.MinimumP95Ratio * p95Old));
        }

        return tests;
    }

    /// <summary>A failure group that someone ignored is not tested for spikes, so it never alerts (triage).</summary>
    private static string NotIgnored(string kind) =>
        "NOT EXISTS (SELECT 1 FROM analytics_failure_triage t WHERE t.tenant_id = $1 AND t.kind = '" + kind + "' AND t.group_key = " +
        FailureKinds.Key(kind, FailureKinds.Table(kind) + ".") + " AND t.state = 'ignored')";

    private async Task<List<(RegressionFinding, bool)>> SpikeTestsAsync(HealthWindow window, CancellationToken cancellationToken)
    {
        var tests = new List<(RegressionFinding, bool)>();
        var from = window.To.AddDays(-7);
        from = from < window.From ? window.From : from;
        var (filter, parameters) = HealthQueries.Filter(window with { From = from, Version = null });
        parameters[1] = (window with { From = from }).FromText;
        var sessions = (await Store.QueryAsync(Store.Statement(
            $"SELECT CAST(day AS VARCHAR), count(*) FROM analytics_sessions WHERE tenant_id = $1 AND day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE){filter} GROUP BY day",
            [.. parameters]), cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => Cell.Text(r[0]), r => Cell.Long(r[1]), StringComparer.Ordinal);
        if (sessions.Count < 2)
        {
            return tests;
        }

        var latest = sessions.Keys.Max(StringComparer.Ordinal)!;
        var counts = await Store.QueryAsync(Store.Statement(
            $"""
            SELECT 'crash', fingerprint, product, CAST(day AS VARCHAR), count(*) FROM analytics_crashes
            WHERE tenant_id = $1 AND day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) AND fingerprint IS NOT NULL{filter}
              AND {NotIgnored(FailureKinds.Crash)}
            GROUP BY fingerprint, product, day
            UNION ALL
            SELECT 'feature', feature || ' / ' || error_code, product, CAST(day AS VARCHAR), count(*) FROM analytics_feature_failures
            WHERE tenant_id = $1 AND day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE){filter}
              AND {NotIgnored(FailureKinds.Feature)}
            GROUP BY feature || ' / ' || error_code, product, day
            """, [.. parameters]), cancellationToken).ConfigureAwait(false);
        var baseSessions = sessions.Where(s => s.Key != latest).Sum(s => s.Value);
        var latestSessions = sessions[latest];
        foreach (var group in counts.GroupBy(r => (Kind: Cell.Text(r[0]), Key: Cell.Text(r[1]), Product: Cell.Text(r[2]))))
        {
            var observed = group.Where(r => Cell.Text(r[3]) == latest).Sum(r => Cell.Long(r[4]));
            if (observed < options.MinimumSpikeEvents || baseSessions == 0)
            {
                continue;
            }

            var baseline = group.Where(r => Cell.Text(r[3]) != latest).Sum(r => Cell.Long(r[4]));

            // Half an event of prior: a group never seen before still has a finite expectation.
            var expected = (baseline + 0.5) / baseSessions * latestSessions;
            var p = Statistics.PoissonUpper(observed, expected);
            tests.Add((new RegressionFinding(group.Key.Kind + "_spike", group.Key.Product, latest, null, group.Key.Key,
                Math.Round(expected, 3), observed, baseSessions, latestSessions, p, 1, false), observed >= options.MinimumSpikeRatio * expected));
        }

        return tests;
    }
}

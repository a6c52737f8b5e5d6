using System.Globalization;
using Candor.Analytics.Health;
using Candor.Analytics.Versions;
using Candor.Server.Console.Tables;

namespace Candor.Server.Console.Performance;

/// <summary>The performance table: exact p50/p90/p95/p99 per operation and version over all device classes, the rows of
/// <c>GET /v1/analytics/performance?byDeviceClass=false</c> for the same window (and operation, when one is chosen).</summary>
internal static class PerformanceTables
{
    /// <summary>How many operations of a product the p95 chart draws (the most measured); the table has them all.</summary>
    public const int ChartedOperations = 6;

    public static Task<IReadOnlyList<OperationPerformance>> ReadAsync(HealthQueries queries, HealthWindow window, string? operation,
        CancellationToken cancellationToken) =>
        queries.PerformanceAsync(window, operation, perDeviceClass: false, cancellationToken);

    public static ConsoleTable Table(IReadOnlyList<OperationPerformance> rows) =>
        new("performance", "Duration percentiles per operation and version (milliseconds)",
            ["Product", "Operation", "Version", "Measurements", "p50", "p90", "p95", "p99"],
            [
                .. rows.Select(p => new TableRow(
                [
                    p.Product, new TableCell(p.Operation, Figure: "operation"), new TableCell(p.Version, Figure: "version"),
                    new TableCell(Count(p.Count), Figure: "count"), new TableCell(Ms(p.P50), Figure: "p50"), new TableCell(Ms(p.P90), Figure: "p90"),
                    new TableCell(Ms(p.P95), Figure: "p95"), new TableCell(Ms(p.P99), Figure: "p99"),
                ], $"{p.Product} {p.Operation} {p.Version}")),
            ]);

    /// <summary>Per product, the p95 of its most measured operations across its versions (oldest first), one series
    /// each; a version where an operation was not measured is left out of that series.</summary>
    public static IEnumerable<(string Product, IReadOnlyList<(string Operation, List<VersionP95> Points)> Series)> P95AcrossVersions(
        IReadOnlyList<OperationPerformance> rows) =>
        rows.GroupBy(r => r.Product, StringComparer.Ordinal).Select(product =>
        {
            var versions = product.Select(r => r.Version).Distinct(StringComparer.Ordinal).Order(AppVersionComparer.Instance).ToList();
            IReadOnlyList<(string, List<VersionP95>)> series =
            [
                .. product.GroupBy(r => r.Operation, StringComparer.Ordinal)
                    .OrderByDescending(o => o.Sum(r => r.Count)).ThenBy(o => o.Key, StringComparer.Ordinal)
                    .Take(ChartedOperations)
                    .Select(o =>
                    {
                        var byVersion = o.ToDictionary(r => r.Version, StringComparer.Ordinal);
                        return (o.Key, versions.Where(byVersion.ContainsKey).Select(v => new VersionP95(v, byVersion[v].P95)).ToList());
                    }),
            ];
            return (product.Key, series);
        });

    internal static string Ms(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>One point of the p95 chart.</summary>
internal sealed record VersionP95(string Version, double P95);

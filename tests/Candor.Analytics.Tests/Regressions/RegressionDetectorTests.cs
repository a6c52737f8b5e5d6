using Candor.Analytics.Health;
using Candor.Analytics.Projection;
using Candor.Analytics.Regressions;
using Xunit;

namespace Candor.Analytics.Tests.Regressions;

/// <summary>Regression detection on synthetic fleets: one with a planted regression (crash rate, sync p95 and a
/// failure spike on the newest release) and one where every version behaves alike.</summary>
public sealed class RegressionDetectorTests
{
    private static readonly DateOnly First = new(2026, 11, 14);
    private static readonly DateOnly Last = new(2026, 11, 21);

    internal static Fleetlet Synthetic(Guid tenant, bool planted, int seed)
    {
        var rng = new Random(seed);
        var f = new Fleetlet(tenant);
        var devices = Enumerable.Range(0, 240).Select(_ => Guid.NewGuid()).ToArray();
        for (var day = First; day <= Last; day = day.AddDays(1))
        {
            for (var i = 0; i < devices.Length; i++)
            {
                var product = i % 3 == 0 ? "p.steady" : "p.reg";
                var version = product == "p.steady" ? (i % 2 == 0 ? "5.0.1" : "5.0.2") : (i % 2 == 0 ? "3.9.0" : "3.10.0");
                var isNew = version == "3.10.0";
                var session = f.Session(devices[i], product, version, day, endedAfterMs: 600_000 + rng.Next(600_000));
                var crashRate = planted && isNew ? 0.06 : 0.004;
                if (rng.NextDouble() < crashRate)
                {
                    f.Crash(devices[i], session, product, version, day, "System.NullReferenceException", "App!SyncEngine.ApplyDelta");
                }

                var (median, sigma) = planted && isNew ? (2500.0, 0.75) : (1900.0, 0.45);
                f.Operation(devices[i], session, product, version, day, "sync", Math.Round(median * Math.Exp(sigma * Normal(rng)), 1));
                if (rng.NextDouble() < 0.02)
                {
                    f.FeatureFailed(devices[i], session, product, version, day, "upload", "503");
                }
            }

            // The spike: the upload failures of p.reg jump on the last day only.
            if (planted && day == Last)
            {
                for (var k = 0; k < 30; k++)
                {
                    f.FeatureFailed(devices[1], Guid.NewGuid(), "p.reg", "3.10.0", day, "upload", "503");
                }
            }
        }

        return f;
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static async Task<IReadOnlyList<RegressionFinding>> DetectAsync(string backend, bool planted, int seed)
    {
        await using var store = await TestStore.OpenAsync(backend);
        var tenant = Guid.NewGuid();
        await store.Store.AppendAsync(Synthetic(tenant, planted, seed).Events);
        await new AnalyticsProjector(store.Analytics).RunAsync();
        var detector = new RegressionDetector(new HealthQueries(store.Analytics), new RegressionOptions());
        return await detector.DetectAsync(new HealthWindow(tenant, First, Last));
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Planted_regression_is_found_in_crash_rate_p95_and_failure_spike(string backend)
    {
        var findings = await DetectAsync(backend, planted: true, seed: 11);
        var significant = findings.Where(f => f.Significant).ToList();

        var crash = Assert.Single(significant, f => f.Kind == "crash_rate");
        Assert.Equal(("p.reg", "3.10.0", "3.9.0"), (crash.Product, crash.Version, crash.BaselineVersion));
        var p95 = Assert.Single(significant, f => f.Kind == "duration_p95");
        Assert.Equal(("p.reg", "3.10.0", "sync"), (p95.Product, p95.Version, p95.Subject));
        Assert.True(p95.Current > 1.5 * p95.Baseline, $"p95 {p95.Current} vs {p95.Baseline}");
        var spike = Assert.Single(significant, f => f.Kind == "feature_spike");
        Assert.Equal(("p.reg", "upload / 503", "2026-11-21"), (spike.Product, spike.Subject, spike.Version));

        // The steady product was tested too and raised nothing.
        Assert.Contains(findings, f => f.Product == "p.steady" && f.Kind == "crash_rate");
        Assert.DoesNotContain(significant, f => f.Product == "p.steady");
    }

    [Theory]
    [InlineData("duckdb", 11)]
    [InlineData("duckdb", 12)]
    [InlineData("duckdb", 13)]
    [InlineData("postgres", 11)]
    public async Task Without_a_planted_regression_nothing_is_significant(string backend, int seed)
    {
        var findings = await DetectAsync(backend, planted: false, seed);

        Assert.Contains(findings, f => f.Kind == "crash_rate");
        Assert.Contains(findings, f => f.Kind == "duration_p95");
        Assert.DoesNotContain(findings, f => f.Significant);
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Duration_test_figures_equal_the_ones_computed_from_the_raw_durations(string backend)
    {
        await using var store = await TestStore.OpenAsync(backend);
        var tenant = Guid.NewGuid();
        var fleet = Synthetic(tenant, planted: true, seed: 11);
        await store.Store.AppendAsync(fleet.Events);
        await new AnalyticsProjector(store.Analytics).RunAsync();
        var findings = await new RegressionDetector(new HealthQueries(store.Analytics), new RegressionOptions())
            .DetectAsync(new HealthWindow(tenant, First, Last));

        // The discrete p95 (the smallest duration with at least 95 % at or below it; approximate on DuckDB), the sample
        // sizes and the shares above the baseline's p95, from the events themselves.
        double[] Durations(string product, string version) =>
        [
            .. fleet.Events.Where(e => e.Name == "app.operation.completed" && e.Product == product && e.AppVersion == version)
                .Select(e => System.Text.Json.JsonDocument.Parse(e.Data).RootElement.GetProperty("durationMs").GetDouble()).Order(),
        ];
        static double P95(double[] sorted) => sorted[(int)Math.Ceiling(0.95 * sorted.Length) - 1];
        foreach (var (product, older, newer) in new[] { ("p.reg", "3.9.0", "3.10.0"), ("p.steady", "5.0.1", "5.0.2") })
        {
            double[] d0 = Durations(product, older), d1 = Durations(product, newer);
            var finding = Assert.Single(findings, f => f.Kind == "duration_p95" && f.Product == product);
            Assert.Equal((older, newer, "sync"), (finding.BaselineVersion, finding.Version, finding.Subject));
            Assert.Equal(((long)d0.Length, (long)d1.Length), (finding.BaselineSamples, finding.CurrentSamples));
            if (backend == "postgres")
            {
                Assert.Equal((P95(d0), P95(d1)), (finding.Baseline, finding.Current));
            }
            else
            {
                // DuckDB approximates the p95 (memory bounded, Dialect): by rank within a point of the 95th percentile at
                // these 640 durations a side (ApproximateP95Tests bounds it tighter for large groups).
                foreach (var (sorted, p95) in new[] { (d0, finding.Baseline), (d1, finding.Current) })
                {
                    double below = sorted.Count(v => v < p95), atOrBelow = sorted.Count(v => v <= p95);
                    Assert.True(below / sorted.Length <= 0.96 && atOrBelow / sorted.Length >= 0.94,
                        $"{product}: p95 {p95} has {below} of {sorted.Length} durations below it, exact p95 {P95(sorted)}");
                }
            }

            // The shares above the threshold the store found are exact counts.
            var limit = finding.Baseline;
            Assert.Equal(Statistics.TwoProportionGreater(d0.LongCount(v => v > limit), d0.Length, d1.LongCount(v => v > limit), d1.Length),
                finding.PValue, 12);
        }
    }

    [Fact]
    public void Two_proportion_test_matches_a_hand_computed_z()
    {
        // 10/1000 vs 30/1000: pooled 0.02, se = sqrt(0.02*0.98*0.002) = 0.0062610, z = 0.02/0.0062610 = 3.1944.
        Assert.Equal(0.000700, Statistics.TwoProportionGreater(10, 1000, 30, 1000), 5);
        Assert.Equal(0.5, Statistics.TwoProportionGreater(10, 1000, 10, 1000), 6);
        Assert.Equal(1, Statistics.TwoProportionGreater(0, 0, 1, 10));
    }

    [Fact]
    public void Poisson_tail_matches_hand_computed_values()
    {
        // P(X >= 3 | 1) = 1 - e^-1 (1 + 1 + 1/2) = 0.0803014.
        Assert.Equal(0.0803014, Statistics.PoissonUpper(3, 1), 6);
        Assert.Equal(1, Statistics.PoissonUpper(0, 4));
        Assert.True(Statistics.PoissonUpper(60, 2) < 1e-40);
    }

    [Fact]
    public void Benjamini_Hochberg_adjusts_in_input_order()
    {
        // Sorted 0.01, 0.02, 0.03, 0.5 with m = 4: 0.04, 0.04, 0.04, 0.5.
        var q = Statistics.BenjaminiHochberg([0.03, 0.5, 0.01, 0.02]);
        Assert.Equal([0.04, 0.5, 0.04, 0.04], q.Select(v => Math.Round(v, 10)));
    }
}

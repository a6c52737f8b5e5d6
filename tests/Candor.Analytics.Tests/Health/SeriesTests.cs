using Candor.Analytics.Health;
using Xunit;

namespace Candor.Analytics.Tests.Health;

/// <summary>The day-by-day figures of a product and of a release against its predecessor, on the hand-computed
/// dataset (see <see cref="HandComputedFiguresTests.Dataset"/>), on both stores.</summary>
public sealed class SeriesTests
{
    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_product_series_gives_crash_free_sessions_active_devices_and_events_by_category_per_day(string backend)
    {
        var (store, queries, window) = await HandComputedFiguresTests.LoadAsync(backend);
        await using var _ = store;
        var series = await queries.ProductSeriesAsync(window);

        Assert.Equal(["p.one", "p.two"], series.Select(s => s.Product));
        var one = series[0];

        // Day 1: A's session and B's crashed one (2 sessions, 1 crashed, 2 devices, 1 crashed); day 2: A crashed, B, C.
        Assert.Equal(
            [
                new ProductDay("2026-11-20", 2, 1, 0.5, 2, 1, 0.5, 2),
                new ProductDay("2026-11-21", 3, 1, 0.666667, 3, 1, 0.666667, 3),
            ],
            one.Days);

        // Day 1 on p.one: 2 session starts, 1 session end (usage), 1 crash (performance); day 2: 3 starts, 1 crash, 3 failures, 10 operations.
        Assert.Equal(
            [
                new CategoryDay("2026-11-20", "product_and_service_performance", 1),
                new CategoryDay("2026-11-20", "product_and_service_usage", 3),
                new CategoryDay("2026-11-21", "product_and_service_performance", 14),
                new CategoryDay("2026-11-21", "product_and_service_usage", 3),
            ],
            one.EventsByCategory);
        Assert.Equal([new ProductDay("2026-11-20", 1, 0, 1.0, 1, 0, 1.0, 1)], series[1].Days);
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_release_detail_compares_adoption_and_crash_free_days_with_its_predecessor(string backend)
    {
        var (store, queries, window) = await HandComputedFiguresTests.LoadAsync(backend);
        await using var _ = store;
        var detail = await queries.ReleaseDetailAsync(window with { Product = "p.one", Version = "1.10.0" });

        Assert.NotNull(detail);
        Assert.Equal("1.9.0", detail.Predecessor);

        // p.one's active devices: day 1 A and B, day 2 A, B and C; 1.10.0 runs on B, then B and C.
        Assert.Equal(
            [
                new ReleaseDay("2026-11-20", 1, 0.5, 1, 1, 0.0, 1, 0.0),
                new ReleaseDay("2026-11-21", 2, 0.666667, 2, 0, 1.0, 2, 1.0),
            ],
            detail.Current.Days);
        Assert.Equal(
            [
                new ReleaseDay("2026-11-20", 1, 0.5, 1, 0, 1.0, 1, 1.0),
                new ReleaseDay("2026-11-21", 1, 0.333333, 1, 1, 0.0, 1, 0.0),
            ],
            detail.Previous!.Days);

        // The crash group appeared first in 1.9.0; sync / E42 is new in 1.10.0.
        var news = Assert.Single(detail.NewFailureGroups);
        Assert.Equal(("feature", "sync / E42", 3), (news.Kind, news.Key, news.Events));
        Assert.Equal(
            [new ReleaseNewFailures("p.one", "1.10.0", 1), new ReleaseNewFailures("p.one", "1.9.0", 1)],
            await queries.NewFailureGroupCountsAsync(window));

        var first = (await queries.ReleaseDetailAsync(window with { Product = "p.one", Version = "1.9.0" }))!;
        Assert.Null(first.Predecessor);
        Assert.Null(first.Previous);
        Assert.Null(await queries.ReleaseDetailAsync(window with { Product = "p.one", Version = "9.9" }));
    }
}

using Candor.Fleet.Load;

namespace Candor.Fleet.Tests.Load;

[Collection(CatalogCollection.Name)]
public sealed class LoadGeneratorTests(CatalogFixture fixture)
{
    private LoadOptions Options(CountingCollector collector, long events, bool gzip = false) => new()
    {
        Url = collector.Url,
        Key = collector.Key,
        Events = events,
        Concurrency = 4,
        Seed = 5,
        Gzip = gzip,
        TimeLimit = TimeSpan.FromMinutes(1),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Accepted_count_equals_what_the_server_stored(bool gzip)
    {
        await using var collector = await CountingCollector.StartAsync();
        var options = Options(collector, 12_345, gzip);
        var batches = LoadGenerator.Prepare(fixture.Catalog, options, FleetData.End);

        var report = await new LoadGenerator(options, TimeProvider.System).RunAsync(batches, 0);

        Assert.Equal(12_345, report.EventsPrepared);
        Assert.Equal(12_345, report.EventsSent);
        Assert.Equal(collector.Stored, report.Accepted);
        Assert.Equal(12_345, report.Accepted);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(25, report.BatchesSent);
        Assert.True(report.LatencyP50Ms > 0 && report.LatencyP50Ms <= report.LatencyP99Ms && report.LatencyP99Ms <= report.LatencyMaxMs);
        Assert.False(report.TimedOut);
    }

    [Fact]
    public async Task A_second_run_with_the_same_seed_is_all_duplicates()
    {
        await using var collector = await CountingCollector.StartAsync();
        var options = Options(collector, 2_000);
        var batches = LoadGenerator.Prepare(fixture.Catalog, options, FleetData.End);
        var generator = new LoadGenerator(options, TimeProvider.System);

        await generator.RunAsync(batches, 0);
        var again = await generator.RunAsync(batches, 0);

        Assert.Equal(0, again.Accepted);
        Assert.Equal(2_000, again.Duplicates);
        Assert.Equal(2_000, collector.Stored);
    }

    [Fact]
    public async Task Overloaded_answers_are_retried_after_the_retry_after_delay()
    {
        await using var collector = await CountingCollector.StartAsync(overloadedRequests: 3);
        var options = Options(collector, 1_500) with { Concurrency = 1 };
        var batches = LoadGenerator.Prepare(fixture.Catalog, options, FleetData.End);

        var report = await new LoadGenerator(options, TimeProvider.System).RunAsync(batches, 0);

        Assert.Equal(1_500, report.Accepted);
        Assert.Equal(3, report.Retries);
        Assert.Equal(3, report.Statuses[503]);
        Assert.True(report.Seconds >= 3, $"retries did not wait: {report.Seconds} s");
    }

    [Fact]
    public async Task A_wrong_key_fails_every_batch_without_retrying()
    {
        await using var collector = await CountingCollector.StartAsync();
        var options = Options(collector, 1_000) with { Key = "wrong" };
        var batches = LoadGenerator.Prepare(fixture.Catalog, options, FleetData.End);

        var report = await new LoadGenerator(options, TimeProvider.System).RunAsync(batches, 0);

        Assert.Equal(2, report.BatchesFailed);
        Assert.Equal(0, report.Accepted);
        Assert.Equal(2, report.Statuses[401]);
        Assert.StartsWith("HTTP 401", report.FirstError, StringComparison.Ordinal);
        Assert.Equal(0, collector.Stored);
    }

    [Fact]
    public async Task The_time_limit_stops_the_run()
    {
        await using var collector = await CountingCollector.StartAsync(overloadedRequests: 1_000);
        var options = Options(collector, 5_000) with { TimeLimit = TimeSpan.FromSeconds(2), MaxRetries = 100 };
        var batches = LoadGenerator.Prepare(fixture.Catalog, options, FleetData.End);

        var report = await new LoadGenerator(options, TimeProvider.System).RunAsync(batches, 0);

        Assert.True(report.TimedOut);
        Assert.InRange(report.Seconds, 1.5, 10);
        Assert.Equal(0, report.Accepted);
    }

    [Fact]
    public void Invalid_options_are_reported_together()
    {
        var options = new LoadOptions { Url = new Uri("ftp://127.0.0.1/"), Key = "", Events = 0, Concurrency = 0, BatchSize = 600 };

        var errors = options.Validate();

        Assert.Equal(5, errors.Count);
    }
}

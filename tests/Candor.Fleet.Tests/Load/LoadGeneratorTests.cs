using Candor.Fleet.Load;
using Candor.Fleet.Simulation;
using Candor.Fleet.Wire;

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

    [Fact]
    public async Task Streamed_run_sends_exactly_the_count_in_contiguous_slices_and_accepted_equals_what_the_server_stored()
    {
        await using var collector = await CountingCollector.StartAsync();
        var options = Options(collector, 12_345, gzip: true) with { Stream = true, Days = 2, SliceEvents = 5_000 };
        var fleet = new FleetSimulator(fixture.Catalog, LoadGenerator.StreamFleet(fixture.Catalog, options, FleetData.End));
        var slices = new List<LoadSlice>();

        var report = await new LoadGenerator(options, TimeProvider.System).StreamAsync(BatchWriter.Batches(fleet), slices.Add);

        Assert.Equal(12_345, report.EventsPrepared);
        Assert.Equal(12_345, report.EventsSent);
        Assert.Equal(12_345, report.Accepted);
        Assert.Equal(collector.Stored, report.Accepted);
        Assert.Equal(25, report.Batches);
        Assert.False(report.TimedOut);
        // Slices close at the first answer past each 5,000 events (batches of 500), the rest at the end.
        Assert.Equal([5_000L, 10_000L, 12_345L], slices.Select(s => s.ToEvents));
        Assert.Equal([0L, 5_000L, 10_000L], slices.Select(s => s.FromEvents));
        Assert.Equal([1, 2, 3], slices.Select(s => s.Index));
        Assert.Equal(25, slices.Sum(s => s.Batches));
        Assert.Equal(12_345, slices[^1].Accepted);
        Assert.All(slices, s => Assert.True(s.Seconds > 0 && s.EventsPerSecond > 0));
    }

    [Fact]
    public async Task Streamed_run_stops_at_the_time_limit_without_generating_the_rest()
    {
        await using var collector = await CountingCollector.StartAsync(overloadedRequests: 1_000);
        var options = Options(collector, 1_000_000) with { Stream = true, Days = 1, TimeLimit = TimeSpan.FromSeconds(2), MaxRetries = 100 };
        var fleet = new FleetSimulator(fixture.Catalog, LoadGenerator.StreamFleet(fixture.Catalog, options, FleetData.End));

        var report = await new LoadGenerator(options, TimeProvider.System).StreamAsync(BatchWriter.Batches(fleet), null);

        Assert.True(report.TimedOut);
        Assert.InRange(report.Seconds, 1.5, 10);
        Assert.Equal(0, report.Accepted);
        // The producer stopped on the full queue: a few batches made, not a million events.
        Assert.InRange(report.EventsPrepared, 0, 20 * 500);
    }

    [Fact]
    public void Streamed_fleet_makes_the_count_with_times_spread_over_the_days_up_to_the_end()
    {
        var options = new LoadOptions
        {
            Url = new Uri("http://127.0.0.1/"), Key = "k", Events = 150_000, Stream = true, Days = 10, Seed = 3,
        };
        var fleetOptions = LoadGenerator.StreamFleet(fixture.Catalog, options, FleetData.End);

        var (count, first, last) = (0L, long.MaxValue, long.MinValue);
        foreach (var e in new FleetSimulator(fixture.Catalog, fleetOptions).Events())
        {
            (count, first, last) = (count + 1, Math.Min(first, e.TimeMs), Math.Max(last, e.TimeMs));
        }

        var start = FleetData.End.AddDays(-10).ToUnixTimeMilliseconds();
        Assert.Equal(150_000, count);
        Assert.InRange(first, start, start + (long)TimeSpan.FromDays(1).TotalMilliseconds);
        // The fleet is sized so that the count is reached in the period's last part, not after half of it.
        Assert.InRange(last, FleetData.End.AddDays(-2).ToUnixTimeMilliseconds(), FleetData.End.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Streamed_runs_may_exceed_the_prepared_cap_and_check_their_own_settings()
    {
        var prepared = new LoadOptions { Url = new Uri("http://127.0.0.1/"), Key = "k", Events = 50_000_000 };
        var streamed = prepared with { Stream = true, TimeLimit = TimeSpan.FromHours(6) };
        var wrong = streamed with { Days = 31, SliceEvents = 0, Events = 2_000_000_000 };

        Assert.Contains(prepared.Validate(), e => e.Contains("--stream", StringComparison.Ordinal));
        Assert.Empty(streamed.Validate());
        Assert.Equal(3, wrong.Validate().Count);
    }
}

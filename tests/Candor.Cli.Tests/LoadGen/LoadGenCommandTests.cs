using System.Text.Json;
using Xunit;

namespace Candor.Cli.Tests.LoadGen;

/// <summary><c>candor loadgen</c> against the real collector on loopback, its store checked afterwards.</summary>
public sealed class LoadGenCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-loadgen-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Reported_accepted_count_equals_what_the_collector_stored()
    {
        await using var collector = await RealCollector.StartAsync();

        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", collector.Url.ToString(), "--key", collector.Tenant.IngestionKey,
            "--events", "3000", "--concurrency", "3", "--batch", "250", "--gzip", "--json");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        using var report = JsonDocument.Parse(result.Stdout);
        var root = report.RootElement;
        Assert.Equal(3000, root.GetProperty("accepted").GetInt64());
        Assert.Equal(0, root.GetProperty("rejected").GetInt64());
        Assert.Equal(12, root.GetProperty("batchesSent").GetInt64());
        Assert.True(root.GetProperty("eventsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("latencyMs").GetProperty("p99").GetDouble() > 0);
        Assert.Equal(root.GetProperty("accepted").GetInt64(), await collector.StoredEventsAsync());
    }

    [Fact]
    public async Task A_repeated_run_with_the_same_seed_is_counted_as_duplicates_and_stored_once()
    {
        await using var collector = await RealCollector.StartAsync();
        string[] args = ["loadgen", "--url", collector.Url.ToString(), "--key", collector.Tenant.IngestionKey, "--events", "1000"];

        var first = await CandorProcess.RunAsync(_folder, args);
        var second = await CandorProcess.RunAsync(_folder, args);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Stderr + second.Stderr);
        Assert.Contains("events/s", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("accepted 1000, duplicates 0, rejected 0", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("accepted 0, duplicates 1000, rejected 0", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("latency per batch: p50", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(1000, await collector.StoredEventsAsync());
    }

    [Fact]
    public async Task A_rejected_key_fails_the_run_with_the_status()
    {
        await using var collector = await RealCollector.StartAsync();

        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", collector.Url.ToString(), "--key", "cik_wrong", "--events", "500");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 401", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await collector.StoredEventsAsync());
    }

    [Fact]
    public async Task Invalid_arguments_are_one_clear_line()
    {
        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", "http://127.0.0.1:1/", "--key", "k", "--events", "0", "--concurrency", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--events must be between", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--concurrency must be between", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_run_prints_a_json_line_per_slice_and_a_report_and_the_collector_stores_the_accepted_count()
    {
        await using var collector = await RealCollector.StartAsync();

        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", collector.Url.ToString(), "--key", collector.Tenant.IngestionKey,
            "--stream", "--events", "2500", "--slice", "1000", "--days", "2", "--ids", "v4", "--concurrency", "3", "--gzip", "--json");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var slices = lines.Where(l => l.GetProperty("type").GetString() == "slice").ToList();
        Assert.Equal([1000L, 2000L, 2500L], slices.Select(s => s.GetProperty("toEvents").GetInt64()));
        Assert.All(slices, s => Assert.True(s.GetProperty("eventsPerSecond").GetDouble() > 0));
        var report = Assert.Single(lines, l => l.GetProperty("type").GetString() == "report");
        Assert.Equal(2500, report.GetProperty("accepted").GetInt64());
        Assert.Equal(0, report.GetProperty("rejected").GetInt64());
        Assert.True(report.GetProperty("stream").GetBoolean());
        Assert.Equal(2500, await collector.StoredEventsAsync());
    }

    [Fact]
    public async Task A_period_that_ends_at_a_given_time_sends_events_of_that_period_only()
    {
        // Three days ago at noon, one day long: every stored event happened between then and a day before.
        var end = TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddDays(-3).AddHours(12);
        await using var collector = await RealCollector.StartAsync();

        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", collector.Url.ToString(), "--key", collector.Tenant.IngestionKey,
            "--stream", "--events", "2000", "--days", "1", "--end", end.ToString("yyyy-MM-ddTHH:mmZ", System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        var (first, last) = await collector.StoredEventTimesAsync();
        Assert.InRange(first, end.AddDays(-1), end);
        Assert.InRange(last, end.AddDays(-1), end);
        Assert.True(last - first > TimeSpan.FromHours(1), $"the events span {last - first}, not the day");
    }

    [Fact]
    public async Task An_end_that_is_not_a_time_is_one_clear_line()
    {
        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", "http://127.0.0.1:1/", "--key", "k", "--end", "yesterday");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--end 'yesterday' is not a time", result.Stderr, StringComparison.Ordinal);
    }
}

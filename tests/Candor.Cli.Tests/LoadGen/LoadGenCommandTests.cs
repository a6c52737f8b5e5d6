using System.Text.Json;
using Candor.Fleet.Tests.Load;
using Xunit;

namespace Candor.Cli.Tests.LoadGen;

/// <summary><c>candor loadgen</c> against a real Kestrel server on loopback that counts what it stores.</summary>
public sealed class LoadGenCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-loadgen-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Reported_accepted_count_equals_what_the_server_stored()
    {
        await using var collector = await CountingCollector.StartAsync("k-123");

        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", collector.Url.ToString(), "--key", "k-123",
            "--events", "3000", "--concurrency", "3", "--batch", "250", "--gzip", "--json");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        using var report = JsonDocument.Parse(result.Stdout);
        var root = report.RootElement;
        Assert.Equal(collector.Stored, root.GetProperty("accepted").GetInt64());
        Assert.Equal(3000, collector.Stored);
        Assert.Equal(12, root.GetProperty("batchesSent").GetInt64());
        Assert.Equal(0, root.GetProperty("duplicates").GetInt64());
        Assert.True(root.GetProperty("eventsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("latencyMs").GetProperty("p99").GetDouble() > 0);
    }

    [Fact]
    public async Task Text_report_names_throughput_totals_and_latency()
    {
        await using var collector = await CountingCollector.StartAsync("k-1");

        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", collector.Url.ToString(), "--key", "k-1", "--events", "1000");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Contains("events/s", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("accepted 1000, duplicates 0, rejected 0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("latency per batch: p50", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_key_fails_the_run_with_the_status()
    {
        await using var collector = await CountingCollector.StartAsync("right");

        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", collector.Url.ToString(), "--key", "wrong", "--events", "500");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 401", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, collector.Stored);
    }

    [Fact]
    public async Task Invalid_arguments_are_one_clear_line()
    {
        var result = await CandorProcess.RunAsync(_folder, "loadgen", "--url", "http://127.0.0.1:1/", "--key", "k", "--events", "0", "--concurrency", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--events must be between", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--concurrency must be between", result.Stderr, StringComparison.Ordinal);
    }
}

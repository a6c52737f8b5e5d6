using System.Globalization;
using System.Text.RegularExpressions;
using Candor.Storage.DuckDb;
using Xunit;

namespace Candor.Cli.Tests.Demo;

/// <summary><c>candor demo</c> end to end, small: lint, summary, collector, tenant, fleet, report; then the
/// DuckDB file it leaves is opened and counted.</summary>
public sealed partial class DemoCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-demo-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Demo_runs_end_to_end_stores_every_event_and_exits_0()
    {
        var data = Path.Combine(_folder, "data");

        var result = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), "demo", "--devices", "20", "--days", "1", "--data", data);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}\n{result.Stdout}");
        var events = long.Parse(Fleet().Match(result.Stdout).Groups["events"].Value, CultureInfo.InvariantCulture);
        Assert.True(events > 200, result.Stdout);
        Assert.Contains($"accepted {events}, duplicates 0, rejected 0.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("lint: 0 errors", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"ingestion key: cik_\S+", result.Stdout);
        Assert.Matches(@"curl -s -H 'Authorization: Bearer cik_\S+' http://127\.0\.0\.1:\d+/v1/policy", result.Stdout);
        Assert.True(File.Exists(Path.Combine(data, "summary", "dynamics365-clients.md")));
        Assert.True(File.Exists(Path.Combine(data, "summary", "dynamics365-clients.html")));

        await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = data });
        var tenant = Assert.Single(await store.ListTenantsAsync());
        Assert.Equal("demo", tenant.Name);
        Assert.Equal(events, await store.CountAsync(tenant.Id));
    }

    [Fact]
    public async Task Same_seed_and_end_send_the_same_fleet_and_another_seed_does_not()
    {
        var end = TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string[] Args(string data, string seed) => ["demo", "--devices", "15", "--days", "1", "--seed", seed, "--end", end, "--data", Path.Combine(_folder, data)];

        var first = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), Args("a", "3"));
        var second = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), Args("b", "3"));
        var other = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), Args("c", "4"));

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0 && other.ExitCode == 0, first.Stderr + second.Stderr + other.Stderr);
        Assert.Equal(FleetLine(first.Stdout), FleetLine(second.Stdout));
        Assert.NotEqual(FleetLine(first.Stdout), FleetLine(other.Stdout));
    }

    [Fact]
    public async Task A_second_demo_in_the_same_folder_gets_its_own_tenant()
    {
        var data = Path.Combine(_folder, "data");
        string[] args = ["demo", "--devices", "15", "--days", "1", "--data", data];

        var first = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), args);
        var second = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), args);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Stderr + second.Stderr);
        Assert.Contains("tenant \"demo-2\" created", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("duplicates 0, rejected 0", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_of_range_options_are_reported_together()
    {
        var result = await CandorProcess.RunAsync(_folder, "demo", "--devices", "0", "--days", "40", "--data", Path.Combine(_folder, "data"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--devices must be between 1 and 100000", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--days must be between 1 and 29", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")));
    }

    private static string FleetLine(string stdout)
    {
        var line = stdout.Split('\n').Single(l => l.StartsWith("4. Simulated fleet:", StringComparison.Ordinal));
        return line[..line.IndexOf(" (generated", StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"Simulated fleet: \d+ devices, \d+ sessions, \d+ crashes, (?<events>\d+) events")]
    private static partial Regex Fleet();
}

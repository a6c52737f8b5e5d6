using Xunit;

namespace Candor.Cli.Tests.Demo;

/// <summary>The demo ends with the fleet's health from the analytics API, and it reports the planted regression.</summary>
public sealed class DemoHealthTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-demo-health-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Default_demo_reports_the_planted_crash_and_sync_regression_of_the_newest_field_service_release()
    {
        var result = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(5), "demo", "--data", Path.Combine(_folder, "data"));

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}\n{result.Stdout}");
        var lines = result.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("5. Fleet health from the analytics API", StringComparison.Ordinal));

        // The sync-engine crash is the top crash group; the regression is found in crash rate and in sync p95.
        var topCrash = lines.SkipWhile(l => !l.Contains("Top crash groups", StringComparison.Ordinal)).Skip(2).First();
        Assert.Contains("System.NullReferenceException at Microsoft.Dynamics.FieldService.Sync!SyncEngine.ApplyDeltaAsync", topCrash, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("REGRESSION d365.field-service", StringComparison.Ordinal) && l.Contains("crashed sessions", StringComparison.Ordinal));
        // The sync reports fieldservice.sync.completed and the operation "sync" for one measurement; the slowdown is
        // reported once, under the operation's name.
        Assert.Single(lines, l => l.Contains("REGRESSION d365.field-service", StringComparison.Ordinal) && l.Contains("p95 of sync ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("REGRESSION", StringComparison.Ordinal) && l.Contains("p95 of fieldservice.sync.completed", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("REGRESSION", StringComparison.Ordinal) && !l.Contains("d365.field-service", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("d365.field-service", StringComparison.Ordinal) && l.Contains("behind", StringComparison.Ordinal));

        // The old field-service releases are marked vulnerable, and the inventory counts the devices still on them.
        Assert.Contains(lines, l => l.StartsWith("   Marked d365.field-service ", StringComparison.Ordinal));
        var inventory = lines.Single(l => l.TrimStart().StartsWith("d365.field-service ", StringComparison.Ordinal) && l.Contains("on vulnerable", StringComparison.Ordinal));
        var onVulnerable = int.Parse(inventory[(inventory.IndexOf("on vulnerable", StringComparison.Ordinal) + "on vulnerable".Length)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(onVulnerable > 0, inventory);
        Assert.DoesNotContain(lines, l => !l.TrimStart().StartsWith("d365.field-service ", StringComparison.Ordinal) && l.Contains("on vulnerable", StringComparison.Ordinal)
            && !l.TrimEnd().EndsWith("on vulnerable     0", StringComparison.Ordinal));
    }
}

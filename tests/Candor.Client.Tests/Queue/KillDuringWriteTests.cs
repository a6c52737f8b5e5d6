using System.Diagnostics;
using System.Text.Json;
using Candor.Client.Diagnostics;
using Candor.Client.Queue;
using Candor.Client.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Candor.Client.Tests.Queue;

/// <summary>Kills a child process that writes to the queue at random moments, hundreds of times, and checks after
/// each kill that every event the queue acknowledged is readable and that no record is half-written.</summary>
public sealed class KillDuringWriteTests(ITestOutputHelper output)
{
    private const int Kills = 200;

    [Fact]
    public async Task Every_acknowledged_event_survives_kill_9_mid_write_and_nothing_is_half_written()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("queue");
        var host = CrashHostPath();
        var acknowledged = new HashSet<long>();
        var random = new Random(20261129);
        var watch = Stopwatch.StartNew();
        var kills = 0;
        while (kills < Kills && watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(host);
            start.ArgumentList.Add(folder);
            start.ArgumentList.Add((64L * 1024 * 1024).ToString());
            using var process = Process.Start(start)!;
            var ready = await process.StandardOutput.ReadLineAsync();
            Assert.StartsWith("ready", ready);
            var lines = new List<string>();
            var reading = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                {
                    lock (lines)
                    {
                        lines.Add(line);
                    }
                }
            });
            await Task.Delay(random.Next(5, 60));
            process.Kill();
            await process.WaitForExitAsync();
            await reading;
            kills++;
            lock (lines)
            {
                foreach (var line in lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)))
                {
                    acknowledged.Add(long.Parse(line.AsSpan(4)));
                }
            }

            if (kills % 25 == 0)
            {
                Verify(folder, acknowledged);
            }
        }

        output.WriteLine($"{kills} kills in {watch.Elapsed.TotalSeconds:F1} s, {acknowledged.Count} acknowledged events");
        Assert.True(kills >= 100, $"only {kills} kills fitted in the time budget");
        Assert.True(acknowledged.Count > 0);
        Verify(folder, acknowledged);
    }

    private static void Verify(string folder, HashSet<long> acknowledged)
    {
        using var diagnostics = new SelfDiagnostics();
        using var queue = DurableQueue.Open(folder, 64L * 1024 * 1024, 64 * 1024, diagnostics);
        var entries = queue.Snapshot();
        var present = new HashSet<long>();
        foreach (var entry in entries)
        {
            // Every record read back is whole: valid JSON carrying its own sequence number.
            using var doc = JsonDocument.Parse(entry.Json);
            Assert.Equal(entry.Seq, doc.RootElement.GetProperty("seq").GetInt64());
            Assert.True(present.Add(entry.Seq), $"seq {entry.Seq} read twice");
        }

        var missing = acknowledged.Where(s => !present.Contains(s)).Take(10).ToList();
        Assert.True(missing.Count == 0, "acknowledged but lost: " + string.Join(", ", missing));
        Assert.Equal(entries.Select(e => e.Seq).OrderBy(s => s), entries.Select(e => e.Seq));
    }

    private static string CrashHostPath() => TestCatalogs.BuiltProgram("tests/Candor.Client.CrashHost", "Candor.Client.CrashHost.dll");
}

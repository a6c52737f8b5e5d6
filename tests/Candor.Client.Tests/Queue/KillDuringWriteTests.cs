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

    // 200 kills take about 40 s on an idle two-core machine; on a shared, overloaded one each child start can take
    // over a second of waiting for a CPU, so the test stops at the time budget and requires a smaller minimum.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);
    private const int MinimumKills = 40;

    // The queue must never reach its cap here: dropping the oldest segment when full is by design and would look
    // like a lost event. (With a 64 MB cap and no stop, a less loaded CI machine wrote past it and the test reported
    // seq 1-10 "lost".) The loop stops once the segments fill half the cap, which also bounds what each child
    // reads back at start.
    private const long QueueCap = 256L * 1024 * 1024;

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
        while (kills < Kills && watch.Elapsed < Budget && SegmentBytes(folder) < QueueCap / 2)
        {
            var start = Start(host);
            start.ArgumentList.Add("queue");
            start.ArgumentList.Add(folder);
            start.ArgumentList.Add(QueueCap.ToString(System.Globalization.CultureInfo.InvariantCulture));
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

            if (kills % 50 == 0)
            {
                Verify(folder, acknowledged);
            }
        }

        output.WriteLine($"{kills} kills in {watch.Elapsed.TotalSeconds:F1} s, {acknowledged.Count} acknowledged events, " +
            $"{SegmentBytes(folder) / (1024 * 1024)} MiB of segments");
        Assert.True(kills >= MinimumKills, $"only {kills} kills fitted in the time budget");
        Assert.True(acknowledged.Count > 0);
        Verify(folder, acknowledged);
    }

    private static void Verify(string folder, HashSet<long> acknowledged)
    {
        using var diagnostics = new SelfDiagnostics();
        using var queue = DurableQueue.Open(folder, QueueCap, 64 * 1024, diagnostics);
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

    private static long SegmentBytes(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "seg-*.log").Sum(f => new FileInfo(f).Length) : 0;

    private static ProcessStartInfo Start(string hostDll)
    {
        // The apphost next to the dll starts faster than the dotnet muxer.
        var apphost = Path.ChangeExtension(hostDll, OperatingSystem.IsWindows() ? ".exe" : null);
        var start = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet") { ArgumentList = { hostDll } };
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        return start;
    }

    private static string CrashHostPath() => TestCatalogs.BuiltProgram("tests/Candor.Client.CrashHost", "Candor.Client.CrashHost.dll");
}

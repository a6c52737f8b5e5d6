using System.Diagnostics;
using System.Text.Json;
using Candor.Client.Diagnostics;
using Candor.Client.Queue;
using Candor.Client.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Candor.Client.Tests.Queue;

/// <summary>Kills a child process that writes to the queue at random moments, hundreds of times, and checks that
/// every event the queue acknowledged is readable and that no record is half-written.</summary>
public sealed class KillDuringWriteTests(ITestOutputHelper output)
{
    // Bounded by time, not by a count: the test kills children until the budget is spent. Children are started
    // (and warmed up) while earlier ones write, so a kill costs the write window plus the kill, not a process start.
    // CI runs it on two shared cores, so the minimum asserted is well below what the loaded development machine
    // reached (numbers in docs/sdk.md).
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);
    private const int MinimumKills = 100;
    private const int Pipeline = 3;

    // The queue must never reach its cap here: dropping the oldest segment when full is by design and would look
    // like a lost event. Whenever the segments pass an eighth of the cap, the test (between two children, when no
    // process has the queue open) checks every acknowledged event and then removes what it checked, as an upload
    // would, so the queue stays far below the cap and each child's recovery stays short. A child writes at most an
    // eighth of the cap and then idles: on tmpfs it writes hundreds of MB/s, and on two loaded cores this test's kill
    // can come late enough that an unbounded child passed half the cap (CI, 2026-12-06).
    private const long QueueCap = 64L * 1024 * 1024;

    [Fact]
    public async Task Every_acknowledged_event_survives_kill_9_mid_write_and_nothing_is_half_written()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("queue");
        var host = CrashHostPath();
        var acknowledged = new HashSet<long>();
        long removedThrough = 0;
        var checks = 0;
        var random = new Random(20261129);
        var watch = Stopwatch.StartNew();
        var kills = 0;
        // A few children start and warm up ahead: process start is what a kill costs, and on a loaded machine
        // several starting at once get more of the CPU than one at a time.
        var ahead = new Queue<Child>();
        for (var i = 0; i < Pipeline; i++)
        {
            ahead.Enqueue(Child.Start(host, folder));
        }

        try
        {
            while (watch.Elapsed < Budget)
            {
                var current = ahead.Dequeue();
                await current.WaitForLineAsync("started");
                current.Go();
                ahead.Enqueue(Child.Start(host, folder));
                if (random.Next(10) == 0)
                {
                    // Now and then a kill while the child opens the queue and sets aside the last child's torn tail.
                    await Task.Delay(random.Next(0, 4));
                }
                else
                {
                    // Otherwise anywhere from the first append to a few dozen commits.
                    await current.WaitForLineAsync("ready");
                    await Task.Delay(random.Next(0, 30));
                }

                var acks = await current.KillAsync();
                await current.DisposeAsync();
                kills++;
                acknowledged.UnionWith(acks);
                Assert.True(SegmentBytes(folder) < QueueCap / 2, "the queue came near its cap; the test would see drops by design");
                if (SegmentBytes(folder) > QueueCap / 8 || kills % 25 == 0)
                {
                    removedThrough = Verify(folder, acknowledged, removedThrough, remove: SegmentBytes(folder) > QueueCap / 8);
                    checks++;
                }
            }
        }
        finally
        {
            while (ahead.Count > 0)
            {
                await ahead.Dequeue().DisposeAsync();
            }
        }

        output.WriteLine($"{kills} kills in {watch.Elapsed.TotalSeconds:F1} s, {acknowledged.Count} acknowledged events, " +
            $"{checks} checks, removed through seq {removedThrough}, {SegmentBytes(folder) / 1024} KiB of segments left");
        Assert.True(kills >= MinimumKills, $"only {kills} kills fitted in the time budget");
        Assert.True(acknowledged.Count > 0);
        Verify(folder, acknowledged, removedThrough, remove: false);
    }

    /// <summary>Checks every acknowledged event after <paramref name="removedThrough"/>; returns the new removal point.</summary>
    private static long Verify(string folder, HashSet<long> acknowledged, long removedThrough, bool remove)
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

        var missing = acknowledged.Where(s => s > removedThrough && !present.Contains(s)).Take(10).ToList();
        Assert.True(missing.Count == 0, "acknowledged but lost: " + string.Join(", ", missing));
        Assert.Equal(entries.Select(e => e.Seq).OrderBy(s => s), entries.Select(e => e.Seq));
        if (!remove || entries.Count == 0)
        {
            return removedThrough;
        }

        var through = entries[^1].Seq;
        queue.RemoveThrough(through);
        return through;
    }

    /// <summary>One child process: started and warmed up ahead of time, told to open the queue with <see cref="Go"/>.</summary>
    private sealed class Child : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly Task _reading;
        private readonly SemaphoreSlim _lineAdded = new(0);

        private Child(Process process)
        {
            _process = process;
            _reading = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                {
                    lock (_lines)
                    {
                        _lines.Add(line);
                    }

                    _lineAdded.Release();
                }
            });
        }

        public static Child Start(string hostDll, string folder)
        {
            var start = StartInfo(hostDll);
            start.ArgumentList.Add("queue");
            start.ArgumentList.Add(folder);
            start.ArgumentList.Add(QueueCap.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add("--wait");
            start.RedirectStandardInput = true;
            return new Child(Process.Start(start)!);
        }

        public async Task WaitForLineAsync(string prefix)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                lock (_lines)
                {
                    if (_lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
                    {
                        return;
                    }
                }

                Assert.False(_reading.IsCompleted, $"the child ended before it printed '{prefix}'");
                await _lineAdded.WaitAsync(timeout.Token);
            }
        }

        public void Go() => _process.StandardInput.WriteLine("go");

        /// <summary>SIGKILL, then the sequence numbers the child acknowledged before it died.</summary>
        public async Task<List<long>> KillAsync()
        {
            _process.Kill();
            await _process.WaitForExitAsync();
            await _reading;
            lock (_lines)
            {
                return _lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).Select(l => long.Parse(l.AsSpan(4))).ToList();
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            await _process.WaitForExitAsync();
            await _reading;
            _process.Dispose();
            _lineAdded.Dispose();
        }
    }

    private static long SegmentBytes(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "seg-*.log").Sum(f => new FileInfo(f).Length) : 0;

    private static ProcessStartInfo StartInfo(string hostDll)
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

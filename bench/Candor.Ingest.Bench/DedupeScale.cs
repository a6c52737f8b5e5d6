using System.Diagnostics;
using System.Globalization;
using Candor.Core.Model;
using Candor.Storage;
using Candor.Storage.DuckDb;

/// <summary><c>dedupe --stored N [--ids v7|v4] [--commit 10000] [--slices 10] [--memory-mib 512] [--days 10] [--checkpoint-mib 64] [--threads N]</c>:
/// fills a fresh DuckDB store with N events in commits of the group commit's size, generated as it goes (event
/// times spread in order over the last 10 days, ids made at each event's time: version 7, or random version 4), and prints
/// for each slice of stored events the append rate, the duplicate check's cost per row and the process's peak
/// memory. Then it retries the last commit (every event must come back a duplicate), counts the store (stored
/// must equal accepted) and removes it. --checkpoint-mib sets the store's checkpoint threshold (DuckDB's own default
/// 16 against the store's 64: the rate and peak memory of both as the store fills), --threads DuckDB's threads (default:
/// one per core). No HTTP: the store alone, to see whether it stays flat as it fills.</summary>
internal static class DedupeScale
{
    public static async Task<int> RunAsync(string[] args)
    {
        long stored = 1_000_000;
        int commit = 10_000, slices = 10, memory = 512, checkpoint = new DuckDbStoreOptions().CheckpointThresholdMiB;
        int? threads = null;
        var v4 = false;
        var days = 10.0;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--stored": stored = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--commit": commit = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--slices": slices = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--memory-mib": memory = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--checkpoint-mib": checkpoint = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--days": days = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--ids":
                    v4 = args[++i] switch
                    {
                        "v4" => true,
                        "v7" => false,
                        var other => throw new ArgumentException($"--ids must be v7 or v4 (got {other})"),
                    };
                    break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        if (stored < commit || slices < 1 || commit < 1 || days is <= 0 or > 30)
        {
            throw new ArgumentException("--stored must be at least --commit, --commit and --slices positive, --days in (0, 30]");
        }

        var folder = Path.Combine(Path.GetTempPath(), "candor-dedupe-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder, MemoryLimitMiB = memory, CheckpointThresholdMiB = checkpoint, Threads = threads });
            await store.MigrateAsync();
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            Console.WriteLine($"dedupe: {stored:N0} events over {days} days into DuckDB, ids {(v4 ? "v4" : "v7")}, commits of {commit:N0}, memory_limit {memory} MiB, checkpoint_threshold {checkpoint} MiB, threads {threads?.ToString(CultureInfo.InvariantCulture) ?? "default"}, load average {load}");
            Console.WriteLine($"{"stored",14} {"rows/s",10} {"check µs/row",13} {"looked up",10} {"filter MiB",11} {"peak RSS MiB",13}");

            var source = new EventSource(stored, v4, days);
            var slice = Math.Max(commit, stored / slices);
            var (sliceStart, sliceRows) = (Stopwatch.GetTimestamp(), 0L);
            var before = store.Dedupe;
            var rates = new List<double>();
            var checks = new List<double>();
            long accepted = 0;
            List<StoredEvent> last = [];
            while (source.Remaining > 0)
            {
                last = source.Next(commit);
                var result = await store.AppendAsync(last);
                accepted += result.Stored;
                sliceRows += last.Count;
                if (sliceRows >= slice || source.Remaining == 0)
                {
                    var seconds = Stopwatch.GetElapsedTime(sliceStart).TotalSeconds;
                    var now = store.Dedupe;
                    var checkedRows = now.CheckedRows - before.CheckedRows;
                    var check = checkedRows == 0 ? 0 : (now.CheckTime - before.CheckTime).TotalMicroseconds / checkedRows;
                    rates.Add(sliceRows / seconds);
                    checks.Add(check);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{accepted,14:N0} {sliceRows / seconds,10:N0} {check,13:F2} {now.LookedUpRows - before.LookedUpRows,10:N0} {now.FilterBytes / 1048576.0,11:F1} {PeakRssMiB(),13:N0}"));
                    (sliceStart, sliceRows, before) = (Stopwatch.GetTimestamp(), 0, now);
                }
            }

            var retry = await store.AppendAsync(last);
            var counted = await store.CountAsync(source.Tenant);
            var exact = retry.Stored == 0 && retry.DuplicateIndexes.Count == last.Count && counted == accepted && accepted == stored;
            var verdict = exact ? "stored = accepted, retry all duplicates"
                : $"MISMATCH: stored {counted}, accepted {accepted}, retry stored {retry.Stored}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dedupe: ids {(v4 ? "v4" : "v7")}, first-slice {rates[0]:F0} rows/s, last-slice {rates[^1]:F0} rows/s (R2/R1 = {rates[^1] / rates[0]:F2}), check {checks[^1]:F2} µs/row at {stored:N0} stored, peak RSS {PeakRssMiB():N0} MiB, {verdict}"));
            return exact ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort; the folder is under the temp folder.
            }
        }
    }

    private static long PeakRssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return 0;
    }

    /// <summary>Events generated as they are needed: times in order over the last 10 days (a fleet's stream), a
    /// thousand devices, ids made at each event's time.</summary>
    private sealed class EventSource(long total, bool v4, double days)
    {
        private static readonly string[] Names = ["fieldservice.sync.completed", "app.session.started", "fieldservice.workorder.opened"];
        private readonly DateTimeOffset _start = TimeProvider.System.GetUtcNow().AddDays(-days);
        private readonly double _stepMs = TimeSpan.FromDays(days).TotalMilliseconds / total;
        private readonly Guid[] _devices = [.. Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid())];
        private readonly Random _rng = new(11);
        private long _made;

        public Guid Tenant { get; } = Guid.NewGuid();

        public long Remaining => total - _made;

        public List<StoredEvent> Next(int count)
        {
            var list = new List<StoredEvent>(count);
            var received = TimeProvider.System.GetUtcNow();
            for (var i = 0; i < count && _made < total; i++, _made++)
            {
                var time = _start.AddMilliseconds(_made * _stepMs);
                list.Add(new StoredEvent
                {
                    TenantId = Tenant,
                    EventId = v4 ? Guid.NewGuid() : Guid.CreateVersion7(time),
                    Name = Names[_made % Names.Length],
                    Level = DataLevel.Required,
                    Category = DataCategory.ProductAndServicePerformance,
                    Product = "d365.field-service",
                    AppVersion = "9.3.2411.1",
                    Sdk = "candor-dotnet/1.0.0",
                    SessionId = Guid.NewGuid(),
                    DeviceId = _devices[_rng.Next(_devices.Length)],
                    DeviceClass = "mobile",
                    Os = "Android",
                    OsVersion = "14",
                    Arch = "arm64",
                    Locale = "en-GB",
                    Seq = _made,
                    Time = time,
                    ReceivedAt = received,
                    Data = """{"durationMs":1840,"recordCount":312,"result":"success"}""",
                });
            }

            return list;
        }
    }
}

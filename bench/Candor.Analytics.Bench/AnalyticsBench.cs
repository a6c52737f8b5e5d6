using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Candor.Analytics.Health;
using Candor.Analytics.Projection;
using Candor.Analytics.Regressions;
using Candor.Core.Catalog;
using Candor.Fleet.Simulation;
using Candor.Storage;
using Candor.Storage.DuckDb;

namespace Candor.Analytics.Bench;

/// <summary>Generates the demo fleet's events straight into a DuckDB store (no HTTP), projects them, and times every
/// analytics query (docs/benchmarks.md).</summary>
internal static class AnalyticsBench
{
    public static async Task<int> RunAsync(BenchSettings settings, TextWriter o, CancellationToken cancellationToken)
    {
        var (count, seed, dayCount, folder, repeat) = (settings.Events, settings.Seed, settings.Days, settings.Folder, settings.Repeat);
        var (queriesOnly, reproject) = (settings.QueriesOnly, settings.Reproject);
        if ((reproject || settings.Append > 0) && !queriesOnly)
        {
            if (settings.Append > 0)
            {
                throw new BenchException("--append needs --queries-only (a fresh run times one incremental round anyway).", 2);
            }

            throw new BenchException("--reproject needs --queries-only (a fresh run projects everything anyway).", 2);
        }

        if (settings.Append is < 0 or > 10_000_000 || settings.Rounds is < 1 or > 50)
        {
            throw new BenchException("--append must be 0 to 10000000 and --rounds 1 to 50.", 2);
        }

        if (count is < 1000 or > 20_000_000 || dayCount is < 2 or > 60 || repeat is < 1 or > 50)
        {
            throw new BenchException("--events must be 1000 to 20000000, --days 2 to 60 and --repeat 1 to 50.", 2);
        }

        var path = Path.GetFullPath(folder);
        if (queriesOnly)
        {
            if (!File.Exists(Path.Combine(path, DuckDbStoreOptions.DefaultFileName)))
            {
                throw new BenchException($"{path}: no store of an earlier bench run to reuse.");
            }

            // A memory trace may run under another memory limit (MemoryTrace's TRACE_MEMORY_MIB: a round's lower limit).
            var storeOptions = new DuckDbStoreOptions { DataFolder = path };
            if (settings.MemoryTrace && Environment.GetEnvironmentVariable("TRACE_MEMORY_MIB") is { Length: > 0 } mib)
            {
                storeOptions.MemoryLimitMiB = int.Parse(mib, CultureInfo.InvariantCulture);
            }

            await using var reused = await DuckDbStore.OpenAsync(storeOptions, cancellationToken);

            // A store an older bench left is brought to this schema first (the projector reads migration 0021's table).
            await reused.MigrateAsync(cancellationToken);
            var found = await reused.QueryAsync(new SqlStatement(
                "SELECT tenant_id, CAST(max(day) AS VARCHAR), count(*) FROM analytics_device_days GROUP BY tenant_id ORDER BY 3 DESC LIMIT 1"), cancellationToken);
            if (found.Count == 0)
            {
                throw new BenchException($"{path}: the store holds no projected events.");
            }

            var events = await reused.CountAsync((Guid)found[0][0]!, cancellationToken: cancellationToken);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Analytics bench, queries only: {events} events in {path}; {Environment.ProcessorCount} cores."));
            if (settings.MemoryTrace)
            {
                await MemoryTrace.RunAsync(o, reused, cancellationToken);
                return 0;
            }

            if (reproject)
            {
                await ReprojectAsync(o, reused, events, cancellationToken);
            }

            if (settings.Append > 0)
            {
                await AppendRoundsAsync(o, reused, settings.Append, settings.Rounds, cancellationToken);
            }

            return await TimeQueriesAsync(o, reused, (Guid)found[0][0]!, DateOnly.ParseExact((string)found[0][1]!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                repeat, cancellationToken);
        }

        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        if (!File.Exists(settings.CatalogFile))
        {
            throw new BenchException($"{settings.CatalogFile}: no compiled catalog (./candor catalog compile --out FILE).", 2);
        }

        var compiled = CompiledCatalogJson.Load(settings.CatalogFile);
        var now = TimeProvider.System.GetUtcNow();
        var end = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        var fleet = new FleetSimulator(compiled, FleetOptions.ForEventCount(count, seed, end, days: dayCount));
        var tenant = Guid.CreateVersion7(end);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Analytics bench: {count} events, seed {seed}, {fleet.Options.Devices} devices, {dayCount} days ending {end:yyyy-MM-dd}; DuckDB in {path}; {Environment.ProcessorCount} cores."));

        await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = path }, cancellationToken);
        await store.MigrateAsync(cancellationToken);
        using var steps = new ProjectorSteps();
        var projector = new AnalyticsProjector(store);

        // Most events are bulk-loaded (CSV through DuckDB's reader: the store's AppendAsync runs at about 18,000
        // events/s, docs/benchmarks.md, which would make loading the bench the bench) and projected at once; the last
        // ones go through AppendAsync afterwards, as the collector writes them, to time an incremental run.
        var tail = Math.Min(100_000, count / 10);
        var load = Stopwatch.StartNew();
        long loaded = 0;
        var csvPath = Path.Combine(path, "bulk.csv");
        var csv = new StreamWriter(csvPath, append: false, new UTF8Encoding(false), 1 << 20);
        var buffer = new ArrayBufferWriter<byte>(4096);
        var tailEvents = new List<StoredEvent>((int)tail);
        var lastDay = DateOnly.MinValue;
        long inFile = 0;
        foreach (var ev in fleet.Events())
        {
            var stored = FleetEvents.ToStored(tenant, ev, buffer);
            lastDay = DateOnly.FromDateTime(stored.Time.UtcDateTime) > lastDay ? DateOnly.FromDateTime(stored.Time.UtcDateTime) : lastDay;
            if (loaded + inFile >= count - tail)
            {
                tailEvents.Add(stored);
                continue;
            }

            FleetEvents.WriteCsv(csv, stored);
            if (++inFile == 1_000_000)
            {
                loaded += await FleetEvents.BulkLoadAsync(store, csv, csvPath, inFile, cancellationToken);
                inFile = 0;
                csv = new StreamWriter(csvPath, append: false, new UTF8Encoding(false), 1 << 20);
            }
        }

        loaded += inFile > 0 ? await FleetEvents.BulkLoadAsync(store, csv, csvPath, inFile, cancellationToken) : 0;
        await csv.DisposeAsync();
        File.Delete(csvPath);
        load.Stop();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generated and bulk-loaded {loaded} events in {load.Elapsed.TotalSeconds:F1} s."));
        var projecting = Stopwatch.StartNew();
        var cpu = ProcessCpu();
        var projectedFirst = await projector.RunAsync(cancellationToken);
        cpu = ProcessCpu() - cpu;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Projector, first run over {loaded} events: {projectedFirst} facts in {projecting.Elapsed.TotalSeconds:F1} s, CPU {cpu.TotalSeconds:F1} s = {cpu.TotalSeconds * 1e6 / loaded:F2} s per million ({steps.TakeSummary()})."));

        var appending = Stopwatch.StartNew();
        for (var i = 0; i < tailEvents.Count; i += 5000)
        {
            await store.AppendAsync(tailEvents.GetRange(i, Math.Min(5000, tailEvents.Count - i)), cancellationToken);
        }

        loaded += tailEvents.Count;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Appended the last {tailEvents.Count} events through the store's AppendAsync (calls of 5,000) in {appending.Elapsed.TotalSeconds:F1} s."));
        var incremental = Stopwatch.StartNew();
        cpu = ProcessCpu();
        var added = await projector.RunAsync(cancellationToken);
        cpu = ProcessCpu() - cpu;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Projector, incremental run after {tailEvents.Count} more events: {added} facts in {incremental.Elapsed.TotalMilliseconds:F0} ms, CPU {cpu.TotalMilliseconds:F0} ms = {cpu.TotalSeconds * 1e6 / tailEvents.Count:F2} s per million ({steps.TakeSummary()})."));

        return await TimeQueriesAsync(o, store, tenant, lastDay, repeat, cancellationToken);
    }

    /// <summary>Restarts the process's peak resident set (Linux: writing 5 to /proc/self/clear_refs), so that
    /// <see cref="PeakRss"/> reads the peak of what ran since: a projector run's memory (issue 11 bounds the collector's
    /// peak), apart from what loading the store or copying events took. Elsewhere a no-op.</summary>
    private static void ResetPeakRss()
    {
        if (File.Exists("/proc/self/clear_refs"))
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
    }

    /// <summary>" peak RSS N MiB" since <see cref="ResetPeakRss"/> (VmHWM), or nothing where /proc is missing.</summary>
    private static string PeakRss()
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) : null;
        return line is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $", peak RSS {long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024} MiB");
    }

    /// <summary>The CPU time (user and system, all threads, DuckDB's included) the process has used: on a shared machine
    /// the projector's cost is read from this, not from the wall clock.</summary>
    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static async Task<int> TimeQueriesAsync(TextWriter o, DuckDbStore store, Guid tenant, DateOnly lastDay, int repeat,
        CancellationToken cancellationToken)
    {
        var queries = new HealthQueries(store);
        var window = new HealthWindow(tenant, lastDay.AddDays(-29), lastDay);
        var detector = new RegressionDetector(queries, new RegressionOptions());
        var cases = new (string Name, Func<Task<string>> Run)[]
        {
            ("failure groups (top 20)", async () => $"{(await queries.FailureGroupsAsync(window, 20, null, cancellationToken)).Count} groups"),
            ("failure groups, one product", async () => $"{(await queries.FailureGroupsAsync(window with { Product = FailurePatterns.RegressionProduct }, 20, null, cancellationToken)).Count} groups"),
            ("release health per version", async () => $"{(await queries.ReleaseHealthAsync(window, false, cancellationToken)).Count} rows"),
            ("release health per version and day", async () => $"{(await queries.ReleaseHealthAsync(window, true, cancellationToken)).Count} rows"),
            ("performance percentiles (all)", async () => $"{(await queries.PerformanceAsync(window, null, cancellationToken)).Count} rows"),
            ("performance percentiles (sync)", async () => $"{(await queries.PerformanceAsync(window, "sync", cancellationToken)).Count} rows"),
            ("version inventory", async () => $"{(await queries.InventoryAsync(window, cancellationToken)).Count} products"),
            ("usage", async () => $"{(await queries.UsageAsync(window, 10, cancellationToken)).Products.Count} products"),
            ("regression detection", async () => $"{(await detector.DetectAsync(window, cancellationToken)).Count(f => f.Significant)} significant"),
        };
        o.WriteLine();
        o.WriteLine("query                                   first ms   median ms   max ms   result");
        var worst = 0.0;
        foreach (var (name, run) in cases)
        {
            var watch = Stopwatch.StartNew();
            var result = await run();
            var first = watch.Elapsed.TotalMilliseconds;
            var times = new List<double>();
            for (var i = 0; i < repeat; i++)
            {
                watch.Restart();
                await run();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var max = Math.Max(first, times[^1]);
            worst = Math.Max(worst, max);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-38} {first,9:F0} {times[times.Count / 2],11:F0} {max,8:F0}   {result}"));
        }

        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Slowest analytics query: {worst:F0} ms (target: at most 1000 ms)."));
        return worst <= 1000 ? 0 : 1;
    }

    /// <summary>Incremental rounds on a reused store, as the collector's analytics service runs them once a minute under a
    /// steady ingest: before each round the newest <paramref name="count"/> stored events are copied forward (new event
    /// ids), received over the minute after every stored event, in order of reception. The rounds print their wall and
    /// CPU time: a projector whose round reads a fixed stretch behind its watermark (the ten minutes this projector used to
    /// re-read) grows for as many rounds as that stretch holds; one that reads what arrived stays flat. Run it on stores
    /// of two sizes to see whether a round follows the stored events (docs/benchmarks.md). The copies are inserted with
    /// SQL, as the bulk load is, with the arrival row the store's own append writes beside its events (when the schema
    /// has that table: an older projector's bench runs the same rounds).</summary>
    private static async Task AppendRoundsAsync(TextWriter o, DuckDbStore store, long count, int rounds, CancellationToken cancellationToken)
    {
        var projector = new AnalyticsProjector(store);
        var arrivals = (await store.QueryAsync(new SqlStatement(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'analytics_arrivals'"), cancellationToken))[0][0] is long n && n > 0;
        // Stores before the store's migration 0011 keep events as one table (an older projector's bench copies into it).
        var envelopes = (await store.QueryAsync(new SqlStatement(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'event_rows'"), cancellationToken))[0][0] is long r && r > 0;

        // Anything a previous bench run left unprojected is projected first, so the rounds below cover only the copies;
        // when there was something, its time is printed too (a store whose last appends were never projected times the
        // incremental run after a bulk projection, as a fresh run's does).
        using var steps = new ProjectorSteps();
        ResetPeakRss();
        var catchUpWall = Stopwatch.StartNew();
        var catchUpCpu = ProcessCpu();
        var caughtUp = await projector.RunAsync(cancellationToken);
        catchUpCpu = ProcessCpu() - catchUpCpu;
        var catchUpSteps = steps.TakeSummary();
        var catchUpPeak = PeakRss();
        if (caughtUp > 0)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Catch-up run over what the store left unprojected: {caughtUp} facts in {catchUpWall.Elapsed.TotalMilliseconds:F0} ms wall, CPU {catchUpCpu.TotalMilliseconds:F0} ms{catchUpPeak} ({catchUpSteps})."));
        }
        var walls = new List<double>();
        var cpus = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var stored = Convert.ToInt64((await store.QueryAsync(new SqlStatement("SELECT count(*) FROM events"), cancellationToken))[0][0],
                CultureInfo.InvariantCulture);
            var before = (await store.QueryAsync(new SqlStatement("SELECT max(received_at) FROM events"), cancellationToken))[0][0];
            List<SqlStatement> copy =
            [
                envelopes ? new("""
                INSERT INTO event_rows
                SELECT tenant_id, uuid(), name, level, category, envelope_id, session_id, device_id, seq, time + (m.newest - m.oldest + INTERVAL 1 SECOND),
                       m.newest + INTERVAL 1 SECOND + to_microseconds(CAST(60000000 * row_number() OVER (ORDER BY e.received_at) / $1 AS BIGINT)), data
                FROM (SELECT * FROM event_rows ORDER BY received_at DESC LIMIT $1) e,
                     (SELECT max(received_at) AS newest, min(received_at) AS oldest
                      FROM (SELECT received_at FROM event_rows ORDER BY received_at DESC LIMIT $1)) m
                ORDER BY e.received_at
                """, count) : new("""
                INSERT INTO events
                SELECT tenant_id, uuid(), name, level, category, product, app_version, sdk, session_id, device_id, device_class, os,
                       os_version, arch, locale, seq, time + (m.newest - m.oldest + INTERVAL 1 SECOND),
                       m.newest + INTERVAL 1 SECOND + to_microseconds(CAST(60000000 * row_number() OVER (ORDER BY e.received_at) / $1 AS BIGINT)), data
                FROM (SELECT * FROM events ORDER BY received_at DESC LIMIT $1) e,
                     (SELECT max(received_at) AS newest, min(received_at) AS oldest
                      FROM (SELECT received_at FROM events ORDER BY received_at DESC LIMIT $1)) m
                ORDER BY e.received_at
                """, count),
            ];
            if (arrivals)
            {
                copy.Add(new SqlStatement("""
                    INSERT INTO analytics_arrivals (first_received, last_received, events)
                    SELECT min(received_at), max(received_at), count(*) FROM events WHERE received_at > $1
                    """, before));
            }

            var copied = (await store.ExecuteAsync(copy, cancellationToken))[0];
            ResetPeakRss();
            var wall = Stopwatch.StartNew();
            var cpu = ProcessCpu();
            var added = await projector.RunAsync(cancellationToken);
            cpu = ProcessCpu() - cpu;
            walls.Add(wall.Elapsed.TotalMilliseconds);
            cpus.Add(cpu.TotalMilliseconds);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Round {round}: {copied} new events received over a minute, {stored + copied} stored: {added} facts in {wall.Elapsed.TotalMilliseconds:F0} ms wall = {wall.Elapsed.TotalSeconds * 1e6 / copied:F2} s per million new, CPU {cpu.TotalMilliseconds:F0} ms{PeakRss()} ({steps.TakeSummary()})."));
        }

        walls.Sort();
        cpus.Sort();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Incremental rounds of {count} new events: median {walls[walls.Count / 2]:F0} ms wall ({walls[walls.Count / 2] * 1000 / count:F2} s per million new; target at most 2), max {walls[^1]:F0} ms; median CPU {cpus[cpus.Count / 2]:F0} ms ({cpus[cpus.Count / 2] * 1000 / count:F2} s per million new)."));
    }

    /// <summary>Empties the fact tables and the watermark and projects every event again, as a fresh run's first
    /// projection would, so that a projector change is timed (and its tables' layout queried) without regenerating
    /// the events.</summary>
    private static async Task ReprojectAsync(TextWriter o, DuckDbStore store, long events, CancellationToken cancellationToken)
    {
        string[] facts =
        [
            "analytics_sessions", "analytics_session_ends", "analytics_crashes", "analytics_feature_failures", "analytics_durations",
            "analytics_commands", "analytics_device_days", "analytics_fingerprints", "analytics_watermark",
        ];
        await store.ExecuteAsync([.. facts.Select(t => new SqlStatement($"DELETE FROM {t}"))], cancellationToken);

        // A checkpoint drops the emptied row groups, which later scans would otherwise still visit.
        await store.QueryAsync(new SqlStatement("CHECKPOINT"), cancellationToken);
        using var steps = new ProjectorSteps();
        var projector = new AnalyticsProjector(store);
        ResetPeakRss();
        var projecting = Stopwatch.StartNew();
        var projected = await projector.RunAsync(cancellationToken);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Projector, again from nothing over {events} events: {projected} facts in {projecting.Elapsed.TotalSeconds:F1} s{PeakRss()} ({steps.TakeSummary()})."));
    }
}

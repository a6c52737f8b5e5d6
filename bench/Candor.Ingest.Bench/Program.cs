using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using Candor.Core.Catalog;
using Candor.Core.Privacy;
using Candor.Fleet.Load;
using Candor.Server.Catalogs;
using Candor.Server.Ingestion;
using Candor.Server.TenantPolicies;
using Candor.Storage;
using Candor.Storage.DuckDb;
using Candor.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// The collector's ingest path, measured in one run (docs/benchmarks.md):
// Every mode reads the compiled catalog given with --catalog FILE (default $CANDOR_HOME/artifacts/dynamics365-clients.catalog.json).
//   compare  --candor PATH/candor.dll [--postgres CONNSTRING] [--events N] [--concurrency C] [--batch 500]
//            the stage costs, the in-process limit (a child process), then `candor serve` over HTTP into DuckDB
//            and into PostgreSQL, each a child process whose peak working set is read from /proc; one table.
//   stages   [--events N]       what each stage costs per event, on one thread
//   inproc   [--events N] [--concurrency C]   parse, validate and append with the group commit, no HTTP
//   reader   [--events N]       the BatchReader alone (parse, validate, PII scan, row mapping) over the decompressed
//            batches, five passes on one thread after a warm-up; the fastest pass, for before/after comparisons
//   dedupe   --stored N [--ids v7|v4] [--commit 10000] [--slices 10] [--memory-mib 512] [--days 10] [--checkpoint-mib 64] [--threads N]
//            the DuckDB store alone filled to N events: append rate and duplicate-check cost per slice (DedupeScale.cs)
//   scale    --candor PATH/candor.dll [--store duckdb|postgres] [--postgres CONNSTRING] [--events N] [--ids v7|v4] [--slice N]
//            `candor serve` filled over HTTP by `candor loadgen --stream`: rate and collector memory per slice, then the
//            store counted (ScaleRun.cs; bench/ingest-scale.sh)
//   append-cost [--rows N] [--commit 10000]
//            the DuckDB writer's CPU per row: appender and commit apart, 19 values against 12 and an envelope key (AppendCost.cs)
if (args.Length > 0 && args[0] == "dedupe")
{
    return await DedupeScale.RunAsync(args);
}

if (args.Length > 0 && args[0] == "scale")
{
    return await ScaleRun.RunAsync(args);
}

if (args.Length > 0 && args[0] == "append-cost")
{
    return await AppendCost.RunAsync(args);
}

var settings = Settings.Parse(args);
var mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "compare";
var catalog = LoadCatalog(settings.CatalogFolder);
return mode switch
{
    "stages" => await Stages.RunAsync(catalog, settings),
    "reader" => Stages.Reader(catalog, settings),
    "inproc" => await InProcess.RunAsync(catalog, settings),
    "compare" => await Compare.RunAsync(catalog, settings),
    _ => Fail($"unknown mode '{mode}' (compare, stages, inproc, dedupe)"),
};

// A compiled catalog (`candor catalog compile --out FILE`), as the collector loads it.
static CompiledCatalog LoadCatalog(string file) => CompiledCatalogJson.Load(file);

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}

internal sealed record Settings(long Events, int Concurrency, int BatchSize, string CatalogFolder, string? Candor, string? Postgres, int Seed)
{
    public static Settings Parse(string[] args)
    {
        var home = Environment.GetEnvironmentVariable("CANDOR_HOME") ?? Directory.GetCurrentDirectory();
        long events = 1_000_000;
        int concurrency = 8, batch = 500, seed = 1;
        string? candor = null;
        var postgres = Environment.GetEnvironmentVariable("CANDOR_TEST_POSTGRES");
        var catalogFolder = Path.Combine(home, "artifacts", "dynamics365-clients.catalog.json");
        for (var i = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? 1 : 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--events": events = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--candor": candor = args[++i]; break;
                case "--postgres": postgres = args[++i]; break;
                case "--catalog": catalogFolder = args[++i]; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        return new Settings(events, concurrency, batch, catalogFolder, candor, string.IsNullOrWhiteSpace(postgres) ? null : postgres, seed);
    }

    public List<PreparedBatch> Prepare(CompiledCatalog catalog, Uri url, string key) =>
        LoadGenerator.Prepare(catalog, Options(url, key), End());

    public LoadOptions Options(Uri url, string key) => new()
    {
        Url = url, Key = key, Events = Events, Concurrency = Concurrency, BatchSize = BatchSize, Seed = Seed, Gzip = true,
        TimeLimit = TimeSpan.FromMinutes(10),
    };

    // The simulated week ends a minute ago, as in `candor loadgen`, so no event is in the collector's future.
    private static DateTimeOffset End()
    {
        var now = TimeProvider.System.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-1);
    }
}

/// <summary>The steps of the collector's ingest path without HTTP, as IngestEndpoint runs them.</summary>
internal static class Pipeline
{
    public static readonly IngestionLimits Limits = new()
    {
        MaxCompressedBytes = 1_000_000, MaxDecompressedBytes = 10_000_000, MaxEventsPerBatch = 1_000,
        MaxEventAge = TimeSpan.FromDays(30), MaxClockSkew = TimeSpan.FromSeconds(600),
    };

    public static (byte[] Buffer, int Length) Gunzip(byte[] body)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length * 8, 64 * 1024));
        using var unzip = new GZipStream(new MemoryStream(body, writable: false), CompressionMode.Decompress);
        var length = 0;
        int read;
        while ((read = unzip.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
            if (length == buffer.Length)
            {
                var next = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(next);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = next;
            }
        }

        return (buffer, length);
    }

    public static BatchRules Rules(CatalogIndex index, Guid tenant) =>
        new(index, PolicyService.Default(index.FamilyLevels), tenant, TimeProvider.System.GetUtcNow(), Limits, new PiiGuard());

    public static BatchResult Read(PreparedBatch batch, BatchRules rules)
    {
        var (buffer, length) = Gunzip(batch.Body);
        try
        {
            var span = buffer.AsSpan(0, length);
            if (!Utf8.IsValid(span))
            {
                throw new InvalidDataException("not UTF-8");
            }

            var result = BatchReader.Read(span, rules);
            if (result.Error is { } error)
            {
                throw new InvalidDataException(error.Code + ": " + error.Detail);
            }

            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Per event, on one thread: gunzip, UTF-8 check, the BatchReader (parse, validate, PII scan, row
/// mapping), the PII scan alone, and the DuckDB append in group commits of 20 batches.</summary>
internal static class Stages
{
    public static async Task<int> RunAsync(CompiledCatalog catalog, Settings settings)
    {
        var batches = settings.Prepare(catalog, new Uri("http://127.0.0.1/"), "unused");
        Console.WriteLine(Measure(catalog, batches, await DuckDbAppendAsync(catalog, batches)));
        return 0;
    }

    /// <summary>The reader alone, five timed passes after two warm-up passes; prints the fastest and the slowest.</summary>
    public static int Reader(CompiledCatalog catalog, Settings settings)
    {
        var batches = settings.Prepare(catalog, new Uri("http://127.0.0.1/"), "unused");
        var rules = Pipeline.Rules(new CatalogIndex(catalog), Guid.NewGuid());
        var plain = batches.Select(b =>
        {
            var (buffer, length) = Pipeline.Gunzip(b.Body);
            var copy = buffer.AsSpan(0, length).ToArray();
            ArrayPool<byte>.Shared.Return(buffer);
            return copy;
        }).ToList();
        long events = batches.Sum(b => (long)b.EventCount);
        var passes = new List<double>();
        for (var pass = 0; pass < 7; pass++)
        {
            long accepted = 0;
            var time = Time(() =>
            {
                foreach (var p in plain)
                {
                    accepted += BatchReader.Read(p, rules).Accepted.Count;
                }
            });
            if (accepted != events)
            {
                throw new InvalidOperationException($"{events - accepted} events were not accepted");
            }

            if (pass >= 2)
            {
                passes.Add(time.TotalMicroseconds / events);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BatchReader, {events:N0} events, one thread: fastest pass {passes.Min():F3} µs/event, slowest {passes.Max():F3}"));
        return 0;
    }

    public static string Measure(CompiledCatalog catalog, List<PreparedBatch> batches, double appendMicros)
    {
        var index = new CatalogIndex(catalog);
        var rules = Pipeline.Rules(index, Guid.NewGuid());
        long events = batches.Sum(b => (long)b.EventCount);
        // Warm the JIT (tiered compilation promotes hot methods after a few thousand calls).
        foreach (var b in batches.Take(200))
        {
            Pipeline.Read(b, rules);
        }

        var gunzip = Time(() =>
        {
            foreach (var b in batches)
            {
                ArrayPool<byte>.Shared.Return(Pipeline.Gunzip(b.Body).Buffer);
            }
        });
        var plain = batches.Select(b =>
        {
            var (buffer, length) = Pipeline.Gunzip(b.Body);
            var copy = buffer.AsSpan(0, length).ToArray();
            ArrayPool<byte>.Shared.Return(buffer);
            return copy;
        }).ToList();
        var utf8 = Time(() =>
        {
            foreach (var p in plain)
            {
                _ = Utf8.IsValid(p);
            }
        });
        var accepted = new List<StoredEvent>();
        var reader = Time(() =>
        {
            foreach (var p in plain)
            {
                accepted.AddRange(BatchReader.Read(p, rules).Accepted);
            }
        });

        // The PII scan the reader runs on every string value, timed alone over the stored values.
        var strings = new List<string>();
        foreach (var e in accepted)
        {
            using var doc = JsonDocument.Parse(e.Data);
            Collect(doc.RootElement, strings);
        }

        var pii = new PiiGuard();
        var scan = Time(() =>
        {
            foreach (var s in strings)
            {
                _ = pii.TryFindFirst(s, out _);
            }
        });
        double PerEvent(TimeSpan t) => t.TotalMicroseconds / events;
        var bytes = plain.Sum(p => (long)p.Length);
        return string.Create(CultureInfo.InvariantCulture, $"""
            | stage (one thread, {events:N0} events, {bytes / (double)events:F0} bytes of JSON each) | µs per event |
            | --- | --- |
            | gunzip | {PerEvent(gunzip):F2} |
            | UTF-8 check | {PerEvent(utf8):F2} |
            | BatchReader: parse, validate, PII scan, row mapping | {PerEvent(reader):F2} |
            | of which the PII scan ({strings.Count / (double)events:F1} string values per event) | {PerEvent(scan):F2} |
            | DuckDB append, group commits of 10,000 (appender, dedupe, commit) | {appendMicros:F2} |
            """);
    }

    private static void Collect(JsonElement element, List<string> strings)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    Collect(p.Value, strings);
                }

                break;
            case JsonValueKind.Array:
                foreach (var v in element.EnumerateArray())
                {
                    Collect(v, strings);
                }

                break;
            case JsonValueKind.String:
                strings.Add(element.GetString()!);
                break;
        }
    }

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    /// <summary>CPU microseconds per event of the DuckDB append alone, in group commits of 10,000 events.</summary>
    public static async Task<double> DuckDbAppendAsync(CompiledCatalog catalog, List<PreparedBatch> batches)
    {
        var index = new CatalogIndex(catalog);
        var rules = Pipeline.Rules(index, Guid.NewGuid());
        var groups = batches.Select(b => Pipeline.Read(b, rules).Accepted).Chunk(20).Select(g => g.SelectMany(x => x).ToList()).ToList();
        var folder = Path.Combine(Path.GetTempPath(), "candor-stages-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder });
            await store.MigrateAsync();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long stored = 0;
            foreach (var g in groups)
            {
                stored += (await store.AppendAsync(g)).Stored;
            }

            return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / stored;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The in-process limit: concurrent workers gunzip, check and read each batch and hand its events to the
/// collector's GroupCommitWriter over a DuckDB store, exactly as the endpoint does, without HTTP.</summary>
internal static class InProcess
{
    public static async Task<int> RunAsync(CompiledCatalog catalog, Settings settings)
    {
        var batches = settings.Prepare(catalog, new Uri("http://127.0.0.1/"), "unused");
        var index = new CatalogIndex(catalog);
        var tenant = Guid.NewGuid();
        var folder = Path.Combine(Path.GetTempPath(), "candor-inproc-" + Guid.NewGuid().ToString("N"));
        GC.Collect();
        var baseline = Memory.Current();
        try
        {
            await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder });
            await store.MigrateAsync();
            using var metrics = new CandorMetrics();
            var writer = new GroupCommitWriter(store, 256, 50_000, metrics, NullLogger.Instance);
            using var sampler = new Memory.Sampler(Environment.ProcessId);
            var latencies = new double[batches.Count];
            var next = -1;
            long accepted = 0, retries = 0;
            var watch = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < batches.Count)
                {
                    var started = Stopwatch.GetTimestamp();
                    var result = Pipeline.Read(batches[i], Pipeline.Rules(index, tenant));
                    Task<WriteResult>? pending;
                    while ((pending = writer.TryEnqueue(result.Accepted)) is null)
                    {
                        Interlocked.Increment(ref retries);
                        await Task.Delay(1);
                    }

                    var write = await pending;
                    Interlocked.Add(ref accepted, write.Stored);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            })).ToArray();
            await Task.WhenAll(workers);
            var seconds = watch.Elapsed.TotalSeconds;
            await writer.DisposeAsync();
            var stored = await store.CountAsync(tenant);
            Array.Sort(latencies);
            var report = new RunReport("in process (no HTTP), DuckDB", batches.Sum(b => (long)b.EventCount), seconds, accepted, stored,
                latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)], sampler.PeakBytes - baseline, sampler.PeakGcHeapBytes,
                $"in-process 503 retries {retries}");
            Console.WriteLine(JsonSerializer.Serialize(report));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

internal sealed record RunReport(string Run, long Events, double Seconds, long Accepted, long Stored, double P50Ms, double P99Ms,
    long PeakWorkingSetBytes, long PeakGcHeapBytes, string Note)
{
    public double EventsPerSecond => Accepted / Seconds;
}

internal static class Memory
{
    /// <summary>The resident set of a process now, from /proc (Linux).</summary>
    public static long Current(int? pid = null) => Read(pid ?? Environment.ProcessId, "VmRSS:");

    public static long Read(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>Samples a process's resident set (and, for this process, the GC heap) every 50 ms.</summary>
    public sealed class Sampler : IDisposable
    {
        private readonly Timer _timer;
        private readonly int _pid;
        private long _peak;
        private long _peakHeap;

        public Sampler(int pid)
        {
            _pid = pid;
            _timer = new Timer(_ => Sample(), null, 0, 50);
        }

        public long PeakBytes { get { Sample(); return Interlocked.Read(ref _peak); } }

        public long PeakGcHeapBytes => Interlocked.Read(ref _peakHeap);

        private void Sample()
        {
            try
            {
                var rss = Current(_pid);
                if (rss > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, rss);
                }

                if (_pid == Environment.ProcessId)
                {
                    var heap = GC.GetTotalMemory(false);
                    if (heap > Interlocked.Read(ref _peakHeap))
                    {
                        Interlocked.Exchange(ref _peakHeap, heap);
                    }
                }
            }
            catch (IOException)
            {
                // The process has exited.
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}

/// <summary>Runs the stages, the in-process limit and both stores end to end, then prints one table.</summary>
internal static class Compare
{
    public static async Task<int> RunAsync(CompiledCatalog catalog, Settings settings)
    {
        if (settings.Candor is not { } candor || !File.Exists(candor))
        {
            Console.Error.WriteLine("--candor PATH/candor.dll is required (build src/Candor.Cli in Release).");
            return 2;
        }

        var load = File.ReadAllText("/proc/loadavg").Split(' ');
        Console.WriteLine($"{Environment.ProcessorCount} cores, load average {load[0]} {load[1]} {load[2]}; {settings.Events:N0} events, batches of {settings.BatchSize}, gzip, {settings.Concurrency} senders");
        var reports = new List<RunReport>();

        var inproc = await Child("dotnet", [typeof(Compare).Assembly.Location, "inproc", .. Forward(settings)]);
        reports.Add(JsonSerializer.Deserialize<RunReport>(inproc.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!);

        reports.Add(await EndToEndAsync(catalog, settings, candor, "duckdb", null));
        if (settings.Postgres is { } pg)
        {
            var name = "candor_bench_" + Guid.NewGuid().ToString("N");
            await Admin(pg, $"CREATE DATABASE {name}");
            try
            {
                var b = new NpgsqlConnectionStringBuilder(pg) { Database = name };
                var url = $"postgres://{b.Username}@{b.Host}:{b.Port}/{name}";
                reports.Add(await EndToEndAsync(catalog, settings, candor, url, new NpgsqlConnectionStringBuilder(pg) { Database = name }.ConnectionString));
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await Admin(pg, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            }
        }

        var limit = reports[0].EventsPerSecond;
        var table = new StringBuilder();
        table.AppendLine("| run | events/s | share of in-process | batch p50 / p99 | peak working set | accepted = stored | note |");
        table.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in reports)
        {
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Run} | {r.EventsPerSecond:N0} | {r.EventsPerSecond / limit:P0} | {r.P50Ms:N1} ms / {r.P99Ms:N1} ms | {r.PeakWorkingSetBytes / 1048576.0:N0} MiB{(r.PeakGcHeapBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $" (GC heap {r.PeakGcHeapBytes / 1048576.0:N0} MiB)") : "")} | {r.Accepted:N0} = {r.Stored:N0} {(r.Accepted == r.Stored ? "yes" : "**NO**")} | {r.Note} |"));
        }

        load = File.ReadAllText("/proc/loadavg").Split(' ');
        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine($"load average after the runs: {load[0]} {load[1]} {load[2]}");
        Console.WriteLine();
        Console.WriteLine(await Child("dotnet", [typeof(Compare).Assembly.Location, "stages", "--events", Math.Min(settings.Events, 200_000).ToString(CultureInfo.InvariantCulture), "--catalog", settings.CatalogFolder]));
        return reports.All(r => r.Accepted == r.Stored && r.Accepted == r.Events) ? 0 : 1;
    }

    private static string[] Forward(Settings s) =>
    [
        "--events", s.Events.ToString(CultureInfo.InvariantCulture), "--concurrency", s.Concurrency.ToString(CultureInfo.InvariantCulture),
        "--batch", s.BatchSize.ToString(CultureInfo.InvariantCulture), "--seed", s.Seed.ToString(CultureInfo.InvariantCulture),
        "--catalog", s.CatalogFolder,
    ];

    private static async Task<RunReport> EndToEndAsync(CompiledCatalog catalog, Settings settings, string candor, string store, string? pgConnection)
    {
        var folder = Path.Combine(Path.GetTempPath(), "candor-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var created = await Child("dotnet", [candor, "tenant", "create", "bench", "--family", "dynamics365-clients", "--data", folder, "--store", store, "--json"]);
            using var tenantJson = JsonDocument.Parse(created);
            var tenantId = Guid.Parse(tenantJson.RootElement.GetProperty("tenantId").GetString()!);
            var key = tenantJson.RootElement.GetProperty("ingestionKey").GetString()!;
            var port = FreePort();
            var url = new Uri($"http://127.0.0.1:{port}/");
            var batches = settings.Prepare(catalog, url, key);

            using var server = Process.Start(new ProcessStartInfo("dotnet")
            {
                ArgumentList = { candor, "serve", "--data", folder, "--store", store, "--urls", url.ToString().TrimEnd('/') },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["Logging__LogLevel__Default"] = "Warning" },
            })!;
            server.OutputDataReceived += (_, _) => { };
            server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            LoadReport report;
            long peak;
            try
            {
                using (var http = new HttpClient { BaseAddress = url })
                {
                    var ready = Stopwatch.StartNew();
                    while (true)
                    {
                        try
                        {
                            if ((await http.GetAsync("readyz")).IsSuccessStatusCode)
                            {
                                break;
                            }
                        }
                        catch (HttpRequestException) when (ready.Elapsed < TimeSpan.FromSeconds(60) && !server.HasExited)
                        {
                        }

                        await Task.Delay(100);
                    }
                }

                using var sampler = new Memory.Sampler(server.Id);
                report = await new LoadGenerator(settings.Options(url, key), TimeProvider.System).RunAsync(batches, 0);
                peak = Math.Max(sampler.PeakBytes, Memory.Read(server.Id, "VmHWM:"));
            }
            finally
            {
                // A clean stop: SIGTERM lets the server close its store.
                Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
                if (!server.WaitForExit(60_000))
                {
                    server.Kill();
                }
            }

            long stored;
            if (pgConnection is null)
            {
                await using var duck = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder });
                stored = await duck.CountAsync(tenantId);
            }
            else
            {
                await using var pg = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = pgConnection });
                stored = await pg.CountAsync(tenantId);
            }

            var note = report.BatchesFailed > 0 ? $"{report.BatchesFailed} batches failed: {report.FirstError}"
                : report.Retries > 0 ? $"{report.Retries} retries after 503/429" : "";
            return new RunReport($"HTTP end to end, {(pgConnection is null ? "DuckDB" : "PostgreSQL")}", report.EventsPrepared, report.Seconds,
                report.Accepted, stored, report.LatencyP50Ms, report.LatencyP99Ms, peak, 0, note);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A free loopback port (shared with ScaleRun).</summary>
    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a child process and returns its standard output; throws with it when the child fails.</summary>
    internal static async Task<string> Child(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }

        return output;
    }

    internal static async Task Admin(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Diagnostics;
using System.Globalization;
using Candor.Core.Model;
using Candor.Storage;
using Candor.Storage.DuckDb;
using Candor.Storage.Postgres;
using Npgsql;

// Usage: dotnet run -c Release --project bench/Candor.Storage.Bench -- [--events N] [--batch N]
//        [--postgres "Host=...;Username=...;Database=postgres"] [--only duckdb|postgres]
// Without --postgres, CANDOR_TEST_POSTGRES is used when set. A fresh database is created there and dropped after.
var events = 1_000_000;
var batch = 5_000;
var postgres = Environment.GetEnvironmentVariable("CANDOR_TEST_POSTGRES");
string? only = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--events": events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--postgres": postgres = args[++i]; break;
        case "--only": only = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument '{args[i]}'"); return 2;
    }
}

Console.WriteLine($"Generating {events:N0} events ({batch:N0} per call), {Environment.ProcessorCount} cores");
var batches = Generate(events, batch);

if (only is null or "duckdb")
{
    var folder = Path.Combine(Path.GetTempPath(), "candor-bench-" + Guid.NewGuid().ToString("N"));
    try
    {
        await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder });
        await store.MigrateAsync();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw0 = Stopwatch.StartNew();
        await Run("DuckDB", store, batches);

        // DuckDB folds its write-ahead log into the file at checkpoints; the last one is part of the cost.
        using (var raw = new DuckDB.NET.Data.DuckDBConnection($"Data Source={store.FilePath}"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "CHECKPOINT";
            cmd.ExecuteNonQuery();
        }
        Console.WriteLine($"DuckDB including the retries and a final checkpoint: wall {sw0.Elapsed.TotalSeconds:N1} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:N1} s");
        Console.WriteLine($"  file size: {new FileInfo(store.FilePath).Length / 1048576.0:N1} MiB (+ WAL)");
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}

if (only is null or "postgres")
{
    if (string.IsNullOrWhiteSpace(postgres))
    {
        Console.WriteLine("PostgreSQL: skipped (no --postgres and no CANDOR_TEST_POSTGRES)");
    }
    else
    {
        var name = "candor_bench_" + Guid.NewGuid().ToString("N");
        await Admin(postgres, $"CREATE DATABASE {name}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
            await using var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = connectionString });
            await store.MigrateAsync();
            await Run("PostgreSQL", store, batches);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Admin(postgres, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }
}

return 0;

static async Task Run(string label, IEventStore store, List<StoredEvent[]> batches)
{
    var total = batches.Sum(b => b.Length);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var timer = Stopwatch.StartNew();
    var lap = Stopwatch.StartNew();
    long stored = 0;
    var latencies = new List<double>(batches.Count);
    for (var i = 0; i < batches.Count; i++)
    {
        var call = Stopwatch.StartNew();
        stored += (await store.AppendAsync(batches[i])).Stored;
        latencies.Add(call.Elapsed.TotalMilliseconds);
        if ((i + 1) % (batches.Count / 4) == 0)
        {
            Console.WriteLine($"  {label}: {stored:N0} stored, last quarter {batches.Count / 4 * batches[0].Length / lap.Elapsed.TotalSeconds:N0} events/s");
            lap.Restart();
        }
    }

    timer.Stop();
    // On a shared machine wall time says little; this process's CPU time (DuckDB runs in it, PostgreSQL does not)
    // says what the store costs per event.
    var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    latencies.Sort();
    Console.WriteLine($"{label}: {stored:N0} of {total:N0} events in {timer.Elapsed.TotalSeconds:N1} s = {stored / timer.Elapsed.TotalSeconds:N0} events/s; " +
        $"call p50 {latencies[latencies.Count / 2]:N0} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:N0} ms; " +
        $"process CPU {cpuSeconds:N1} s = {stored / cpuSeconds:N0} events per CPU-second");

    // A client retrying a whole batch: every event is a duplicate, which takes the slower path.
    var retry = Stopwatch.StartNew();
    var retried = 0;
    foreach (var b in batches.Take(10))
    {
        retried += (await store.AppendAsync(b)).DuplicateIndexes.Count;
    }

    Console.WriteLine($"{label}: retried {retried:N0} duplicates in {retry.Elapsed.TotalSeconds:N2} s = {retried / retry.Elapsed.TotalSeconds:N0} events/s");
}

static List<StoredEvent[]> Generate(int count, int size)
{
    // One tenant, 10,000 devices, the envelope values of the shipped catalog's products; ids are UUIDv7 as the SDK makes them.
    var random = new Random(42);
    var tenant = Guid.NewGuid();
    var devices = Enumerable.Range(0, 10_000).Select(_ => Guid.NewGuid()).ToArray();
    var names = new[] { "fieldservice.sync.completed", "app.started", "app.crashed", "guides.step.completed", "sales.record.opened" };
    var start = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
    var list = new List<StoredEvent[]>();
    for (var b = 0; b < count / size; b++)
    {
        var chunk = new StoredEvent[size];
        for (var i = 0; i < size; i++)
        {
            var n = b * size + i;
            chunk[i] = new StoredEvent
            {
                TenantId = tenant,
                EventId = Guid.CreateVersion7(start.AddMilliseconds(n)),
                Name = names[n % names.Length],
                Level = DataLevel.Required,
                Category = (DataCategory)(n % 4),
                Product = "d365.field-service",
                AppVersion = "9.3.2411." + (n % 7).ToString(CultureInfo.InvariantCulture),
                Sdk = "candor-dotnet/1.0.0",
                SessionId = Guid.NewGuid(),
                DeviceId = devices[random.Next(devices.Length)],
                DeviceClass = "mobile",
                Os = "Android",
                OsVersion = "14",
                Arch = "arm64",
                Locale = "en-GB",
                Seq = n,
                Time = start.AddMilliseconds(n),
                ReceivedAt = start.AddMilliseconds(n + 5000),
                Data = "{\"durationMs\":" + (n % 5000).ToString(CultureInfo.InvariantCulture) + ",\"recordCount\":312,\"result\":\"success\"}",
            };
        }

        list.Add(chunk);
    }

    return list;
}

static async Task Admin(string server, string sql)
{
    await using var connection = new NpgsqlConnection(server);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

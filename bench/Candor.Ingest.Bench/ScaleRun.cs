using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using Npgsql;

/// <summary><c>scale --candor PATH/candor.dll [--store duckdb|postgres] [--postgres CONNSTRING] [--events N] [--ids v7|v4]
/// [--slice N] [--concurrency C] [--days D] [--received-days R] [--memory-mib M] [--time-limit S] [--keep DIR]</c>
/// (bench/ingest-scale.sh): fills a throwaway store through the real collector over HTTP with <c>candor loadgen
/// --stream</c> (batches generated while they are sent, event times over the last D days) and prints, per slice of
/// answered events, the stored range, the rate and the collector's resident memory (VmRSS, and VmHWM: its peak so far)
/// from /proc. Then it stops the collector, counts the store (stored must equal accepted, with no event id twice, and
/// over how many received days), removes it (or, with --keep and DuckDB, moves its data folder to DIR for the analytics
/// bench's --queries-only), and ends with
/// <c>scale: first-slice R1 events/s, last-slice R2 events/s (R2/R1 = X), peak RSS M MiB, stored = accepted</c>;
/// exit 1 on any mismatch, failed batch, duplicate answer or shortfall.
/// <para>A fill of the default kind receives all its events in one day: the worst case for PostgreSQL, whose events are
/// partitioned by received day, and not how a store fills (a fleet of 5 million events a day takes ten days to 50
/// million). With <c>--received-days R</c> the collector runs in this process instead of as <c>candor serve</c>, with
/// the same settings but a clock that the bench moves a day forward before each day's N/R events, sent by a load
/// generator of their own whose events happened that day (<c>--days 1 --end</c> the collector's day), so the store
/// receives the fill over R days starting today, and a batch's duplicate check reaches the days it would in
/// service.</para></summary>
internal static class ScaleRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? candor = null, postgres = Environment.GetEnvironmentVariable("CANDOR_TEST_POSTGRES"), memory = null, keep = null;
        var store = "duckdb";
        var ids = "v7";
        long events = 50_000_000, slice = 1_000_000;
        int concurrency = 8, days = 10, receivedDays = 1, timeLimit = 6 * 3600;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--candor": candor = args[++i]; break;
                case "--store": store = args[++i]; break;
                case "--postgres": postgres = args[++i]; break;
                case "--events": events = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--ids": ids = args[++i]; break;
                case "--slice": slice = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--days": days = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--received-days": receivedDays = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--memory-mib": memory = args[++i]; break;
                case "--time-limit": timeLimit = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--keep": keep = Path.GetFullPath(args[++i]); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        if (candor is null || !File.Exists(candor))
        {
            Console.Error.WriteLine("--candor PATH/candor.dll is required (build src/Candor.Cli in Release).");
            return 2;
        }

        if (store is not ("duckdb" or "postgres") || ids is not ("v7" or "v4") || (store == "postgres" && string.IsNullOrWhiteSpace(postgres)))
        {
            Console.Error.WriteLine("--store must be duckdb or postgres (postgres needs --postgres CONNSTRING), --ids v7 or v4.");
            return 2;
        }

        if (receivedDays is < 1 or > 20)
        {
            Console.Error.WriteLine("--received-days must be 1 to 20 (the event times and the shifted clock stay within the 30-day acceptance window).");
            return 2;
        }

        if (keep is not null && (store != "duckdb" || Directory.Exists(keep)))
        {
            Console.Error.WriteLine($"--keep needs --store duckdb and a folder that does not exist yet ({keep}).");
            return 2;
        }

        var load = File.ReadAllText("/proc/loadavg").Split(' ');
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: {events:N0} events into {store} over HTTP, ids {ids}, slices of {slice:N0}, {concurrency} senders, {(receivedDays > 1 ? $"received over {receivedDays} days, each day's events of that day (collector in process)" : $"event times over {days} days, received today")}; {Environment.ProcessorCount} cores, load average {load[0]} {load[1]} {load[2]}"));

        var folder = Path.Combine(Path.GetTempPath(), "candor-scale-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string? database = null;
        try
        {
            string storeArgument = "duckdb", countConnection = "";
            if (store == "postgres")
            {
                database = "candor_scale_" + Guid.NewGuid().ToString("N");
                await Compare.Admin(postgres!, $"CREATE DATABASE {database}");
                var b = new NpgsqlConnectionStringBuilder(postgres) { Database = database };
                storeArgument = $"postgres://{b.Username}@{b.Host}:{b.Port}/{database}";
                countConnection = b.ConnectionString;
            }

            var created = await Compare.Child("dotnet", [candor, "tenant", "create", "scale", "--family", "dynamics365-clients", "--data", folder, "--store", storeArgument, "--json"]);
            using var tenantJson = JsonDocument.Parse(created);
            var tenant = Guid.Parse(tenantJson.RootElement.GetProperty("tenantId").GetString()!);
            var key = tenantJson.RootElement.GetProperty("ingestionKey").GetString()!;
            var url = $"http://127.0.0.1:{Compare.FreePort()}";

            await using var server = receivedDays > 1
                ? await Collector.InProcessAsync(candor, folder, storeArgument, url, memory)
                : Collector.Child(candor, folder, storeArgument, url, memory);
            var rates = new List<double>();
            var totals = new LoadTotals();
            long peak;
            try
            {
                await WaitReadyAsync(url, server);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"stored events",27} {"events/s",10} {"RSS MiB",8} {"peak RSS MiB",13} {"collector CPU µs/event",23} {"loadgen CPU µs/event",21} {"waited for loadgen",19}"));
                if (receivedDays > 1)
                {
                    // The bench's own threads count in the collector's CPU and memory now: a reader of one line a slice
                    // and a sampler, next to nothing.
                    Console.WriteLine("(collector in the bench's process: its CPU and memory include the bench's, a few MiB)");
                }

                using var sampler = new Memory.Sampler(server.Id);
                var start = TimeProvider.System.GetUtcNow();
                for (var day = 0; day < receivedDays && totals.Exit == 0; day++)
                {
                    var arguments = new List<string>
                    {
                        candor, "loadgen", "--stream", "--json", "--gzip", "--url", url, "--key", key,
                        "--events", (events / receivedDays + (day == receivedDays - 1 ? events % receivedDays : 0)).ToString(CultureInfo.InvariantCulture),
                        "--ids", ids, "--slice", slice.ToString(CultureInfo.InvariantCulture),
                        "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
                        "--time-limit", timeLimit.ToString(CultureInfo.InvariantCulture),
                    };
                    if (receivedDays > 1)
                    {
                        // Each day's events happened that day, by the collector's clock, as a fleet's uploads do (most a
                        // few minutes after the event): so the duplicate check reaches that day and the one before, as it
                        // would in service, not every day the store holds.
                        if (day > 0)
                        {
                            server.NextDay();
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(the collector's clock moved to day {day + 1} of {receivedDays})"));
                        }

                        // The same seed every day: the same fleet of devices, a day later each time.
                        arguments.AddRange(["--days", "1", "--end", start.AddDays(day).AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture)]);
                    }
                    else
                    {
                        arguments.AddRange(["--days", days.ToString(CultureInfo.InvariantCulture)]);
                    }

                    await RunLoadgenAsync(arguments, server, totals, rates);
                }

                peak = Math.Max(sampler.PeakBytes, Memory.Read(server.Id, "VmHWM:"));
            }
            finally
            {
                await server.StopAsync();
            }

            if (!totals.Reported || rates.Count == 0)
            {
                Console.WriteLine($"scale: the load generator ended (exit {totals.Exit}) without a report; nothing to compare");
                return 1;
            }

            var (acceptedTotal, duplicates, rejected, loadgenExit) = (totals.Accepted, totals.Duplicates, totals.Rejected, totals.Exit);
            var (stored, distinct, storedDays) = store == "duckdb"
                ? await CountDuckDbAsync(Path.Combine(folder, "candor.duckdb"), tenant)
                : await CountPostgresAsync(countConnection, tenant);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loadgen: sent {totals.Sent:N0} of {events:N0} in {totals.Seconds:F0} s, accepted {acceptedTotal:N0}, duplicates {duplicates:N0}, rejected {rejected:N0}, failed batches {totals.FailedBatches}, retries {totals.Retries}{(totals.FirstError is null ? "" : $" (first error: {totals.FirstError})")}, exit {loadgenExit}; store: {stored:N0} rows, {distinct:N0} distinct ids, received over {storedDays} day(s); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));

            var problems = new List<string>();
            if (stored != acceptedTotal)
            {
                problems.Add($"stored {stored} != accepted {acceptedTotal}");
            }

            if (distinct != stored)
            {
                problems.Add($"{stored - distinct} event ids stored twice");
            }

            if (duplicates != 0)
            {
                problems.Add($"{duplicates} new events answered as duplicates");
            }

            if (acceptedTotal + rejected != events)
            {
                problems.Add($"{events - acceptedTotal - rejected} events never answered");
            }

            if (loadgenExit != 0)
            {
                problems.Add($"the load generator exited with {loadgenExit}");
            }

            var first = rates[0];
            var last = rates[^1];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scale: first-slice {first:F0} events/s, last-slice {last:F0} events/s (R2/R1 = {last / first:F2}), peak RSS {peak / 1048576.0:F0} MiB, {(problems.Count == 0 ? "stored = accepted" : "MISMATCH: " + string.Join("; ", problems))}"));
            return problems.Count == 0 ? 0 : 1;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (database is not null)
            {
                await Compare.Admin(postgres!, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            }

            if (keep is not null)
            {
                // A filled store is worth keeping for the analytics bench (--queries-only) and the console's pages.
                Directory.Move(folder, keep);
                Console.WriteLine($"scale: the store is kept in {keep}");
            }
            else
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>What the load generators of a run answered, summed over their runs (one, or one per received day).</summary>
    private sealed class LoadTotals
    {
        public long Accepted, Duplicates, Rejected, Sent, FailedBatches, Retries;
        public string? FirstError;
        public double Seconds;
        public int Exit;
        public bool Reported;
    }

    /// <summary>Runs one <c>candor loadgen --stream</c> and prints a line per slice it reports, numbered from what the
    /// runs before it accepted; adds its report to <paramref name="totals"/>.</summary>
    private static async Task RunLoadgenAsync(List<string> arguments, Collector server, LoadTotals totals, List<double> rates)
    {
        var loadgen = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            loadgen.ArgumentList.Add(argument);
        }

        using var generator = Process.Start(loadgen)!;
        generator.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("loadgen: " + e.Data); };
        generator.BeginErrorReadLine();
        var before = totals.Accepted;
        var storedBefore = before;
        var collectorCpu = CpuSeconds(server.Id);
        JsonElement? report = null;
        while (await generator.StandardOutput.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "slice":
                    var rss = Memory.Read(server.Id, "VmRSS:");
                    var hwm = Memory.Read(server.Id, "VmHWM:");
                    var rate = root.GetProperty("eventsPerSecond").GetDouble();
                    var accepted = before + root.GetProperty("accepted").GetInt64();
                    rates.Add(rate);
                    var cpuNow = CpuSeconds(server.Id);
                    var sliceEvents = Math.Max(1, root.GetProperty("toEvents").GetInt64() - root.GetProperty("fromEvents").GetInt64());
                    var batches = Math.Max(1, root.GetProperty("batches").GetInt64());
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{storedBefore,13:N0} - {accepted,11:N0} {rate,10:N0} {rss / 1048576.0,8:N0} {hwm / 1048576.0,13:N0} {(cpuNow - collectorCpu) * 1e6 / sliceEvents,23:F1} {root.GetProperty("loadgenCpuMicrosPerEvent").GetDouble(),21:F1} {root.GetProperty("queueWaits").GetInt64() / (double)batches,19:P0}"));
                    (storedBefore, collectorCpu) = (accepted, cpuNow);
                    break;
                case "report":
                    report = root.Clone();
                    break;
            }
        }

        await generator.WaitForExitAsync();
        if (totals.Exit == 0)
        {
            totals.Exit = generator.ExitCode;
        }

        if (report is { } r)
        {
            totals.Reported = true;
            totals.Accepted += r.GetProperty("accepted").GetInt64();
            totals.Duplicates += r.GetProperty("duplicates").GetInt64();
            totals.Rejected += r.GetProperty("rejected").GetInt64();
            totals.Sent += r.GetProperty("eventsSent").GetInt64();
            totals.FailedBatches += r.GetProperty("batchesFailed").GetInt64();
            totals.Seconds += r.GetProperty("seconds").GetDouble();
            totals.Retries += r.GetProperty("retries").GetInt64();
            if (totals.FirstError is null && r.TryGetProperty("firstError", out var error) && error.ValueKind == JsonValueKind.String)
            {
                totals.FirstError = error.GetString();
            }
        }
        else if (totals.Exit == 0)
        {
            totals.Exit = -1;
        }
    }

    /// <summary>A process's CPU time (user and system) from /proc/PID/stat, in seconds (clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static async Task<(long Stored, long Distinct, long Days)> CountDuckDbAsync(string file, Guid tenant)
    {
        await using var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = file }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), count(DISTINCT event_id), count(DISTINCT CAST(received_at AS DATE)) FROM events WHERE tenant_id = $tenant";
        command.Parameters.Add(new DuckDBParameter("tenant", tenant));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task<(long Stored, long Distinct, long Days)> CountPostgresAsync(string connectionString, Guid tenant)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT event_id), count(DISTINCT CAST(received_at AT TIME ZONE 'UTC' AS date)) FROM events WHERE tenant_id = @tenant", connection);
        command.Parameters.AddWithValue("tenant", tenant);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task WaitReadyAsync(string url, Collector server)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync("readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(60) && !server.HasExited)
            {
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60) || server.HasExited)
            {
                throw new InvalidOperationException($"the collector at {url} did not become ready within 60 s");
            }

            await Task.Delay(100);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Candor.Core.Model;
using Candor.Storage;
using Candor.Storage.Postgres;
using Npgsql;

// The PostgreSQL batch write (PostgresStore.AppendAsync, as the collector's group commit calls it) into an empty
// store and into one already holding --fill events received over the ten days before today, in alternating
// slices so that both see the same machine. Per store: events/s, the PostgreSQL backend's CPU per event (read
// from /proc when the server runs on this machine), WAL bytes per event, and the filled store's rate as a share
// of the empty one's. docs/operations.md ("PostgreSQL: events by received day") explains the figures.
// Usage: dotnet run -c Release --project bench/Candor.Postgres.Bench -- [--fill N] [--events N] [--batch N]
//        [--postgres "Host=...;Username=...;Database=postgres"]   (default: CANDOR_TEST_POSTGRES)
var server = Environment.GetEnvironmentVariable("CANDOR_TEST_POSTGRES");
var fill = 5_000_000;
var events = 1_000_000;
var batch = 2_000;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--fill": fill = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--events": events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--postgres": server = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument '{args[i]}'"); return 2;
    }
}

if (string.IsNullOrWhiteSpace(server) || fill < 0 || events / batch < 10 || batch < 1)
{
    Console.Error.WriteLine("needs --postgres (or CANDOR_TEST_POSTGRES), --fill >= 0, --batch >= 1 and --events of at least 10 batches");
    return 2;
}

var suffix = Guid.NewGuid().ToString("N")[..12];
var names = new[] { "candor_pgbench_empty_" + suffix, "candor_pgbench_filled_" + suffix };
var tenant = Guid.NewGuid();
try
{
    var stores = new PostgresStore[2];
    var connectionStrings = new string[2];
    for (var s = 0; s < 2; s++)
    {
        await ExecuteAsync(server, $"CREATE DATABASE {names[s]}");
        connectionStrings[s] = new NpgsqlConnectionStringBuilder(server) { Database = names[s], MaxPoolSize = 2 }.ConnectionString;
        stores[s] = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = connectionStrings[s] });
        await stores[s].MigrateAsync();
    }

    var fillTimer = Stopwatch.StartNew();
    await FillAsync(connectionStrings[1], tenant, fill);
    Console.WriteLine($"filled {fill:N0} events over the 10 days before today in {fillTimer.Elapsed.TotalSeconds:N0} s; " +
        $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");

    var batches = Generate(tenant, events / batch, batch);
    var totals = new (double Seconds, double BackendCpu, long Wal, long Events)[2];
    const int slices = 10;
    var perSlice = batches.Count / slices;
    for (var k = 0; k < slices; k++)
    {
        var s = k % 2 == 0 ? 0 : 1;
        var slice = batches.Skip(k * perSlice).Take(perSlice).ToList();
        var (cpu0, wal0) = await ServerStateAsync(connectionStrings[s], names[s]);
        var timer = Stopwatch.StartNew();
        foreach (var b in slice)
        {
            await stores[s].AppendAsync(b);
        }

        timer.Stop();
        var (cpu1, wal1) = await ServerStateAsync(connectionStrings[s], names[s]);
        var count = (long)slice.Count * batch;
        totals[s] = (totals[s].Seconds + timer.Elapsed.TotalSeconds, totals[s].BackendCpu + (cpu1 - cpu0), totals[s].Wal + (wal1 - wal0),
            totals[s].Events + count);
        Console.WriteLine($"  {(s == 0 ? "empty " : "filled")} slice {k + 1}: {count / timer.Elapsed.TotalSeconds:N0} events/s, " +
            $"backend CPU {(cpu1 - cpu0) * 1e6 / count:N1} us/event, WAL {(wal1 - wal0) / (double)count:N0} B/event, load {LoadAverage()}");
    }

    for (var s = 0; s < 2; s++)
    {
        var t = totals[s];
        Console.WriteLine($"{(s == 0 ? "empty store " : $"filled store ({fill:N0})")}: {t.Events / t.Seconds:N0} events/s, " +
            $"backend CPU {t.BackendCpu * 1e6 / t.Events:N1} us/event, WAL {t.Wal / (double)t.Events:N0} B/event");
    }

    var share = totals[1].Events / totals[1].Seconds / (totals[0].Events / totals[0].Seconds);
    Console.WriteLine($"filled/empty rate: {share:P0}");
    foreach (var store in stores)
    {
        await store.DisposeAsync();
    }
}
finally
{
    NpgsqlConnection.ClearAllPools();
    foreach (var name in names)
    {
        await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }
}

return 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

// Rows as the collector stores them, received over the ten days before today (one partition per day), with
// time-ordered ids made from each row's time; the indexes are built as rows arrive, as in a store filled by ingest.
static async Task FillAsync(string connectionString, Guid tenant, int count)
{
    if (count == 0)
    {
        return;
    }

    var today = TimeProvider.System.GetUtcNow().UtcDateTime.Date;
    await ExecuteAsync(connectionString,
        "SELECT candor_events_partition((d AT TIME ZONE 'UTC')::date) FROM generate_series(@from, @to, interval '1 day') AS d",
        ("from", today.AddDays(-10)), ("to", today));
    const int chunk = 500_000;
    for (var first = 1; first <= count; first += chunk)
    {
        await ExecuteAsync(connectionString, """
            INSERT INTO events (tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id,
                device_class, os, os_version, arch, locale, seq, time, received_at, data)
            SELECT @tenant,
                   uuid_in(overlay(overlay(md5(g::text || 'e') PLACING lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') FROM 1 FOR 12)
                       PLACING '7' FROM 13 FOR 1)::cstring),
                   (ARRAY['fieldservice.sync.completed', 'app.started', 'app.crashed', 'guides.step.completed', 'sales.record.opened'])[1 + g % 5],
                   'required', 'product_and_service_performance', 'd365.field-service', '9.3.2411.' || (g % 7), 'candor-dotnet/1.0.0',
                   md5(g::text || 's')::uuid, md5((g % 10000)::text || 'd')::uuid, 'mobile', 'Android', '14', 'arm64', 'en-GB', g, t,
                   t + interval '5 seconds',
                   jsonb_build_object('durationMs', g % 5000, 'recordCount', 312, 'result', 'success')
            FROM generate_series(@first, @last) AS g,
                 LATERAL (SELECT @start + (g::float8 / (@count + 1)) * interval '10 days' AS t) AS x
            """, ("tenant", tenant), ("first", first), ("last", Math.Min(count, first + chunk - 1)), ("count", count),
            ("start", today.AddDays(-10)));
    }

    await ExecuteAsync(connectionString, "VACUUM ANALYZE events");
}

// Batches of time-ordered events received now, as the collector's group commit hands them to the store.
static List<StoredEvent[]> Generate(Guid tenant, int count, int size)
{
    var random = new Random(42);
    var devices = Enumerable.Range(0, 10_000).Select(_ => Guid.NewGuid()).ToArray();
    var eventNames = new[] { "fieldservice.sync.completed", "app.started", "app.crashed", "guides.step.completed", "sales.record.opened" };
    var now = TimeProvider.System.GetUtcNow();
    var start = new DateTimeOffset(now.Ticks - now.Ticks % 10, TimeSpan.Zero).AddMinutes(-30);
    var list = new List<StoredEvent[]>(count);
    for (var b = 0; b < count; b++)
    {
        var chunk = new StoredEvent[size];
        for (var i = 0; i < size; i++)
        {
            var n = b * size + i;
            var time = start.AddTicks(n * 10L);
            chunk[i] = new StoredEvent
            {
                TenantId = tenant,
                EventId = Guid.CreateVersion7(time),
                Name = eventNames[n % eventNames.Length],
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
                Time = time,
                ReceivedAt = time.AddSeconds(5),
                Data = "{\"durationMs\":" + (n % 5000).ToString(CultureInfo.InvariantCulture) + ",\"recordCount\":312,\"result\":\"success\"}",
            };
        }

        list.Add(chunk);
    }

    return list;
}

// The CPU seconds of the database's backends (when the server's processes are visible in /proc) and the WAL position.
static async Task<(double CpuSeconds, long WalBytes)> ServerStateAsync(string connectionString, string database)
{
    var probe = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "candor-pgbench-probe" };
    await using var connection = new NpgsqlConnection(probe.ConnectionString);
    await connection.OpenAsync();
    var pids = new List<int>();
    await using (var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", connection))
    {
        command.Parameters.AddWithValue("db", database);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }
    }

    long wal;
    await using (var command = new NpgsqlCommand("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint", connection))
    {
        wal = (long)(await command.ExecuteScalarAsync())!;
    }

    double cpu = 0;
    foreach (var pid in pids)
    {
        var path = $"/proc/{pid}/stat";
        if (!File.Exists(path))
        {
            continue;
        }

        // Fields after the command name: utime and stime are the 14th and 15th of the line, in clock ticks (100 Hz).
        var line = await File.ReadAllTextAsync(path);
        var fields = line[(line.LastIndexOf(')') + 2)..].Split(' ');
        cpu += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    return (cpu, wal);
}

static async Task ExecuteAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
    foreach (var (name, value) in parameters)
    {
        command.Parameters.AddWithValue(name, value);
    }

    await command.ExecuteNonQueryAsync();
}

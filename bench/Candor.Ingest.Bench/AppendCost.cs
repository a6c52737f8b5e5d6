using System.Globalization;
using Candor.Core.Model;
using Candor.Storage;
using Candor.Storage.DuckDb;
using DuckDB.NET.Data;

/// <summary><c>append-cost [--rows N] [--commit 10000]</c>: where the DuckDB writer's CPU per row goes, and what
/// issue 11's "fewer values per row" would save, without changing the store. Each variant appends the same N rows
/// (the shape DedupeScale makes: one tenant, 1,000 devices, version 7 ids in time order) into its own fresh DuckDB
/// file in transactions of --commit rows, and reports this process's CPU time per row (DuckDB's threads included)
/// for the appender calls and for the commits apart:
/// <list type="bullet">
/// <item><c>events, 19 values</c>: a table shaped as <c>events</c>, rows appended as the store appends them;</item>
/// <item><c>events, 12 values</c>: the same rows with the eight envelope strings (product, app version, sdk,
/// device class, OS, OS version, arch, locale) replaced by one INTEGER key into a table of the distinct tuples
/// (looked up in a dictionary here, its cost counted; new tuples inserted in the same transaction), so what is
/// stored still says exactly what was sent;</item>
/// <item><c>store AppendAsync</c>: the store itself (duplicate check, appender, commit), for reference.</item>
/// </list>
/// A probe, not a change: the events table keeps its shape.</summary>
internal static class AppendCost
{
    public static async Task<int> RunAsync(string[] args)
    {
        int rows = 500_000, commit = 10_000;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--commit": commit = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        var events = Make(rows);
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine($"append-cost: {rows:N0} rows in commits of {commit:N0}, CPU µs per row of this process (DuckDB's threads included), load average {load}");
        Console.WriteLine($"{"variant",-26} {"appender",9} {"commit",9} {"total",9} {"file MiB",9}");
        // Twice each, the first as warm-up of the JIT and of DuckDB.
        for (var round = 0; round < 2; round++)
        {
            var last = round == 1;
            Report(last, "events, 19 values", Table(events, commit, narrow: false));
            Report(last, "events, 12 values + key", Table(events, commit, narrow: true));
            Report(last, "store AppendAsync", await StoreAsync(events, commit));
        }

        return 0;
    }

    private static void Report(bool print, string name, (double Append, double Commit, long Bytes) r)
    {
        if (print)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-26} {r.Append,9:F2} {r.Commit,9:F2} {r.Append + r.Commit,9:F2} {r.Bytes / 1048576.0,9:F1}"));
        }
    }

    private const string Wide = """
        CREATE TABLE events (
            tenant_id UUID NOT NULL, event_id UUID NOT NULL, name VARCHAR NOT NULL, level VARCHAR NOT NULL,
            category VARCHAR NOT NULL, product VARCHAR NOT NULL, app_version VARCHAR NOT NULL, sdk VARCHAR NOT NULL,
            session_id UUID NOT NULL, device_id UUID NOT NULL, device_class VARCHAR NOT NULL, os VARCHAR NOT NULL,
            os_version VARCHAR NOT NULL, arch VARCHAR NOT NULL, locale VARCHAR NOT NULL, seq BIGINT NOT NULL,
            time TIMESTAMP NOT NULL, received_at TIMESTAMP NOT NULL, data VARCHAR NOT NULL)
        """;

    private const string Narrow = """
        CREATE TABLE envelopes (
            envelope_id INTEGER NOT NULL, product VARCHAR NOT NULL, app_version VARCHAR NOT NULL, sdk VARCHAR NOT NULL,
            device_class VARCHAR NOT NULL, os VARCHAR NOT NULL, os_version VARCHAR NOT NULL, arch VARCHAR NOT NULL,
            locale VARCHAR NOT NULL);
        CREATE TABLE events (
            tenant_id UUID NOT NULL, event_id UUID NOT NULL, name VARCHAR NOT NULL, level VARCHAR NOT NULL,
            category VARCHAR NOT NULL, envelope_id INTEGER NOT NULL, session_id UUID NOT NULL, device_id UUID NOT NULL,
            seq BIGINT NOT NULL, time TIMESTAMP NOT NULL, received_at TIMESTAMP NOT NULL, data VARCHAR NOT NULL)
        """;

    private static (double, double, long) Table(List<StoredEvent> events, int commit, bool narrow)
    {
        var folder = Directory.CreateTempSubdirectory("candor-append-cost-").FullName;
        try
        {
            var file = Path.Combine(folder, "probe.duckdb");
            using var db = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = file }.ConnectionString);
            db.Open();
            Run(db, narrow ? Narrow : Wide);
            var keys = new Dictionary<(string, string, string, string, string, string, string, string), int>();
            TimeSpan append = TimeSpan.Zero, committing = TimeSpan.Zero;
            for (var from = 0; from < events.Count; from += commit)
            {
                var cpu = Environment.CpuUsage.TotalTime;
                Run(db, "BEGIN TRANSACTION");
                var count = Math.Min(commit, events.Count - from);
                if (narrow)
                {
                    List<(int, StoredEvent)>? fresh = null;
                    using (var appender = db.CreateAppender("events"))
                    {
                        for (var i = from; i < from + count; i++)
                        {
                            var e = events[i];
                            var tuple = (e.Product, e.AppVersion, e.Sdk, e.DeviceClass, e.Os, e.OsVersion, e.Arch, e.Locale);
                            if (!keys.TryGetValue(tuple, out var key))
                            {
                                keys[tuple] = key = keys.Count;
                                (fresh ??= []).Add((key, e));
                            }

                            appender.CreateRow().AppendValue(e.TenantId).AppendValue(e.EventId).AppendValue(e.Name)
                                .AppendValue(e.Level.ToWire()).AppendValue(e.Category.ToWire()).AppendValue(key)
                                .AppendValue(e.SessionId).AppendValue(e.DeviceId).AppendValue(e.Seq)
                                .AppendValue(e.Time.UtcDateTime).AppendValue(e.ReceivedAt.UtcDateTime).AppendValue(e.Data).EndRow();
                        }
                    }

                    if (fresh is not null)
                    {
                        using var appender = db.CreateAppender("envelopes");
                        foreach (var (key, e) in fresh)
                        {
                            appender.CreateRow().AppendValue(key).AppendValue(e.Product).AppendValue(e.AppVersion).AppendValue(e.Sdk)
                                .AppendValue(e.DeviceClass).AppendValue(e.Os).AppendValue(e.OsVersion).AppendValue(e.Arch).AppendValue(e.Locale).EndRow();
                        }
                    }
                }
                else
                {
                    using var appender = db.CreateAppender("events");
                    for (var i = from; i < from + count; i++)
                    {
                        var e = events[i];
                        appender.CreateRow().AppendValue(e.TenantId).AppendValue(e.EventId).AppendValue(e.Name)
                            .AppendValue(e.Level.ToWire()).AppendValue(e.Category.ToWire()).AppendValue(e.Product)
                            .AppendValue(e.AppVersion).AppendValue(e.Sdk).AppendValue(e.SessionId).AppendValue(e.DeviceId)
                            .AppendValue(e.DeviceClass).AppendValue(e.Os).AppendValue(e.OsVersion).AppendValue(e.Arch)
                            .AppendValue(e.Locale).AppendValue(e.Seq).AppendValue(e.Time.UtcDateTime)
                            .AppendValue(e.ReceivedAt.UtcDateTime).AppendValue(e.Data).EndRow();
                    }
                }

                var appended = Environment.CpuUsage.TotalTime;
                Run(db, "COMMIT");
                append += appended - cpu;
                committing += Environment.CpuUsage.TotalTime - appended;
            }

            Run(db, "CHECKPOINT");
            db.Close();
            return (append.TotalMicroseconds / events.Count, committing.TotalMicroseconds / events.Count, new FileInfo(file).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(double, double, long)> StoreAsync(List<StoredEvent> events, int commit)
    {
        var folder = Directory.CreateTempSubdirectory("candor-append-cost-").FullName;
        try
        {
            long bytes;
            TimeSpan total = TimeSpan.Zero;
            await using (var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder }))
            {
                await store.MigrateAsync();
                for (var from = 0; from < events.Count; from += commit)
                {
                    var slice = events.GetRange(from, Math.Min(commit, events.Count - from));
                    var cpu = Environment.CpuUsage.TotalTime;
                    await store.AppendAsync(slice);
                    total += Environment.CpuUsage.TotalTime - cpu;
                }

                bytes = new FileInfo(store.FilePath).Length;
            }

            return (total.TotalMicroseconds / events.Count, 0, bytes);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Rows like the fleet's: one tenant, 1,000 devices with a few envelope tuples between them, version 7
    /// ids over the last day in time order.</summary>
    private static List<StoredEvent> Make(int rows)
    {
        var rng = new Random(7);
        var tenant = Guid.NewGuid();
        var start = TimeProvider.System.GetUtcNow().AddDays(-1);
        var step = TimeSpan.FromDays(1).TotalMilliseconds / rows;
        string[] products = ["d365.field-service", "d365.sales-mobile", "d365.outlook-addin", "d365.remote-assist"];
        string[] versions = ["9.3.2411.1", "9.3.2410.4", "9.2.2409.7"];
        string[] oses = ["Android", "iOS", "Windows"];
        var devices = Enumerable.Range(0, 1_000).Select(i => (Id: Guid.NewGuid(), Product: products[i % products.Length],
            Version: versions[i % versions.Length], Os: oses[i % oses.Length], OsVersion: (12 + (i % 3)).ToString(CultureInfo.InvariantCulture))).ToArray();
        var received = TimeProvider.System.GetUtcNow();
        var list = new List<StoredEvent>(rows);
        for (var i = 0; i < rows; i++)
        {
            var d = devices[rng.Next(devices.Length)];
            var time = start.AddMilliseconds(i * step);
            list.Add(new StoredEvent
            {
                TenantId = tenant,
                EventId = Guid.CreateVersion7(time),
                Name = "fieldservice.sync.completed",
                Level = DataLevel.Required,
                Category = DataCategory.ProductAndServicePerformance,
                Product = d.Product,
                AppVersion = d.Version,
                Sdk = "candor-dotnet/1.0.0",
                SessionId = Guid.NewGuid(),
                DeviceId = d.Id,
                DeviceClass = "mobile",
                Os = d.Os,
                OsVersion = d.OsVersion,
                Arch = "arm64",
                Locale = "en-GB",
                Seq = i,
                Time = time,
                ReceivedAt = received,
                Data = """{"durationMs":1840,"recordCount":312,"result":"success"}""",
            });
        }

        return list;
    }

    private static void Run(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

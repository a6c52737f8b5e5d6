using System.Globalization;
using Candor.Core.Model;
using Candor.Storage;
using Candor.Storage.DuckDb;
using DuckDB.NET.Data;

/// <summary><c>append-cost [--rows N] [--commit 10000]</c>: where the DuckDB writer's CPU per row goes, and what
/// issue 11's cheaper appends would save. Each variant appends the same N rows (the shape DedupeScale makes: one
/// tenant, 1,000 devices, version 7 ids in time order) into its own fresh DuckDB file in transactions of --commit
/// rows, and reports this process's CPU time per row (DuckDB's threads included) for the appender calls and for the
/// commits apart; the commits include the final CHECKPOINT (or the store's close, which checkpoints), because a
/// higher checkpoint threshold would otherwise only hide work there:
/// <list type="bullet">
/// <item><c>events, 19 values</c>: a table shaped as <c>events</c>, rows appended as the store appends them;</item>
/// <item><c>19 values, UTF-8 spans</c>: the same, every string handed to the appender as UTF-8 bytes (cached while
/// the same instance repeats) instead of a .NET string that DuckDB.NET marshals;</item>
/// <item><c>19 values, ckpt 64MiB</c>, <c>19 values, 1 thread</c>, <c>19, 64MiB, 1 thread</c>: the same with DuckDB's
/// checkpoint_threshold at 64 MiB instead of its default 16, with one DuckDB thread, or both;</item>
/// <item><c>12 values + key</c> (and with the 64 MiB threshold): the same rows with the eight envelope strings
/// (product, app version, sdk, device class, OS, OS version, arch, locale) replaced by one INTEGER key into a table
/// of the distinct tuples (looked up in a dictionary here, its cost counted; new tuples inserted in the same
/// transaction), so what is stored still says exactly what was sent;</item>
/// <item><c>store, ckpt 16MiB</c> and <c>store (ckpt 64MiB)</c>: the store itself (duplicate check, appender,
/// analytics arrivals, commit, close), with DuckDB's old threshold and with the store's default.</item>
/// </list>
/// A probe: the events table keeps its shape.</summary>
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
            Report(last, "19 values, UTF-8 spans", Table(events, commit, narrow: false, utf8: true));
            Report(last, "19 values, ckpt 64MiB", Table(events, commit, narrow: false, setting: Checkpoint64));
            Report(last, "19 values, 1 thread", Table(events, commit, narrow: false, setting: "SET threads = 1"));
            Report(last, "19, 64MiB, 1 thread", Table(events, commit, narrow: false, setting: Checkpoint64 + "; SET threads = 1"));
            Report(last, "12 values + key", Table(events, commit, narrow: true));
            Report(last, "12 + key, ckpt 64MiB", Table(events, commit, narrow: true, setting: Checkpoint64));
            Report(last, "store, ckpt 16MiB", await StoreAsync(events, commit, 16, last));
            Report(last, "store (ckpt 64MiB)", await StoreAsync(events, commit, new DuckDbStoreOptions().CheckpointThresholdMiB, last));
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

    private const string Checkpoint64 = "SET checkpoint_threshold = '64MiB'";

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

    private static (double, double, long) Table(List<StoredEvent> events, int commit, bool narrow, bool utf8 = false, string? setting = null)
    {
        var text = new Utf8Cache();
        var folder = Directory.CreateTempSubdirectory("candor-append-cost-").FullName;
        try
        {
            var file = Path.Combine(folder, "probe.duckdb");
            using var db = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = file }.ConnectionString);
            db.Open();
            Run(db, narrow ? Narrow : Wide);
            if (setting is not null)
            {
                Run(db, setting);
            }
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
                else if (utf8)
                {
                    using var appender = db.CreateAppender("events");
                    for (var i = from; i < from + count; i++)
                    {
                        var e = events[i];
                        appender.CreateRow().AppendValue(e.TenantId).AppendValue(e.EventId).AppendValue(text.Get(0, e.Name))
                            .AppendValue(text.Get(1, e.Level.ToWire())).AppendValue(text.Get(2, e.Category.ToWire())).AppendValue(text.Get(3, e.Product))
                            .AppendValue(text.Get(4, e.AppVersion)).AppendValue(text.Get(5, e.Sdk)).AppendValue(e.SessionId).AppendValue(e.DeviceId)
                            .AppendValue(text.Get(6, e.DeviceClass)).AppendValue(text.Get(7, e.Os)).AppendValue(text.Get(8, e.OsVersion)).AppendValue(text.Get(9, e.Arch))
                            .AppendValue(text.Get(10, e.Locale)).AppendValue(e.Seq).AppendValue(e.Time.UtcDateTime)
                            .AppendValue(e.ReceivedAt.UtcDateTime).AppendValue(text.Get(11, e.Data)).EndRow();
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

            // The checkpoint that the last commits left to do is part of their cost: a higher checkpoint_threshold
            // only moves work here.
            var beforeCheckpoint = Environment.CpuUsage.TotalTime;
            Run(db, "CHECKPOINT");
            committing += Environment.CpuUsage.TotalTime - beforeCheckpoint;
            db.Close();
            return (append.TotalMicroseconds / events.Count, committing.TotalMicroseconds / events.Count, new FileInfo(file).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(double, double, long)> StoreAsync(List<StoredEvent> events, int commit, int checkpointMiB, bool print)
    {
        var folder = Directory.CreateTempSubdirectory("candor-append-cost-").FullName;
        try
        {
            long bytes;
            TimeSpan total = TimeSpan.Zero;
            var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder, CheckpointThresholdMiB = checkpointMiB });
            try
            {
                await store.MigrateAsync();
                for (var from = 0; from < events.Count; from += commit)
                {
                    var slice = events.GetRange(from, Math.Min(commit, events.Count - from));
                    var cpu = Environment.CpuUsage.TotalTime;
                    await store.AppendAsync(slice);
                    total += Environment.CpuUsage.TotalTime - cpu;
                }

            }
            finally
            {
                if (print)
                {
                    var d = store.Dedupe;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  (store: duplicate check {d.CheckTime.TotalMicroseconds / Math.Max(1, d.CheckedRows):F2} µs wall per row)"));
                }

                // Closing checkpoints what the commits left in the write-ahead log: part of their cost.
                var cpu = Environment.CpuUsage.TotalTime;
                await store.DisposeAsync();
                total += Environment.CpuUsage.TotalTime - cpu;
            }

            bytes = new FileInfo(Path.Combine(folder, DuckDbStoreOptions.DefaultFileName)).Length;

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

    /// <summary>The UTF-8 bytes of the last string seen per column, reused while the same instance repeats (as the
    /// reader's envelope cache hands out the same instance for the same value).</summary>
    private sealed class Utf8Cache
    {
        private readonly string?[] _last = new string?[12];
        private readonly byte[][] _bytes = Enumerable.Range(0, 12).Select(_ => new byte[256]).ToArray();
        private readonly int[] _length = new int[12];

        public Span<byte> Get(int column, string value)
        {
            if (!ReferenceEquals(_last[column], value))
            {
                var max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
                if (_bytes[column].Length < max)
                {
                    _bytes[column] = new byte[max];
                }

                _length[column] = System.Text.Encoding.UTF8.GetBytes(value, _bytes[column]);
                _last[column] = value;
            }

            return _bytes[column].AsSpan(0, _length[column]);
        }
    }
}

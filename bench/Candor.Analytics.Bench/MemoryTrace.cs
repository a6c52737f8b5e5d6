using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Candor.Analytics.Health;
using Candor.Analytics.Projection;
using Candor.Analytics.Regressions;
using Candor.Storage;
using Candor.Storage.DuckDb;

namespace Candor.Analytics.Bench;

/// <summary>Where an analytics round's memory goes (issue 11, docs/operations.md "Memory and back-pressure"): every fact is
/// dropped and projected again in the projector's parts, then regression detection runs for every tenant over 30 days, as
/// the collector's round does; each statement of 100 ms or more prints its time, the process's peak resident set while it
/// ran (sampled every 10 ms), and at that peak's sample the .NET GC heap (committed), what glibc's malloc holds from the
/// system (mallinfo2: arenas and mmapped blocks; in use) and the rest (DuckDB's own jemalloc, code and mapped files; the
/// files' share apart). Run on a store kept by <c>bench/ingest-scale.sh --keep DIR</c> (a copy: the facts are replaced).
/// Environment knobs for side-by-side runs: <c>TRACE_MEMORY_MIB</c> (DuckDB's memory limit, default 512),
/// <c>TRACE_PART</c> (the projector's part size), <c>TRACE_SET</c> (DuckDB settings, <c>;</c>-separated, applied first),
/// <c>TRACE_SKIP_PROJECTION=1</c> (detection only, over the facts the store has), <c>TRACE_GROW=N</c> (double the
/// duration facts N times first, with new ids: a larger store's detection) and <c>TRACE_QUANTILE</c> (a function that
/// replaces <c>approx_quantile</c> in detection's queries, e.g. <c>quantile_disc</c>, the exact one it replaced).</summary>
internal static class MemoryTrace
{
    public static async Task RunAsync(TextWriter o, DuckDbStore store, CancellationToken cancellationToken)
    {
        string[] facts =
        [
            "analytics_sessions", "analytics_session_ends", "analytics_crashes", "analytics_feature_failures", "analytics_durations",
            "analytics_commands", "analytics_device_days", "analytics_fingerprints", "analytics_watermark",
        ];
        if (Environment.GetEnvironmentVariable("TRACE_SKIP_PROJECTION") != "1")
        {
            await store.ExecuteAsync([.. facts.Select(t => new SqlStatement($"DELETE FROM {t}"))], cancellationToken);
            await store.QueryAsync(new SqlStatement("CHECKPOINT"), cancellationToken);
        }

        if (Environment.GetEnvironmentVariable("TRACE_GROW") is { Length: > 0 } grow)
        {
            // More duration facts, as a larger store holds: copies with new ids (the same days, versions, operations).
            for (var i = 0; i < int.Parse(grow, CultureInfo.InvariantCulture); i++)
            {
                await store.ExecuteAsync([new SqlStatement("""
                    INSERT INTO analytics_durations (tenant_id, event_id, device_id, product, app_version, device_class, day, operation, duration_ms, received_at)
                    SELECT tenant_id, uuid(), device_id, product, app_version, device_class, day, operation, duration_ms * (0.9 + random() * 0.2), received_at
                    FROM analytics_durations
                    """)], cancellationToken);
            }

            await store.QueryAsync(new SqlStatement("CHECKPOINT"), cancellationToken);
            o.WriteLine($"durations: {(await store.QueryAsync(new SqlStatement("SELECT count(*) FROM analytics_durations"), cancellationToken))[0][0]}");
        }

        if (Environment.GetEnvironmentVariable("TRACE_SET") is { Length: > 0 } set)
        {
            foreach (var setting in set.Split(';'))
            {
                await store.QueryAsync(new SqlStatement("SET " + setting), cancellationToken);
            }
        }

        Trim();
        using var sampler = new Sampler();
        o.WriteLine($"start: {sampler.Now()}");
        var traced = new TracedStore(store, sampler, o);
        var projector = new AnalyticsProjector(traced, int.Parse(Environment.GetEnvironmentVariable("TRACE_PART") ?? "500000", CultureInfo.InvariantCulture));
        var watch = Stopwatch.StartNew();
        sampler.Reset();
        var added = Environment.GetEnvironmentVariable("TRACE_SKIP_PROJECTION") == "1" ? 0 : await projector.RunAsync(cancellationToken);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"projection: {added} facts in {watch.Elapsed.TotalSeconds:F1} s; round peak so far {sampler.RoundPeak >> 20} MiB; now {sampler.Now()}"));
        Trim();
        o.WriteLine($"after trim: {sampler.Now()}");

        var tenants = await store.QueryAsync(new SqlStatement("SELECT DISTINCT tenant_id FROM analytics_device_days"), cancellationToken);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var detector = new RegressionDetector(new HealthQueries(traced), new RegressionOptions());
        watch.Restart();
        foreach (var row in tenants)
        {
            var findings = await detector.DetectAsync(new HealthWindow((Guid)row[0]!, today.AddDays(-29), today), cancellationToken);
            o.WriteLine($"detection of {row[0]}: {findings.Count} findings");
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"detection: {watch.Elapsed.TotalSeconds:F1} s; round peak {sampler.RoundPeak >> 20} MiB; now {sampler.Now()}"));
        Trim();
        o.WriteLine($"after trim: {sampler.Now()}");
        var memory = await store.QueryAsync(new SqlStatement(
            "SELECT tag, memory_usage_bytes >> 20 FROM duckdb_memory() WHERE memory_usage_bytes > 1048576 ORDER BY 2 DESC"), cancellationToken);
        o.WriteLine("duckdb_memory(): " + string.Join(", ", memory.Select(r => $"{r[0]} {r[1]} MiB")));
    }

    private static void Trim()
    {
        GC.Collect();
        MallocTrim(0);
    }

#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo();
#pragma warning restore SYSLIB1054

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    /// <summary>One reading: resident set, GC heap (committed), glibc's malloc (from the system, and in use).</summary>
    private readonly record struct Reading(long Rss, long Gc, long Glibc, long GlibcUsed, long File = 0)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"RSS {Rss >> 20} MiB = GC {Gc >> 20} + glibc {Glibc >> 20} (in use {GlibcUsed >> 20}) + rest {(Rss - Gc - Glibc) >> 20} (of which files {File >> 20})");
    }

    private sealed class Sampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private readonly Lock _gate = new();
        private Reading _peak;

        public long RoundPeak { get; private set; }

        public Sampler()
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "memory sampler" };
            _thread.Start();
        }

        public Reading Now()
        {
            var info = MallInfo();
            var (rss, file) = ReadRss();
            return new Reading(rss, GC.GetGCMemoryInfo().TotalCommittedBytes, (long)(info.Arena + info.Hblkhd), (long)(info.Uordblks + info.Hblkhd), file);
        }

        /// <summary>Starts a statement: the peak reading restarts from now.</summary>
        public void Reset()
        {
            lock (_gate)
            {
                _peak = Now();
            }
        }

        /// <summary>The reading at the highest RSS since <see cref="Reset"/>.</summary>
        public Reading Peak()
        {
            var now = Now();
            lock (_gate)
            {
                if (now.Rss > _peak.Rss)
                {
                    _peak = now;
                }

                RoundPeak = Math.Max(RoundPeak, _peak.Rss);
                return _peak;
            }
        }

        private void Loop()
        {
            while (!_stop)
            {
                var now = Now();
                lock (_gate)
                {
                    if (now.Rss > _peak.Rss)
                    {
                        _peak = now;
                    }
                }

                Thread.Sleep(10);
            }
        }

        private static (long Rss, long File) ReadRss()
        {
            long rss = 0, file = 0;
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }

            return (rss, file);
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }

    /// <summary>The store, with every statement's time and peak memory printed.</summary>
    private sealed class TracedStore(DuckDbStore inner, Sampler sampler, TextWriter o) : IAnalyticsStore
    {
        public SqlDialect Dialect => inner.Dialect;

        public async Task<IReadOnlyList<long>> ExecuteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
        {
            sampler.Reset();
            var watch = Stopwatch.StartNew();
            var result = await inner.ExecuteAsync(statements, cancellationToken);
            Print("exec", statements[0].Sql, watch.Elapsed, result.Sum());
            return result;
        }

        public async Task<IReadOnlyList<object?[]>> QueryAsync(SqlStatement query, CancellationToken cancellationToken = default)
        {
            if (Environment.GetEnvironmentVariable("TRACE_QUANTILE") is { Length: > 0 } quantile)
            {
                query = query with { Sql = query.Sql.Replace("approx_quantile(", quantile + "(", StringComparison.Ordinal) };
            }

            sampler.Reset();
            var watch = Stopwatch.StartNew();
            var result = await inner.QueryAsync(query, cancellationToken);
            Print("query", query.Sql, watch.Elapsed, result.Count);
            return result;
        }

        private void Print(string kind, string sql, TimeSpan elapsed, long rows)
        {
            if (elapsed < TimeSpan.FromMilliseconds(100))
            {
                sampler.Peak();
                return;
            }

            var text = string.Join(' ', sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {kind} {elapsed.TotalMilliseconds,7:F0} ms {rows,9} | peak {sampler.Peak()} | {text[..Math.Min(110, text.Length)]}"));
        }
    }
}

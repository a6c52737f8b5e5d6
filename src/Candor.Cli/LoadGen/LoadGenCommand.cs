using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Candor.Catalog.Compilation;
using Candor.Cli.Catalog;
using Candor.Fleet.Load;
using Candor.Fleet.Simulation;
using Candor.Fleet.Wire;
using Candor.Core.Catalog;

namespace Candor.Cli.LoadGen;

/// <summary><c>candor loadgen</c>: measures a collector with batches of the simulated fleet.</summary>
internal static class LoadGenCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = "The collector's base URL, e.g. http://127.0.0.1:5080; several collectors of a cluster separated by commas (senders are spread over them, and a failed batch moves to the next).",
            Required = true,
        };
        var retries = new Option<int>("--retries")
        {
            Description = "How often one batch is retried after 429/503 or a connection failure (0 to 10000).",
            DefaultValueFactory = _ => 5,
        };
        var key = new Option<string>("--key") { Description = "An ingestion key of the tenant to load.", Required = true };
        var events = new Option<long>("--events")
        {
            Description = "How many events to send (at most 10000000 prepared, 1000000000 with --stream).",
            DefaultValueFactory = _ => 100_000,
        };
        var stream = new Option<bool>("--stream")
        {
            Description = "Generate the batches while sending (a producer feeding the senders through a bounded queue) instead of " +
                "preparing them all in memory first, and report the rate per slice of --slice events: for runs of any size.",
        };
        var days = new Option<int>("--days")
        {
            Description = "With --stream: the days of event time the events spread over, ending now (1 to 30).",
            DefaultValueFactory = _ => 10,
        };
        var slice = new Option<long>("--slice")
        {
            Description = "With --stream: report the rate every this many answered events.",
            DefaultValueFactory = _ => 1_000_000,
        };
        var concurrency = new Option<int>("--concurrency") { Description = "How many senders post at the same time.", DefaultValueFactory = _ => 4 };
        var endAt = new Option<string?>("--end")
        {
            Description = "When the simulated period ends, ISO 8601 (e.g. 2026-11-30T12:00Z). Default: a minute ago. The collector " +
                "refuses events older than its acceptance window (30 days) or later than its clock.",
        };
        var batch = new Option<int>("--batch") { Description = "Events per batch (at most 500).", DefaultValueFactory = _ => 500 };
        var seed = new Option<int>("--seed")
        {
            Description = "The fleet's seed. The same seed sends the same event ids, so a repeated run measures duplicate handling.",
            DefaultValueFactory = _ => 1,
        };
        var gzip = new Option<bool>("--gzip") { Description = "Compress the batches with gzip (before the clock starts)." };
        var timeLimit = new Option<int>("--time-limit")
        {
            Description = "Stop sending after this many seconds (at most 2 hours, 24 hours with --stream).",
            DefaultValueFactory = _ => 300,
        };
        var ids = new Option<string>("--ids")
        {
            Description = "Event ids the fleet makes: v7 (time-ordered, as the SDK) or v4 (random, as older clients).",
            DefaultValueFactory = _ => "v7",
        };
        ids.AcceptOnlyFromAmong("v7", "v4");
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var otlp = new Option<bool>("--otlp")
        {
            Description = "Send the same events to /v1/logs as OTLP protobuf (converted before the clock starts) instead of /v1/events; accepted then counts duplicates too.",
        };
        var family = CatalogCommands.FamilyOption();
        var catalogPath = new Option<string?>("--catalog") { Description = "The catalog folder (default: ./catalog/FAMILY)." };
        var command = new Command("loadgen",
            "Send batches of the simulated fleet (pre-generated, or generated while sending with --stream) to a collector with " +
            "concurrent senders and report throughput, accepted/duplicate/rejected totals and latency per batch. Stops by itself " +
            "(event count and time limit).")
        {
            url, key, retries, events, stream, days, slice, concurrency, batch, seed, ids, gzip, timeLimit, json, otlp, family, catalogPath, endAt,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var collectors = new List<Uri>();
            foreach (var one in parse.GetValue(url)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(one, UriKind.Absolute, out var parsed))
                {
                    throw new CliException($"--url '{one}' is not an absolute URL.", 2);
                }

                collectors.Add(parsed);
            }

            if (collectors.Count == 0)
            {
                throw new CliException("--url must name a collector.", 2);
            }

            var baseUrl = collectors[0];

            var options = new LoadOptions
            {
                Url = baseUrl,
                MoreUrls = collectors[1..],
                MaxRetries = parse.GetValue(retries),
                Key = parse.GetValue(key)!,
                Events = parse.GetValue(events),
                Concurrency = parse.GetValue(concurrency),
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
                Ids = parse.GetValue(ids) == "v4" ? EventIdKind.V4 : EventIdKind.V7,
                Gzip = parse.GetValue(gzip),
                Otlp = parse.GetValue(otlp),
                TimeLimit = TimeSpan.FromSeconds(parse.GetValue(timeLimit)),
                Stream = parse.GetValue(stream),
                Days = parse.GetValue(days),
                SliceEvents = parse.GetValue(slice),
            };
            var errors = options.Validate();
            if (errors.Count > 0)
            {
                throw new CliException(string.Join(" ", errors), 2);
            }

            var compiled = CatalogCompiler.Compile(CatalogCommands.LoadClean(parse.GetValue(catalogPath) ?? CliRunner.FamilyFolder(parse.GetValue(family)!)));
            var time = TimeProvider.System;

            // By default the simulated period ends a minute ago, so no event is in the collector's future.
            var now = time.GetUtcNow();
            var end = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-1);
            if (parse.GetValue(endAt) is { } given)
            {
                end = DateTimeOffset.TryParse(given, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsedEnd)
                    ? parsedEnd.ToUniversalTime()
                    : throw new CliException($"--end '{given}' is not a time (ISO 8601, e.g. 2026-11-30T12:00Z).", 2);
            }
            var quiet = parse.GetValue(json);
            LoadReport report;
            if (options.Stream)
            {
                report = await StreamAsync(compiled, options, end, quiet, time, cancellationToken);
            }
            else
            {
                var preparing = Stopwatch.StartNew();
                var batches = LoadGenerator.Prepare(compiled, options, end);
                preparing.Stop();
                if (!quiet)
                {
                    var bytes = batches.Sum(b => (long)b.Body.Length);
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Prepared {options.Events} events in {batches.Count} batches ({bytes / 1048576.0:F1} MiB{(options.Gzip ? " gzip" : "")}) in {preparing.Elapsed.TotalSeconds:F1} s; sending to {string.Join(",", collectors)} with {options.Concurrency} sender(s)..."));
                }

                report = await new LoadGenerator(options, time).RunAsync(batches, preparing.Elapsed.TotalSeconds, cancellationToken: cancellationToken);
            }

            if (quiet)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(Json(report, options, string.Join(",", collectors)), options.Stream ? JsonLines : JsonOptions));
            }
            else
            {
                Print(report, options);
            }

            if (report.TimedOut)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"candor: the time limit of {options.TimeLimit.TotalSeconds:F0} s stopped the run after {report.BatchesSent} of {report.Batches} batches."));
                return 1;
            }

            if (report.BatchesFailed > 0)
            {
                await Console.Error.WriteLineAsync($"candor: {report.BatchesFailed} batch(es) failed; first error: {report.FirstError}");
                return 1;
            }

            if (report.EventsPrepared < options.Events)
            {
                await Console.Error.WriteLineAsync($"candor: the simulated fleet ran out after {report.EventsPrepared} of {options.Events} events.");
                return 1;
            }

            return 0;
        });
        return command;
    }

    /// <summary>A streamed run: the fleet sized for the count over the days, its batches generated while they are
    /// sent, a line (or a JSON object a line with --json) per slice.</summary>
    private static async Task<LoadReport> StreamAsync(CompiledCatalog catalog, LoadOptions options, DateTimeOffset end, bool quiet,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var sizing = Stopwatch.StartNew();
        var fleetOptions = LoadGenerator.StreamFleet(catalog, options, end);
        var fleet = new FleetSimulator(catalog, fleetOptions);
        if (!quiet)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Streaming {options.Events:N0} events of {fleetOptions.Devices:N0} simulated devices over the {options.Days} days to {end:yyyy-MM-dd HH:mm}Z (ids {(options.Ids == EventIdKind.V4 ? "v4" : "v7")}, fleet sized in {sizing.Elapsed.TotalSeconds:F1} s) to {options.Url} with {options.Concurrency} sender(s), batches of {options.BatchSize}{(options.Gzip ? ", gzip" : "")}..."));
        }

        // The load generator's own CPU per event, per slice: streaming costs it on the same cores as the collector.
        var cpu = Environment.CpuUsage.TotalTime;
        void OnSlice(LoadSlice s)
        {
            var cpuNow = Environment.CpuUsage.TotalTime;
            var cpuPerEvent = (cpuNow - cpu).TotalMicroseconds / Math.Max(1, s.ToEvents - s.FromEvents);
            cpu = cpuNow;
            var waitShare = s.Batches == 0 ? 0 : (double)s.QueueWaits / s.Batches;
            if (quiet)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    type = "slice",
                    slice = s.Index,
                    fromEvents = s.FromEvents,
                    toEvents = s.ToEvents,
                    seconds = Math.Round(s.Seconds, 3),
                    eventsPerSecond = Math.Round(s.EventsPerSecond, 1),
                    accepted = s.Accepted,
                    duplicates = s.Duplicates,
                    rejected = s.Rejected,
                    elapsedSeconds = Math.Round(s.ElapsedSeconds, 3),
                    batches = s.Batches,
                    queueWaits = s.QueueWaits,
                    loadgenCpuMicrosPerEvent = Math.Round(cpuPerEvent, 2),
                }, JsonLines));
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"slice {s.Index,4}: events {s.FromEvents,13:N0} - {s.ToEvents,13:N0} {s.EventsPerSecond,10:N0} events/s (accepted {s.Accepted:N0}, duplicates {s.Duplicates:N0}, rejected {s.Rejected:N0}; senders waited for the generator on {waitShare:P0} of batches; generator CPU {cpuPerEvent:F1} µs/event; {s.ElapsedSeconds:F0} s)"));
            }
        }

        return await new LoadGenerator(options, time).StreamAsync(BatchWriter.Batches(fleet), OnSlice, cancellationToken: cancellationToken);
    }

    private static object Json(LoadReport report, LoadOptions options, string urls) => new
    {
        type = options.Stream ? "report" : "run",
        url = urls,
        events = report.EventsPrepared,
        eventsSent = report.EventsSent,
        batches = report.Batches,
        batchesSent = report.BatchesSent,
        batchesFailed = report.BatchesFailed,
        concurrency = options.Concurrency,
        gzip = options.Gzip,
        otlp = options.Otlp,
        stream = options.Stream,
        prepareSeconds = Math.Round(report.PrepareSeconds, 3),
        seconds = Math.Round(report.Seconds, 3),
        eventsPerSecond = Math.Round(report.EventsPerSecond, 1),
        accepted = report.Accepted,
        duplicates = report.Duplicates,
        rejected = report.Rejected,
        rejectionCodes = report.RejectionCodes,
        statuses = report.Statuses.ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value),
        retries = report.Retries,
        latencyMs = new
        {
            p50 = Math.Round(report.LatencyP50Ms, 2),
            p90 = Math.Round(report.LatencyP90Ms, 2),
            p99 = Math.Round(report.LatencyP99Ms, 2),
            max = Math.Round(report.LatencyMaxMs, 2),
        },
        timedOut = report.TimedOut,
        firstError = report.FirstError,
    };

    private static void Print(LoadReport r, LoadOptions options)
    {
        var o = Console.Out;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sent {r.EventsSent} events in {r.BatchesSent} batches in {r.Seconds:F2} s: {r.EventsPerSecond:F0} events/s ({options.Concurrency} sender(s), batches of {options.BatchSize}{(options.Gzip ? ", gzip" : "")}{(options.Otlp ? ", OTLP to /v1/logs" : "")})."));
        o.WriteLine($"accepted {r.Accepted}, duplicates {r.Duplicates}, rejected {r.Rejected}" +
            (r.RejectionCodes.Count > 0 ? " (" + string.Join(", ", r.RejectionCodes.Select(c => $"{c.Key}: {c.Value}")) + ")" : ""));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency per batch: p50 {r.LatencyP50Ms:F1} ms, p90 {r.LatencyP90Ms:F1} ms, p99 {r.LatencyP99Ms:F1} ms, max {r.LatencyMaxMs:F1} ms"));
        if (r.Retries > 0 || r.BatchesFailed > 0)
        {
            o.WriteLine($"retries {r.Retries}, failed batches {r.BatchesFailed}; statuses: " +
                string.Join(", ", r.Statuses.Select(s => $"{s.Key}: {s.Value}")));
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>One JSON object a line, for the streamed run's slices and report.</summary>
    private static readonly JsonSerializerOptions JsonLines = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}

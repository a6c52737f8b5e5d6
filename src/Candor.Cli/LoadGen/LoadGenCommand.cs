using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Candor.Catalog.Compilation;
using Candor.Cli.Catalog;
using Candor.Fleet.Load;
using Candor.Fleet.Simulation;

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
        var events = new Option<long>("--events") { Description = "How many events to send (at most 10000000).", DefaultValueFactory = _ => 100_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "How many senders post at the same time.", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch") { Description = "Events per batch (at most 500).", DefaultValueFactory = _ => 500 };
        var seed = new Option<int>("--seed")
        {
            Description = "The fleet's seed. The same seed sends the same event ids, so a repeated run measures duplicate handling.",
            DefaultValueFactory = _ => 1,
        };
        var gzip = new Option<bool>("--gzip") { Description = "Compress the batches with gzip (before the clock starts)." };
        var timeLimit = new Option<int>("--time-limit")
        {
            Description = "Stop sending after this many seconds.",
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
            "Send pre-generated batches of the simulated fleet to a collector with concurrent senders and report throughput, " +
            "accepted/duplicate/rejected totals and latency per batch. Stops by itself (event count and time limit).")
        {
            url, key, retries, events, concurrency, batch, seed, ids, gzip, timeLimit, json, otlp, family, catalogPath,
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
            };
            var errors = options.Validate();
            if (errors.Count > 0)
            {
                throw new CliException(string.Join(" ", errors), 2);
            }

            var compiled = CatalogCompiler.Compile(CatalogCommands.LoadClean(parse.GetValue(catalogPath) ?? CliRunner.FamilyFolder(parse.GetValue(family)!)));
            var time = TimeProvider.System;

            // The simulated week ends a minute ago, so no event is in the collector's future.
            var now = time.GetUtcNow();
            var end = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-1);
            var preparing = Stopwatch.StartNew();
            var batches = LoadGenerator.Prepare(compiled, options, end);
            preparing.Stop();
            var quiet = parse.GetValue(json);
            if (!quiet)
            {
                var bytes = batches.Sum(b => (long)b.Body.Length);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Prepared {options.Events} events in {batches.Count} batches ({bytes / 1048576.0:F1} MiB{(options.Gzip ? " gzip" : "")}) in {preparing.Elapsed.TotalSeconds:F1} s; sending to {string.Join(",", collectors)} with {options.Concurrency} sender(s)..."));
            }

            var report = await new LoadGenerator(options, time).RunAsync(batches, preparing.Elapsed.TotalSeconds, cancellationToken: cancellationToken);
            if (quiet)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    url = string.Join(",", collectors),
                    events = report.EventsPrepared,
                    eventsSent = report.EventsSent,
                    batches = report.Batches,
                    batchesSent = report.BatchesSent,
                    batchesFailed = report.BatchesFailed,
                    concurrency = options.Concurrency,
                    gzip = options.Gzip,
                    otlp = options.Otlp,
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
                }, JsonOptions));
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

            return 0;
        });
        return command;
    }

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
}

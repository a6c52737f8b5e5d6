using System.CommandLine;
using System.Globalization;
using Candor.Server.Cluster;
using Candor.Server.Stores;
using Candor.Storage.Postgres;
using Microsoft.Extensions.Logging;

namespace Candor.Cli.Load;

/// <summary><c>candor load</c>: the loader of cluster mode. Reads the ingest log (the JetStream stream the collectors
/// append to) through the shared durable consumer and stores the events in PostgreSQL in large batches, acknowledging
/// them only after the commit; runs until Ctrl+C or SIGTERM. Run as many as needed (docs/operations.md, "Cluster").</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "The PostgreSQL store: postgres://user@host:5432/db.", Required = true };
        var log = new Option<string>("--log") { Description = "The NATS servers of the ingest log: nats://host:port[,nats://host:port...].", Required = true };
        var batch = new Option<int>("--batch") { Description = "The most events one PostgreSQL transaction stores (100 to 50000).", DefaultValueFactory = _ => 5_000 };
        var workers = new Option<int>("--workers") { Description = "Loader loops in this process (1 to 16), each with its own transaction.", DefaultValueFactory = _ => 1 };
        var ackWait = new Option<int>("--ack-wait")
        {
            Description = "Seconds a fetched batch may stay unacknowledged before another loader gets it (5 to 3600).",
            DefaultValueFactory = _ => 60,
        };
        var command = new Command("load",
            "Run a loader of cluster mode: move events from the ingest log (NATS JetStream) into PostgreSQL, exactly once, until stopped.")
        {
            store, log, batch, workers, ackWait,
        };
        command.SetAction(async (parse, ct) =>
        {
            var storeValue = parse.GetValue(store)!;
            var errors = new List<string>();
            if (!StoreFactory.IsPostgres(storeValue))
            {
                errors.Add("--store must be a PostgreSQL URL (postgres://...) or connection string (Host=...).");
            }

            var servers = IngestLogOptions.ParseServers(parse.GetValue(log)!);
            if (servers.Count == 0)
            {
                errors.Add("--log must name at least one NATS server.");
            }

            var options = new LoaderOptions
            {
                BatchSize = parse.GetValue(batch),
                AckWait = TimeSpan.FromSeconds(parse.GetValue(ackWait)),
            };
            if (options.BatchSize is < 100 or > 50_000)
            {
                errors.Add("--batch must be between 100 and 50000.");
            }

            var count = parse.GetValue(workers);
            if (count is < 1 or > 16)
            {
                errors.Add("--workers must be between 1 and 16.");
            }

            if (options.AckWait < TimeSpan.FromSeconds(5) || options.AckWait > TimeSpan.FromHours(1))
            {
                errors.Add("--ack-wait must be between 5 and 3600 seconds.");
            }

            if (errors.Count > 0)
            {
                throw new CliException(string.Join(" ", errors), 2);
            }

            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
            }).SetMinimumLevel(LogLevel.Information));
            var logger = loggers.CreateLogger("Candor.Loader");

            await using var postgres = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = StoreFactory.ToConnectionString(storeValue) }, ct);
            try
            {
                await postgres.MigrateAsync(ct);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                throw new CliException($"cannot reach the PostgreSQL store: {ex.Message}");
            }

            IngestLog ingestLog;
            try
            {
                ingestLog = await IngestLog.ConnectAsync(new IngestLogOptions { Servers = servers }, "candor-loader", ct);
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message);
            }

            await using (ingestLog)
            {
                var loaders = new List<LogLoader>();
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        var loader = new LogLoader(ingestLog.JetStream, postgres, options, logger);
                        loaders.Add(loader);
                        await loader.StartAsync(ct);
                    }

                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Candor loader: {count} loop(s) moving {IngestLogOptions.StreamName} from {string.Join(",", servers)} into PostgreSQL (press Ctrl+C to stop)"));
                    await Console.Out.FlushAsync(ct);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                finally
                {
                    foreach (var loader in loaders)
                    {
                        await loader.DisposeAsync();
                    }
                }

                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Candor loader stopped: stored {loaders.Sum(l => l.Stored)}, duplicates {loaders.Sum(l => l.Duplicates)}, malformed {loaders.Sum(l => l.Malformed)}"));
            }

            return 0;
        });
        return command;
    }
}

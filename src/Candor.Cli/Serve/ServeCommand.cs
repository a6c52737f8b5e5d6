using System.CommandLine;
using Candor.Server;
using Candor.Server.Configuration;
using Candor.Server.Stores;
using Microsoft.Extensions.Configuration;

namespace Candor.Cli.Serve;

/// <summary><c>candor serve</c>: runs the collector until Ctrl+C or SIGTERM. Settings come from a JSON file
/// (<c>--config</c>), <c>CANDOR_*</c> environment variables and flags, in rising precedence; every invalid
/// setting is reported at once.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "The data folder; the embedded store is candor.duckdb in it. Default: ./candor-data." };
        var store = new Option<string?>("--store") { Description = "duckdb (default) or a PostgreSQL URL: postgres://user@host:5432/db." };
        var log = new Option<string?>("--log")
        {
            Description = "Cluster mode: the NATS JetStream servers of the ingest log, nats://host:port[,...]; batches are acknowledged once in the log and `candor load` stores them (needs --store postgres://...).",
        };
        var urls = new Option<string?>("--urls") { Description = "Where to listen. Default: http://127.0.0.1:5080 (port 0 picks a free port); https URLs need --tls-cert and --tls-key." };
        var config = new Option<string?>("--config") { Description = "A JSON settings file (keys: docs/operations.md)." };
        var catalogs = new Option<string?>("--catalogs") { Description = "The catalogs root: catalog folders to compile, or compiled *.json. Default: $CANDOR_HOME/catalog." };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "Serve the https URLs with this PEM certificate (intermediates after it); reloaded when it changes." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "The PEM private key of --tls-cert (unencrypted; keep it 0600)." };
        var logFormat = new Option<string?>("--log-format") { Description = "text (default) or json (structured, one object a line)." };
        var command = new Command("serve", "Run the Candor collector: ingestion, policy, tenants, fleet health analytics, liveness and readiness probes, and metrics.")
        {
            data, store, log, urls, config, catalogs, logFormat, tlsCert, tlsKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            void Flag(Option<string?> option, string key)
            {
                if (parse.GetValue(option) is { } value)
                {
                    flags[key] = value;
                }
            }

            Flag(data, "Data");
            Flag(store, "Store");
            Flag(log, "Log:Servers");
            Flag(urls, "Urls");
            Flag(logFormat, "LogFormat");
            Flag(tlsCert, "Tls:CertificatePath");
            Flag(tlsKey, "Tls:KeyPath");
            var options = ReadOptions(parse.GetValue(config), flags, parse.GetValue(catalogs));
            await using var server = await StartAsync(options, ct);
            Console.Out.WriteLine($"Candor collector listening on {server.Address} (store: {Describe(options)}; press Ctrl+C to stop)");
            await Console.Out.FlushAsync(ct);
            await server.WaitForShutdownAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    /// <summary>Builds the options from the file, the environment and the flags, and adds the catalogs compiled
    /// from the catalogs root. Throws <see cref="CliException"/> listing every problem.</summary>
    internal static CandorServerOptions ReadOptions(string? configFile, IDictionary<string, string?> flags, string? catalogsRoot)
    {
        var errors = new List<string>();
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new CliException($"{configFile}: the settings file does not exist.", 2);
            }

            try
            {
                var file = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(configFile), optional: false).Build();
                OptionsReader.CheckKnownKeys(file, configFile, errors);
            }
            catch (InvalidDataException ex)
            {
                throw new CliException($"{configFile}: not a valid JSON settings file: {ex.InnerException?.Message ?? ex.Message}", 2);
            }

            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.AddEnvironmentVariables("CANDOR_");
        builder.AddInMemoryCollection(flags);
        var options = OptionsReader.Read(builder.Build(), errors);
        var root = catalogsRoot ?? options.CatalogRoot ?? CliRunner.CatalogRoot;
        options.CatalogRoot = ServerCatalogs.HasCompiledFiles(root) ? root : null;
        if (errors.Count > 0)
        {
            throw new CliException("the settings are invalid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors), 2);
        }

        foreach (var catalog in ServerCatalogs.Compile(root))
        {
            options.Catalogs.Add(catalog);
        }

        return options;
    }

    /// <summary>Starts a collector, turning configuration and store errors into one-line CLI errors.</summary>
    internal static async Task<CandorServerHandle> StartAsync(CandorServerOptions options, CancellationToken ct)
    {
        try
        {
            return await CandorServer.StartAsync(options, ct);
        }
        catch (CandorConfigurationException ex)
        {
            throw new CliException(ex.Message, 2);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (IOException ex) when (ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"cannot listen on {options.Urls}: {ex.Message}");
        }
    }

    internal static string Describe(CandorServerOptions options) =>
        StoreFactory.IsPostgres(options.Store)
            ? options.Log is null ? "postgres" : "postgres behind the ingest log " + options.Log
            : "duckdb " + StoreFactory.DuckDbPath(options);
}

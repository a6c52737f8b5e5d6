using Candor.Server.Access;
using Candor.Server.Admin;
using Candor.Server.Analytics;
using Candor.Server.Catalogs;
using Candor.Server.Cluster;
using Candor.Server.Console;
using Candor.Server.Hosting.Tls;
using Candor.Server.Http;
using Candor.Server.Ingestion;
using Candor.Server.Operations;
using Candor.Server.Policy;
using Candor.Server.Stores;
using Candor.Server.Tenants;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Candor.Server;

/// <summary>Starts a Candor collector in this process: Kestrel on the configured URL, the store opened (and
/// migrated) from the options, the catalogs loaded. This is how <c>candor serve</c>, <c>candor demo</c> and the
/// tests run it.</summary>
public static class CandorServer
{
    /// <summary>Validates the options, opens the store, loads the catalogs and starts listening.</summary>
    /// <returns>A handle with the bound address; dispose it to stop the collector and close the store.</returns>
    /// <exception cref="CandorConfigurationException">The options are invalid; every problem is listed.</exception>
    public static async Task<CandorServerHandle> StartAsync(CandorServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.Validate());
        var catalogs = CatalogRegistry.Create(options.Catalogs, options.CatalogRoot, errors);
        if (errors.Count > 0)
        {
            throw new CandorConfigurationException(errors);
        }

        var store = await StoreFactory.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            return await StartWithStoreAsync(options, catalogs, store, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a tenant in the store of <paramref name="options"/> without starting a collector (the data
    /// folder must not be held by a running one). The family must be one of the options' catalogs.</summary>
    /// <exception cref="ArgumentException">The name is empty or the family has no catalog.</exception>
    /// <exception cref="InvalidOperationException">A tenant of that name exists.</exception>
    public static async Task<TenantCredentials> CreateTenantAsync(CandorServerOptions options, string name, string family,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var catalogs = CatalogRegistry.Create(options.Catalogs, options.CatalogRoot, errors);
        await using var store = await StoreFactory.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var tenants = new TenantService(store, options.TimeProvider, f => catalogs.TryGet(f, out _));
        return await tenants.CreateAsync(name, family, "cli", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The metrics URL of an OTLP/HTTP endpoint: a base such as <c>http://collector:4318</c> gets the
    /// standard <c>/v1/metrics</c> path; a URL that already names a path is used as given.</summary>
    internal static Uri OtlpMetricsUri(string endpoint)
    {
        var uri = new Uri(endpoint);
        return uri.AbsolutePath is "" or "/" ? new Uri(uri, "/v1/metrics") : uri;
    }

    internal static async Task<CandorServerHandle> StartWithStoreAsync(CandorServerOptions options, CatalogRegistry catalogs, ICandorStore store,
        CancellationToken cancellationToken)
    {
        // Cluster mode: batches are acknowledged once in the replicated ingest log (Cluster/, docs/operations.md).
        var log = options.Log is null
            ? null
            : await IngestLog.ConnectAsync(IngestLogOptions.From(options), "candor-collector", cancellationToken).ConfigureAwait(false);
        try
        {
            return await StartWithLogAsync(options, catalogs, store, log, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (log is not null)
            {
                await log.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task<CandorServerHandle> StartWithLogAsync(CandorServerOptions options, CatalogRegistry catalogs, ICandorStore store,
        IngestLog? log, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The ingestion endpoint enforces its own limits with problem details; Kestrel's must not be lower.
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxCompressedBytes + 1, 1024 * 1024);

            // A body trickled in slower than this holds a connection and a buffer for nothing (the total time is
            // bounded by the ingestion endpoints themselves: Limits:MaxBodySeconds).
            kestrel.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(
                options.MinBodyBytesPerSecond, TimeSpan.FromSeconds(5));
        });
        builder.AddTransportSecurity(options);
        ConfigureLogging(builder.Logging, options);
        var metrics = new CandorMetrics();
        var rateLimiter = new TenantRateLimiter(options.RateLimitEventsPerSecond, options.MaxEventsPerBatch);
        builder.Services.AddCollector(options, catalogs, store, metrics, rateLimiter, log);
        builder.AddCandorConsole();
        // The generator fills 'servers' from the request's Host and scheme; a document that echoes a header the client
        // chose can be cached by a proxy and served to others with an attacker's host in it. Clients resolve the
        // paths against the URL they fetched the document from.
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = [];
            return Task.CompletedTask;
        }));
        if (options.OtlpEndpoint is { } otlp)
        {
            // OTLP over HTTP (protobuf), the transport every collector and vendor accepts without HTTP/2. The
            // provider exports every minute and once more when the server stops, so no count is lost at shutdown.
            builder.Services.AddOpenTelemetry().WithMetrics(m => m
                .AddMeter(CandorMetrics.MeterName)
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = OtlpMetricsUri(otlp);
                }));
        }

        var app = builder.Build();
        app.UseTransportSecurity(options);
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            await Problems.WriteAsync(context.HttpContext, status, Problems.CodeFor(status), Problems.Title(status) + ".");
        });

        // Authentication runs only for endpoints whose policy names a scheme (none is the default), so the
        // ingestion path, which declares no authorisation, passes through both.
        app.UseAuthenticationThrottle();
        app.UseAuthentication();
        app.UseAuthorization();
        IngestEndpoint.Map(app);
        Otlp.OtlpLogsEndpoint.Map(app);
        PolicyEndpoints.Map(app);
        AdminEndpoints.Map(app);
        OperatorEndpoints.Map(app);
        ProbeEndpoints.Map(app);
        AnalyticsEndpoints.Map(app);
        app.MapCandorConsole();
        app.MapOpenApi();

        var writer = app.Services.GetRequiredService<GroupCommitWriter>();
        metrics.ObserveQueue(() => writer.Depth);
        if (log is not null)
        {
            await log.EnsureStreamAsync(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server.Cluster"), cancellationToken)
                .ConfigureAwait(false);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = new Uri(addresses.First());
        return new CandorServerHandle(app, address);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, CandorServerOptions options)
    {
        logging.ClearProviders();
        if (options.LogFormat == "json")
        {
            logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
            });
        }

        logging.SetMinimumLevel(options.LogLevel);
        // ASP.NET Core's own request logs are quiet by default: they add nothing the metrics do not give.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        options.ConfigureLogging?.Invoke(logging);
    }
}

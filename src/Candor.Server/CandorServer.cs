using Candor.Core.Privacy;
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
        });
        ConfigureLogging(builder.Logging, options);
        var time = options.TimeProvider;
        var metrics = new CandorMetrics();
        var credentials = new CredentialResolver(store, time, TimeSpan.FromSeconds(options.CacheSeconds));
        var policies = new PolicyService(store, catalogs, time, TimeSpan.FromSeconds(options.CacheSeconds));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<ICandorStore>(store);
        builder.Services.AddSingleton(catalogs);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(policies);
        builder.Services.AddSingleton(new Otlp.OtlpMetrics(metrics));
        builder.Services.AddSingleton(sp => new Collector
        {
            Options = options,
            Store = store,
            Catalogs = catalogs,
            Credentials = credentials,
            Policies = policies,
            Tenants = new TenantService(store, time, f => catalogs.TryGet(f, out _), credentials),
            Writer = new GroupCommitWriter(store, options.WriteQueueCapacity, options.MaxEventsPerCommit, metrics,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server.Ingestion")),
            Metrics = metrics,
            Limits = new IngestionLimits
            {
                MaxCompressedBytes = options.MaxCompressedBytes,
                MaxDecompressedBytes = options.MaxDecompressedBytes,
                MaxEventsPerBatch = options.MaxEventsPerBatch,
                MaxEventAge = TimeSpan.FromDays(options.MaxEventAgeDays),
                MaxClockSkew = TimeSpan.FromSeconds(options.MaxClockSkewSeconds),
            },
            Pii = new PiiGuard(),
            RateLimiter = new TenantRateLimiter(options.RateLimitEventsPerSecond),
            Time = time,
            Logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server"),
        });
        builder.Services.AddSingleton(sp => new RetentionJob(store, policies, catalogs, time,
            TimeSpan.FromMinutes(options.RetentionIntervalMinutes), sp.GetRequiredService<ILogger<RetentionJob>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionJob>());
        if (store is IAnalyticsStore analyticsStore)
        {
            builder.Services.AddSingleton(sp => new Analytics.AnalyticsService(analyticsStore, store, time, TimeSpan.FromMinutes(1),
                sp.GetRequiredService<ILogger<Analytics.AnalyticsService>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Analytics.AnalyticsService>());
        }
        builder.Services.AddOpenApi();
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
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            await Http.Problems.WriteAsync(context.HttpContext, status, Http.Problems.CodeFor(status), Http.Problems.Title(status) + ".");
        });
        IngestEndpoint.Map(app);
        Otlp.OtlpLogsEndpoint.Map(app);
        PolicyEndpoints.Map(app);
        Admin.AdminEndpoints.Map(app);
        OperatorEndpoints.Map(app);
        HealthEndpoints.Map(app);
        Analytics.AnalyticsEndpoints.Map(app);
        app.MapOpenApi();

        var collector = app.Services.GetRequiredService<Collector>();
        metrics.ObserveQueue(() => collector.Writer.Depth);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = new Uri(addresses.First());
        return new CandorServerHandle(app, collector, address);
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

/// <summary>A running collector. Thread-safe.</summary>
public sealed class CandorServerHandle : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Collector _collector;
    private int _disposed;

    internal CandorServerHandle(WebApplication app, Collector collector, Uri address)
    {
        _app = app;
        _collector = collector;
        Address = address;
    }

    /// <summary>The address Kestrel bound (the real port when the options asked for port 0).</summary>
    public Uri Address { get; }

    internal Collector Collector => _collector;

    internal IServiceProvider Services => _app.Services;

    /// <summary>Creates a tenant in this collector's store; the family must be one of its catalogs.</summary>
    /// <exception cref="ArgumentException">The name is empty or the family has no catalog.</exception>
    /// <exception cref="InvalidOperationException">A tenant of that name exists.</exception>
    public Task<TenantCredentials> CreateTenantAsync(string name, string family, CancellationToken cancellationToken = default) =>
        _collector.Tenants.CreateAsync(name, family, "operator", cancellationToken);

    /// <summary>Completes when the collector is asked to stop (for example by SIGTERM or Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening, writes the batches already queued, and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _collector.Writer.DisposeAsync().ConfigureAwait(false);
            _collector.RateLimiter.Dispose();
            await _app.DisposeAsync().ConfigureAwait(false);
            await _collector.Store.DisposeAsync().ConfigureAwait(false);
            _collector.Metrics.Dispose();
        }
    }
}

using Candor.Analytics.Alerts;
using Candor.Core.Privacy;
using Candor.Server.Access;
using Candor.Server.Analytics;
using Candor.Server.Catalogs;
using Candor.Server.Cluster;
using Candor.Server.Ingestion;
using Candor.Server.Operations;
using Candor.Server.Otlp;
using Candor.Server.TenantPolicies;
using Candor.Server.Tenants;
using Candor.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Candor.Server;

/// <summary>The services of one running collector, each registered once with its typed dependencies: the shared
/// services (catalogs, credentials and roles, tenant policies, the audit log) that every feature may take, and each
/// feature's own. The store, the catalogs, the metrics and the rate limiter are created by the caller, which owns
/// their disposal (<see cref="CandorServerHandle"/>), and so is the ingest log's connection in cluster mode.</summary>
internal static class CollectorServices
{
    public static IServiceCollection AddCollector(this IServiceCollection services, CandorServerOptions options, CatalogRegistry catalogs,
        ICandorStore store, CandorMetrics metrics, TenantRateLimiter rateLimiter, IngestLog? log = null)
    {
        var time = options.TimeProvider;
        var cacheTtl = TimeSpan.FromSeconds(options.CacheSeconds);

        // Shared services.
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(store);
        services.AddSingleton(catalogs);
        var throttle = new AuthenticationThrottle(new AuthenticationThrottleOptions
        {
            FailuresPerAddress = options.ThrottleFailuresPerAddress,
            FailuresPerPrefix = options.ThrottleFailuresPerPrefix,
            Window = TimeSpan.FromSeconds(options.ThrottleWindowSeconds),
        }, time);
        services.AddSingleton(throttle);
        services.AddSingleton(new CredentialResolver(store, time, cacheTtl, throttle, options.CredentialCacheEntries));
        services.AddSingleton(new PolicyService(store, catalogs, time, cacheTtl));
        services.AddSingleton(new AuditLog(store, time));
        services.AddCandorAccess();

        // Ingestion.
        services.AddSingleton(metrics);
        services.AddSingleton(rateLimiter);
        services.AddSingleton(new PiiGuard());
        services.AddSingleton(new IngestionLimits
        {
            MaxCompressedBytes = options.MaxCompressedBytes,
            MaxDecompressedBytes = options.MaxDecompressedBytes,
            MaxEventsPerBatch = options.MaxEventsPerBatch,
            MaxEventAge = TimeSpan.FromDays(options.MaxEventAgeDays),
            MaxClockSkew = TimeSpan.FromSeconds(options.MaxClockSkewSeconds),
            MaxBodyTime = TimeSpan.FromSeconds(options.MaxBodySeconds),
            MaxConcurrentRequestsPerAddress = options.MaxConcurrentRequestsPerAddress,
            MaxConcurrentRequestsPerKey = options.MaxConcurrentRequestsPerKey,
        });
        services.AddSingleton(sp => new IngestionAdmission(sp.GetRequiredService<IngestionLimits>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server.Ingestion")));
        if (log is not null)
        {
            services.AddSingleton(log);
        }

        services.AddSingleton(sp => ClusterServices.CreateWriter(sp, options, store, metrics));
        services.AddPresence(options, log);
        services.AddSingleton(sp => new IngestEndpoint(sp.GetRequiredService<CredentialResolver>(), catalogs,
            sp.GetRequiredService<PolicyService>(), sp.GetRequiredService<IngestionLimits>(), sp.GetRequiredService<PiiGuard>(), rateLimiter,
            sp.GetRequiredService<GroupCommitWriter>(), sp.GetRequiredService<IngestionAdmission>(), metrics, time,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server")));

        // OTLP logs (/v1/logs): the ingestion path's services, and its own metric.
        services.AddSingleton(new OtlpMetrics(metrics));
        services.AddSingleton(sp => new OtlpLogsEndpoint(sp.GetRequiredService<CredentialResolver>(), catalogs,
            sp.GetRequiredService<PolicyService>(), sp.GetRequiredService<IngestionLimits>(), sp.GetRequiredService<PiiGuard>(), rateLimiter,
            sp.GetRequiredService<GroupCommitWriter>(), sp.GetRequiredService<IngestionAdmission>(), metrics, sp.GetRequiredService<OtlpMetrics>(), time));

        // Tenants.
        services.AddSingleton(sp => new TenantService(store, time, f => catalogs.TryGet(f, out _), sp.GetRequiredService<CredentialResolver>()));

        // Operations.
        services.AddSingleton(sp => new RetentionJob(store, sp.GetRequiredService<PolicyService>(), catalogs, time,
            TimeSpan.FromMinutes(options.RetentionIntervalMinutes), sp.GetRequiredService<ILogger<RetentionJob>>()));
        List<Func<IServiceProvider, IHostedService>> runOnce = [sp => sp.GetRequiredService<RetentionJob>()];

        // Analytics, when the store offers it.
        if (store is IAnalyticsStore analyticsStore)
        {
            // A factory, so that the container disposes the client with the collector.
            services.AddSingleton(_ => new WebhookClient(new WebhookAddressFilter(options.WebhookAllowlist), options.WebhookResolver,
                TimeSpan.FromSeconds(options.AlertDeliveryTimeoutSeconds)));
            services.AddSingleton(sp => new AnalyticsService(analyticsStore, store, time, TimeSpan.FromSeconds(options.AnalyticsIntervalSeconds),
                sp.GetRequiredService<WebhookClient>(), options.AlertDeliveryParallelism, sp.GetRequiredService<ILogger<AnalyticsService>>(),
                analyticsStore.Dialect == SqlDialect.DuckDb ? options.DuckDbMemoryLimitMiB : null));
            runOnce.Add(sp => sp.GetRequiredService<AnalyticsService>());
            services.AddSingleton(new Candor.Storage.Views.SavedViewStore(analyticsStore));
        }

        // Work that must run once per store: on the elected leader when collectors share PostgreSQL (Cluster/).
        services.AddRunOnce(options, log, runOnce);
        return services;
    }
}

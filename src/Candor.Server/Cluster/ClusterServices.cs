using Candor.Server.Ingestion;
using Candor.Server.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Cluster;

/// <summary>How a collector's services change when it is one of several: the group commit appends to the ingest log
/// instead of the store (when <see cref="CandorServerOptions.Log"/> is set), and the work that must run once runs
/// under <see cref="LeaderElection"/> (whenever the store is PostgreSQL, which several collectors may share, with or
/// without the log). With the embedded store the work simply runs: one process owns the file.</summary>
internal static class ClusterServices
{
    /// <summary>The group commit writer over the log or the store.</summary>
    public static GroupCommitWriter CreateWriter(IServiceProvider sp, CandorServerOptions options, Storage.ICandorStore store, CandorMetrics metrics)
    {
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server.Ingestion");
        return sp.GetService<IngestLog>() is { } log
            ? new GroupCommitWriter(new LogAppender(log), options.WriteQueueCapacity, options.MaxEventsPerCommit, metrics, logger)
            : new GroupCommitWriter(store, options.WriteQueueCapacity, options.MaxEventsPerCommit, metrics, logger);
    }

    /// <summary>In cluster mode, the announcements that split each tenant's rate limit across the live collectors.</summary>
    public static IServiceCollection AddPresence(this IServiceCollection services, CandorServerOptions options, IngestLog? log)
    {
        if (log is not null)
        {
            services.AddHostedService(sp => new CollectorPresence(log, sp.GetRequiredService<TenantRateLimiter>(), options.PresenceInterval,
                options.TimeProvider, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server.Cluster")));
        }

        return services;
    }

    /// <summary>Registers the work that must run once: as plain hosted services over the embedded store, or under the
    /// leader lock over PostgreSQL (with the ingest log's monitor when there is a log).</summary>
    public static IServiceCollection AddRunOnce(this IServiceCollection services, CandorServerOptions options, IngestLog? log,
        IReadOnlyList<Func<IServiceProvider, IHostedService>> work)
    {
        if (!StoreFactory.IsPostgres(options.Store))
        {
            // AddSingleton, not AddHostedService: the latter keeps one registration per implementation type, and
            // these factories all declare IHostedService.
            foreach (var create in work)
            {
                services.AddSingleton(create);
            }

            return services;
        }

        var all = new List<Func<IServiceProvider, IHostedService>>(work);
        if (log is not null)
        {
            all.Add(sp => new IngestLogMonitor(log, sp.GetRequiredService<CandorMetrics>(), options.LogMonitorInterval, options.TimeProvider,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server.Cluster")));
        }

        services.AddSingleton(sp => new LeaderElection(StoreFactory.ToConnectionString(options.Store), [.. all.Select(create => create(sp))],
            options.LeaderCheckInterval, options.TimeProvider, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Candor.Server.Cluster")));
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElection>());
        return services;
    }
}

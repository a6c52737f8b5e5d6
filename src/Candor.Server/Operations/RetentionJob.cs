using Candor.Server.Catalogs;
using Candor.Server.TenantPolicies;
using Candor.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Operations;

/// <summary>Deletes events past their retention: for each tenant, events received longer ago than the tenant's
/// retention (at most the family's maximum), and events of a definition whose own retention is shorter after
/// that shorter time. Runs at start and then every interval, on the injected clock.</summary>
internal sealed partial class RetentionJob(
    ICandorStore store, PolicyService policies, CatalogRegistry catalogs, TimeProvider time, TimeSpan interval, ILogger<RetentionJob> logger)
    : BackgroundService
{
    /// <summary>One pass over every tenant; returns how many events were deleted row by row (days dropped whole
    /// by a partitioned store are logged, not counted: counting them would read them).</summary>
    public async Task<long> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tenants = new List<(TenantRecord Tenant, int Days)>();
        foreach (var tenant in await store.ListTenantsAsync(ct).ConfigureAwait(false))
        {
            var policy = (await policies.GetAsync(tenant, ct).ConfigureAwait(false)).Policy;
            tenants.Add((tenant, Math.Min(policy.RetentionDays, policies.FamilyMaxRetentionDays(tenant.Family))));
        }

        if (store is IReceivedDayPartitions partitions)
        {
            // A day past the longest retention of any tenant holds nothing any tenant keeps: it goes whole, and
            // the deletions below only reach the days of tenants whose retention is shorter.
            var dropBefore = tenants.Count == 0 ? DateTimeOffset.MinValue : now.AddDays(-tenants.Max(t => t.Days));
            var dropped = await partitions.MaintainPartitionsAsync(now, dropBefore, cancellationToken: ct).ConfigureAwait(false);
            if (dropped > 0)
            {
                LogDropped(logger, dropped);
            }
        }

        long deleted = 0;
        foreach (var (tenant, days) in tenants)
        {
            var removed = await store.DeleteReceivedBeforeAsync(tenant.Id, now.AddDays(-days), null, ct).ConfigureAwait(false);
            if (catalogs.TryGet(tenant.Family, out var catalog))
            {
                foreach (var rule in catalog.Rules)
                {
                    if (rule.RetentionDays > 0 && rule.RetentionDays < days)
                    {
                        removed += await store.DeleteReceivedBeforeAsync(tenant.Id, now.AddDays(-rule.RetentionDays), rule.Name, ct)
                            .ConfigureAwait(false);
                    }
                }
            }

            if (removed > 0)
            {
                LogDeleted(logger, removed, tenant.Id);
            }

            deleted += removed;
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed pass is retried at the next tick; retention is eventually enforced, never skipped.
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Retention deleted {Count} events of tenant {TenantId}")]
    private static partial void LogDeleted(ILogger logger, long count, Guid tenantId);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Retention dropped {Count} days of events past every tenant's retention")]
    private static partial void LogDropped(ILogger logger, int count);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Retention pass failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

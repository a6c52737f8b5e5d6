using System.Threading.RateLimiting;

namespace Candor.Server.Ingestion;

/// <summary>A token bucket of events per tenant: a tenant may send <c>eventsPerSecond</c> events a second, in
/// bursts of up to one second's worth. Thread-safe.</summary>
internal sealed class TenantRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Guid>? _limiter;

    public TenantRateLimiter(int eventsPerSecond)
    {
        if (eventsPerSecond <= 0)
        {
            return;
        }

        _limiter = PartitionedRateLimiter.Create<Guid, Guid>(tenant => RateLimitPartition.GetTokenBucketLimiter(tenant,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = eventsPerSecond,
                TokensPerPeriod = eventsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes <paramref name="events"/> tokens from the tenant's bucket; false (with when to retry) when
    /// there are not enough.</summary>
    public bool TryAcquire(Guid tenantId, int events, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(tenantId, Math.Max(1, events));
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return false;
    }

    public void Dispose() => _limiter?.Dispose();
}

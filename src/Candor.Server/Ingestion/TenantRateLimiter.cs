using System.Threading.RateLimiting;

namespace Candor.Server.Ingestion;

/// <summary>A token bucket of events per tenant: a tenant may send <c>eventsPerSecond</c> events a second, in
/// bursts of up to one second's worth. In cluster mode the limit is split across the live collectors
/// (<see cref="Share"/>), so that a tenant gets the limit in total whichever collectors it reaches. Thread-safe.</summary>
internal sealed class TenantRateLimiter : IDisposable
{
    private readonly int _eventsPerSecond;
    private readonly int _minimum;
    private PartitionedRateLimiter<Guid>? _limiter;

    /// <param name="eventsPerSecond">The limit per tenant; 0 turns it off.</param>
    /// <param name="minimum">The least a share may be (a whole batch must always fit). Default 1,000.</param>
    public TenantRateLimiter(int eventsPerSecond, int minimum = 1_000)
    {
        _eventsPerSecond = eventsPerSecond;
        _minimum = Math.Max(1, minimum);
        _limiter = Create(eventsPerSecond);
    }

    /// <summary>This collector's share of the limit: one of <paramref name="collectors"/> live collectors (never
    /// less than a batch). The buckets start full again.</summary>
    public void Share(int collectors)
    {
        if (_eventsPerSecond <= 0)
        {
            return;
        }

        var previous = Interlocked.Exchange(ref _limiter, Create(Math.Max(_minimum, _eventsPerSecond / Math.Max(1, collectors))));
        previous?.Dispose();
    }

    private static PartitionedRateLimiter<Guid>? Create(int eventsPerSecond) => eventsPerSecond <= 0
        ? null
        : PartitionedRateLimiter.Create<Guid, Guid>(tenant => RateLimitPartition.GetTokenBucketLimiter(tenant,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = eventsPerSecond,
                TokensPerPeriod = eventsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    /// <summary>Takes <paramref name="events"/> tokens from the tenant's bucket; false (with when to retry) when
    /// there are not enough.</summary>
    public bool TryAcquire(Guid tenantId, int events, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var limiter = Volatile.Read(ref _limiter);
        if (limiter is null)
        {
            return true;
        }

        try
        {
            using var lease = limiter.AttemptAcquire(tenantId, Math.Max(1, events));
            if (lease.IsAcquired)
            {
                return true;
            }

            retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            return false;
        }
        catch (ObjectDisposedException)
        {
            // Replaced by a new share while this request used the old one: let it through, once.
            return true;
        }
    }

    public void Dispose() => Volatile.Read(ref _limiter)?.Dispose();
}

namespace Candor.Server.Ingestion;

/// <summary>The limits of one ingestion request. Defaults follow the protocol: 1 MB compressed, 10 MB
/// decompressed, 1,000 events per batch.</summary>
internal sealed record IngestionLimits
{
    public long MaxCompressedBytes { get; init; } = 1_000_000;

    public long MaxDecompressedBytes { get; init; } = 10_000_000;

    public int MaxEventsPerBatch { get; init; } = 1_000;

    /// <summary>Events that happened longer ago than this are rejected with <c>too_old</c>.</summary>
    public TimeSpan MaxEventAge { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How far ahead of the collector's clock an event's time may be before <c>in_future</c>.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a request body may take to arrive.</summary>
    public TimeSpan MaxBodyTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests one client address (an IPv6 /64) may have in progress at once; 0 for no bound.</summary>
    public int MaxConcurrentRequestsPerAddress { get; init; } = 64;

    /// <summary>Requests one ingestion key may have in progress at once; 0 for no bound.</summary>
    public int MaxConcurrentRequestsPerKey { get; init; } = 256;

    /// <summary>A cap on string fields whose definition gives no maximum length.</summary>
    public int DefaultMaxStringLength { get; init; } = 255;
}

using Candor.Core.Policy;
using Candor.Core.Privacy;
using Candor.Server.Catalogs;
using Candor.Storage;

namespace Candor.Server.Ingestion;

/// <summary>What one request's events are checked against.</summary>
internal sealed record BatchRules(
    CatalogIndex Catalog, TenantPolicy Policy, Guid TenantId, DateTimeOffset Now, IngestionLimits Limits, PiiGuard Pii);

/// <summary>A batch that cannot be read or stored at all (the whole request fails with this status and code); a 503
/// may say how long to wait before retrying (null: the endpoint's default).</summary>
internal sealed record BatchError(int Status, string Code, string Detail, TimeSpan? RetryAfter = null);

/// <summary>The outcome of reading one batch: the events to store (with their index in the batch) and the
/// rejected ones, or an error for the whole batch.</summary>
internal sealed class BatchResult
{
    public List<StoredEvent> Accepted { get; } = [];

    public List<int> AcceptedIndexes { get; } = [];

    public List<Rejection> Rejected { get; } = [];

    /// <summary>How many events the batch held.</summary>
    public int Count { get; set; }

    /// <summary>How many string values were redacted because the PII detectors flagged them.</summary>
    public int Redacted { get; set; }

    public BatchError? Error { get; set; }
}

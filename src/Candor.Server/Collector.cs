using Candor.Core.Privacy;
using Candor.Server.Ingestion;
using Candor.Server.Operations;
using Candor.Server.Policy;
using Candor.Server.Tenants;
using Candor.Storage;
using Microsoft.Extensions.Logging;

namespace Candor.Server;

/// <summary>The parts of one running collector, created once at start and shared by every request (so the hot
/// path does one service lookup, not ten).</summary>
internal sealed class Collector
{
    public required CandorServerOptions Options { get; init; }

    public required ICandorStore Store { get; init; }

    public required CatalogRegistry Catalogs { get; init; }

    public required CredentialResolver Credentials { get; init; }

    public required PolicyService Policies { get; init; }

    public required TenantService Tenants { get; init; }

    public required GroupCommitWriter Writer { get; init; }

    public required CandorMetrics Metrics { get; init; }

    public required IngestionLimits Limits { get; init; }

    public required PiiGuard Pii { get; init; }

    public required TenantRateLimiter RateLimiter { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }
}

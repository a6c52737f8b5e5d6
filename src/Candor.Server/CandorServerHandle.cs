using Candor.Server.Cluster;
using Candor.Server.Ingestion;
using Candor.Server.Tenants;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Candor.Server;

/// <summary>A running collector. Thread-safe.</summary>
public sealed class CandorServerHandle : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    internal CandorServerHandle(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address Kestrel bound (the real port when the options asked for port 0).</summary>
    public Uri Address { get; }

    /// <summary>The collector's services (tests reach its store, writer and metrics through them).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>Creates a tenant in this collector's store; the family must be one of its catalogs.</summary>
    /// <exception cref="ArgumentException">The name is empty or the family has no catalog.</exception>
    /// <exception cref="InvalidOperationException">A tenant of that name exists.</exception>
    public Task<TenantCredentials> CreateTenantAsync(string name, string family, CancellationToken cancellationToken = default) =>
        Services.GetRequiredService<TenantService>().CreateAsync(name, family, "operator", cancellationToken);

    /// <summary>Completes when the collector is asked to stop (for example by SIGTERM or Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening, writes the batches already queued, and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Taken before the container is disposed: the store, the metrics and the rate limiter were created for it,
        // not by it, so they are closed here, after the writer has drained into the store.
        var writer = Services.GetRequiredService<GroupCommitWriter>();
        var rateLimiter = Services.GetRequiredService<TenantRateLimiter>();
        var store = Services.GetRequiredService<ICandorStore>();
        var metrics = Services.GetRequiredService<CandorMetrics>();
        var log = Services.GetService<IngestLog>();
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            if (log is not null)
            {
                await log.DisposeAsync().ConfigureAwait(false);
            }

            rateLimiter.Dispose();
            await _app.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            metrics.Dispose();
        }
    }
}

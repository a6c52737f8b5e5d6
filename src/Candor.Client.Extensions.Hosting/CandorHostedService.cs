using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Candor.Client.Extensions.Hosting;

/// <summary>Ties the client to the host's life: the host's first start step (<c>StartingAsync</c>, before any
/// hosted service's <c>StartAsync</c>) creates the client (its session starts, its crash handler is installed, its
/// upload loop runs), so that a service that fails to start is recorded as a crash by a live client (see
/// <see cref="HostFailureLoggerProvider"/>); stopping the host records the crash of any background service that
/// failed, then disposes the client, which ends the session and flushes the queue for at most the client's
/// <c>DisposeTimeout</c> and never past the host's shutdown timeout. The container's own dispose of the singleton
/// later is then a no-op.</summary>
internal sealed class CandorHostedService(IServiceProvider services, HostCrashes crashes) : IHostedLifecycleService
{
    private CandorClient? _client;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        EnsureClient();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureClient();
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var client = _client;
        if (client is null)
        {
            return;
        }

        // A BackgroundService whose ExecuteAsync threw is what an unhandled exception is in a console app: the
        // host logs it and stops, and no AppDomain handler ever sees it. Hosts stop services in reverse order, so a
        // worker added after AddCandor has already failed or stopped here. (The host's log of the failure usually
        // recorded it already; HostCrashes records each exception once.)
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            if (hosted is BackgroundService { ExecuteTask: { IsFaulted: true } failed })
            {
                crashes.Record(failed.Exception);
            }
        }

        crashes.Detach();
        var dispose = client.DisposeAsync().AsTask();
        var shutdown = Task.Delay(Timeout.Infinite, cancellationToken);
        await Task.WhenAny(dispose, shutdown).ConfigureAwait(false);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void EnsureClient()
    {
        if (_client is null)
        {
            _client = services.GetRequiredService<CandorClient>();
            crashes.Attach(_client);
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Candor.Client.Extensions.Hosting;

/// <summary>Ties the client to the host's life: starting the host creates the client (its session starts, its crash
/// handler is installed, its upload loop runs); stopping it records the crash of any background service that
/// failed, then disposes the client, which ends the session and flushes the queue for at most the client's
/// <c>DisposeTimeout</c> and never past the host's shutdown timeout. The container's own dispose of the singleton
/// later is then a no-op.</summary>
internal sealed class CandorHostedService(IServiceProvider services) : IHostedService
{
    private CandorClient? _client;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _client = services.GetRequiredService<CandorClient>();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var client = _client;
        if (client is null)
        {
            return;
        }

        // A BackgroundService whose ExecuteAsync threw is what an unhandled exception is in a console app: the
        // host logs it and stops, and no AppDomain handler ever sees it. Hosts stop services in reverse order, so a
        // worker added after AddCandor has already failed or stopped here.
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            if (hosted is BackgroundService { ExecuteTask: { IsFaulted: true } failed })
            {
                var exception = failed.Exception!;
                client.RecordCrash(exception.InnerExceptions.Count == 1 ? exception.InnerExceptions[0] : exception);
            }
        }

        var dispose = client.DisposeAsync().AsTask();
        var shutdown = Task.Delay(Timeout.Infinite, cancellationToken);
        await Task.WhenAny(dispose, shutdown).ConfigureAwait(false);
    }
}

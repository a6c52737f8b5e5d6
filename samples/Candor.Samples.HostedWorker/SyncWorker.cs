using System.Diagnostics;
using Candor.Client;
using Candor.Generated;

namespace Candor.Samples.HostedWorker;

/// <summary>Syncs a few times, recording each with the typed event generated from the catalog, then stops the host;
/// with <c>Worker:Fail</c> it throws instead, which the host logs and the Candor integration records as
/// <c>app.crashed</c>, as an unhandled exception in a console app would be.</summary>
internal sealed class SyncWorker(CandorClient candor, IConfiguration configuration, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var syncs = configuration.GetValue("Worker:Syncs", 3);
        for (var i = 0; i < syncs; i++)
        {
            var watch = Stopwatch.StartNew();
            await Task.Delay(20, stoppingToken);
            candor.TrackFieldserviceSyncCompleted(watch.Elapsed, FieldserviceSyncCompletedResult.Success, recordCount: 10 + i,
                syncType: i == 0 ? FieldserviceSyncCompletedSyncType.Full : FieldserviceSyncCompletedSyncType.Delta);
        }

        if (configuration.GetValue("Worker:Fail", false))
        {
            throw new InvalidDataException("The work order store is damaged.");
        }

        lifetime.StopApplication();
    }
}

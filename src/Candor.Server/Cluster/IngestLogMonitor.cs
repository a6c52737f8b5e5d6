using System.Diagnostics.Metrics;
using Candor.Server.Ingestion;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;

namespace Candor.Server.Cluster;

/// <summary>The ingest log's fill level, for the operator: on the leader, every interval, reads the stream's bytes and
/// messages and the loaders' backlog (messages not yet delivered plus delivered and not acknowledged), reports them as
/// the gauges <c>candor.log.bytes</c>, <c>candor.log.fill</c> (0..1 of <c>Log:MaxBytes</c>) and <c>candor.log.backlog</c>,
/// and logs a warning from 80 % full and an error from 95 % (collectors refuse batches with 503 <c>log_full</c> at
/// 100 %): the alarm that PostgreSQL or the loaders are behind. A hosted service the leader starts and stops.</summary>
internal sealed partial class IngestLogMonitor : BackgroundService
{
    private readonly IngestLog _log;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _bytes = -1;
    private long _backlog = -1;

    public IngestLogMonitor(IngestLog log, CandorMetrics metrics, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _log = log;
        _interval = interval;
        _time = time;
        _logger = logger;
        // Reported only by the leader, which has read the stream at least once: a follower has nothing to say.
        metrics.Meter.CreateObservableGauge<long>("candor.log.bytes", ObserveBytes, "By", "Bytes in the ingest log (events not yet loaded).");
        metrics.Meter.CreateObservableGauge<double>("candor.log.fill", ObserveFill, "1", "How full the ingest log is, of Log:MaxBytes.");
        metrics.Meter.CreateObservableGauge<long>("candor.log.backlog", ObserveBacklog, "{event}", "Events in the ingest log that no loader has stored yet.");
    }

    /// <summary>The last fill level read (0..1), or null before the first read.</summary>
    public double? Fill => Interlocked.Read(ref _bytes) is >= 0 and var b ? (double)b / _log.Options.MaxBytes : null;

    private IEnumerable<Measurement<long>> ObserveBytes() => Measurements(Interlocked.Read(ref _bytes));

    private IEnumerable<Measurement<long>> ObserveBacklog() => Measurements(Interlocked.Read(ref _backlog));

    private IEnumerable<Measurement<double>> ObserveFill() =>
        Fill is { } fill ? [new Measurement<double>(fill)] : [];

    private static Measurement<long>[] Measurements(long value) => value >= 0 ? [new Measurement<long>(value)] : [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                await ReadOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Exchange(ref _bytes, -1);
            Interlocked.Exchange(ref _backlog, -1);
        }
    }

    internal async Task ReadOnceAsync(CancellationToken ct)
    {
        try
        {
            var stream = await _log.JetStream.GetStreamAsync(IngestLogOptions.StreamName, cancellationToken: ct).ConfigureAwait(false);
            var bytes = (long)stream.Info.State.Bytes;
            Interlocked.Exchange(ref _bytes, bytes);
            try
            {
                var consumer = await _log.JetStream.GetConsumerAsync(IngestLogOptions.StreamName, IngestLogOptions.ConsumerName, ct).ConfigureAwait(false);
                Interlocked.Exchange(ref _backlog, (long)consumer.Info.NumPending + consumer.Info.NumAckPending);
            }
            catch (NatsJSApiException)
            {
                // No loader has started yet: every message in the stream is backlog.
                Interlocked.Exchange(ref _backlog, (long)stream.Info.State.Messages);
            }

            var fill = (double)bytes / _log.Options.MaxBytes;
            if (fill >= 0.95)
            {
                LogNearlyFull(_logger, fill * 100);
            }
            else if (fill >= 0.8)
            {
                LogFilling(_logger, fill * 100);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogUnreadable(_logger, ex.Message);
        }
    }

    [LoggerMessage(EventId = 530, Level = LogLevel.Warning, Message = "The ingest log is {Percent:F0}% full: the loaders are behind or PostgreSQL is unavailable")]
    private static partial void LogFilling(ILogger logger, double percent);

    [LoggerMessage(EventId = 531, Level = LogLevel.Error, Message = "The ingest log is {Percent:F0}% full: at 100% collectors refuse batches with 503 log_full; bring PostgreSQL or the loaders back, or raise Log:MaxBytes")]
    private static partial void LogNearlyFull(ILogger logger, double percent);

    [LoggerMessage(EventId = 532, Level = LogLevel.Warning, Message = "Could not read the ingest log's state: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}

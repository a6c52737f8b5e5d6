using System.Collections.Concurrent;
using Candor.Server.Ingestion;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Cluster;

/// <summary>Splits each tenant's rate limit across the live collectors: every collector announces itself on the
/// cluster's NATS connection every interval (core NATS, subject <c>candor.collectors.alive</c>, nothing stored),
/// counts the collectors it has heard from within three intervals (itself included), and gives its
/// <see cref="TenantRateLimiter"/> that share of <c>RateLimitEventsPerSecond</c>. A collector that dies stops counting
/// after three intervals; a new one counts at its first announcement. A hosted service on every collector of the
/// cluster.</summary>
internal sealed partial class CollectorPresence : BackgroundService
{
    public const string Subject = "candor.collectors.alive";

    private readonly IngestLog _log;
    private readonly TenantRateLimiter _limiter;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _id = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, long> _heard = new(StringComparer.Ordinal);
    private int _live = 1;

    public CollectorPresence(IngestLog log, TenantRateLimiter limiter, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _log = log;
        _limiter = limiter;
        _interval = interval;
        _time = time;
        _logger = logger;
    }

    /// <summary>How many collectors this one counts as live, itself included.</summary>
    public int Live => Volatile.Read(ref _live);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = ListenAsync(stoppingToken);
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                try
                {
                    await _log.Connection.PublishAsync(Subject, _id, cancellationToken: stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The log unreachable: the client gives up on the publish after its command timeout, with a
                    // NatsException or a TaskCanceledException of its own. Neither may end this loop (a faulted
                    // hosted service would stop the collector).
                    // Not heard this round; the others count this collector out after three silent intervals.
                    LogAnnounceFailed(_logger, ex.Message);
                }

                Recount();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await listening.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Counts the announcements heard. The client keeps the subscription across reconnections; should it end
    /// or fail anyway (the log unreachable when it is made), it is made again after an interval, so that this
    /// collector does not fall back for good to enforcing the whole limit.</summary>
    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var msg in _log.Connection.SubscribeAsync<string>(Subject, cancellationToken: ct).ConfigureAwait(false))
                {
                    if (msg.Data is { Length: > 0 and <= 64 } id)
                    {
                        _heard[id] = _time.GetTimestamp();
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(_logger, ex.Message);
            }

            try
            {
                await Task.Delay(_interval, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Recount()
    {
        var live = 1;
        foreach (var (id, heard) in _heard)
        {
            if (_time.GetElapsedTime(heard) > _interval * 3)
            {
                _heard.TryRemove(id, out _);
            }
            else if (id != _id)
            {
                live++;
            }
        }

        if (Interlocked.Exchange(ref _live, live) != live)
        {
            _limiter.Share(live);
            LogLive(_logger, live);
        }
    }

    [LoggerMessage(EventId = 540, Level = LogLevel.Information, Message = "{Live} collectors are live: each enforces that share of every tenant's rate limit")]
    private static partial void LogLive(ILogger logger, int live);

    [LoggerMessage(EventId = 542, Level = LogLevel.Warning, Message = "Listening for the other collectors failed ({Reason}); listening again")]
    private static partial void LogListenFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 541, Level = LogLevel.Debug, Message = "Could not announce this collector ({Reason})")]
    private static partial void LogAnnounceFailed(ILogger logger, string reason);
}

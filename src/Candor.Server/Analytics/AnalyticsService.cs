using Candor.Analytics.Alerts;
using Candor.Analytics.Failures;
using Candor.Analytics.Health;
using Candor.Analytics.Projection;
using Candor.Analytics.Regressions;
using Candor.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Analytics;

/// <summary>The analytics of a running collector: the queries behind <c>/v1/analytics/</c>, and a background loop
/// that projects new events into the fact tables, runs regression detection for every tenant, stores alerts and
/// delivers them, signed, to the tenants' webhooks through <c>webhooks</c> (which refuses internal
/// addresses; tenants in parallel, retried with backoff). Off the ingestion path.</summary>
internal sealed partial class AnalyticsService(
    IAnalyticsStore store, ITenantStore tenants, TimeProvider time, TimeSpan interval, WebhookClient webhooks, int deliveryParallelism,
    ILogger<AnalyticsService> logger, int? memoryLimitMiB = null)
    : BackgroundService
{
    /// <summary>How many days regression detection looks back.</summary>
    public const int DetectionDays = 30;

    public HealthQueries Queries { get; } = new(store);

    public AnalyticsProjector Projector { get; } = new(store);

    public AlertStore Alerts { get; } = new(store, time) { DeliveryParallelism = deliveryParallelism };

    /// <summary>Where alerts are posted; its filter also judges a webhook URL when it is set.</summary>
    public WebhookClient Webhooks => webhooks;

    public TimeProvider Time => time;

    public RegressionDetector Detector => new(Queries, new RegressionOptions());

    public FailureTriage Triage { get; } = new(store, time);

    /// <summary>On DuckDB (the constructor given the store's configured memory limit), the lower memory limit
    /// a background round runs under; null on PostgreSQL.</summary>
    public RoundMemoryLimit? RoundMemory { get; } = memoryLimitMiB is { } mib ? new(store, mib, logger) : null;

    /// <summary>One projection and detection at a time, a refresh's or a background round's. Detection moves a resolved
    /// failure group to regressed and then raises its alert: without this, a refresh that ran beside a round's detection
    /// found the group already moved, raised nothing, and answered before the round had stored the alert.</summary>
    private readonly SemaphoreSlim _rounds = new(1, 1);

    /// <summary>Projects new events, then detects regressions of one tenant and stores new alerts; waits for a background
    /// round in progress first, so that what it found is stored when this returns.</summary>
    public async Task<IReadOnlyList<RegressionFinding>> RefreshAsync(Guid tenant, CancellationToken cancellationToken)
    {
        await _rounds.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Projector.RunAsync(cancellationToken).ConfigureAwait(false);
            return await DetectAsync(tenant, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _rounds.Release();
        }
    }

    /// <summary>Detects regressions of one tenant over the facts projected so far (the statistical tests, and resolved
    /// failure groups seen again in a newer version) and stores new alerts.</summary>
    private async Task<IReadOnlyList<RegressionFinding>> DetectAsync(Guid tenant, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var findings = await Detector.DetectAsync(new HealthWindow(tenant, today.AddDays(-(DetectionDays - 1)), today), cancellationToken)
            .ConfigureAwait(false);
        var regressed = await Triage.DetectRegressedAsync(tenant, cancellationToken).ConfigureAwait(false);
        await Alerts.RaiseAsync(tenant, [.. findings, .. regressed], cancellationToken).ConfigureAwait(false);
        return [.. findings, .. regressed];
    }

    /// <summary>Whether a background round runs detection: when its projection added facts, or on the first round of a UTC
    /// day (the 30-day window moved), or on the first round of all (<paramref name="lastDetected"/> null).</summary>
    internal static bool DetectionDue(long added, DateOnly today, DateOnly? lastDetected) => added > 0 || lastDetected != today;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateOnly? detected = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One projection per round serves every tenant (it reads all new events at once); detection is per tenant
                // and reads each tenant's 30 days of facts, so it is skipped when the round added no fact and the day has
                // not changed since the last detection: the same facts over the same window give the same findings, and
                // their alerts are already raised. An idle collector then reads one small table a minute.
                var started = time.GetTimestamp();
                (var added, var projected, detected) = await ProjectAndDetectAsync(started, detected, stoppingToken).ConfigureAwait(false);

                await Alerts.DeliverDueAsync(webhooks, stoppingToken).ConfigureAwait(false);

                // One line per round, so a memory peak (issue 11) can be tied to the round's size and the split of the
                // process's memory between the .NET heap and the rest (DuckDB, native allocators) read from the log. An
                // idle round (no new facts) logs nothing, so an idle collector's log stays quiet. A round that worked
                // gives the C heap's free memory back first, so the next round starts from what is in use.
                if (added > 0)
                {
                    NativeHeap.Trim();
                    using var self = System.Diagnostics.Process.GetCurrentProcess();
                    LogRound(logger, added, projected.TotalMilliseconds, time.GetElapsedTime(started).TotalMilliseconds,
                        GC.GetGCMemoryInfo().HeapSizeBytes >> 20, self.WorkingSet64 >> 20, self.PeakWorkingSet64 >> 20);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The next round retries; a failing round must not stop analytics for good.
                logger.LogError(ex, "Analytics round failed.");
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A background round's projection and detection (see <see cref="DetectionDue"/>), one at a time with
    /// refreshes; returns the facts added, the projection's time and the day detection last ran.</summary>
    private async Task<(long Added, TimeSpan Projected, DateOnly? Detected)> ProjectAndDetectAsync(
        long started, DateOnly? detected, CancellationToken stoppingToken)
    {
        await _rounds.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            // On DuckDB the round runs under a lower memory limit, which bounds the collector's peak (RoundMemoryLimit).
            await using (RoundMemory is { } limit ? await limit.LowerAsync(stoppingToken).ConfigureAwait(false) : null)
            {
                var added = await Projector.RunAsync(stoppingToken).ConfigureAwait(false);
                var projected = time.GetElapsedTime(started);
                var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
                if (DetectionDue(added, today, detected))
                {
                    foreach (var tenant in await tenants.ListTenantsAsync(stoppingToken).ConfigureAwait(false))
                    {
                        await DetectAsync(tenant.Id, stoppingToken).ConfigureAwait(false);
                    }

                    detected = today;
                }

                return (added, projected, detected);
            }
        }
        finally
        {
            _rounds.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Analytics round: {Added} facts projected in {ProjectionMs:F0} ms, round {RoundMs:F0} ms; GC heap {HeapMiB} MiB, RSS {RssMiB} MiB, peak RSS {PeakMiB} MiB.")]
    private static partial void LogRound(ILogger logger, long added, double projectionMs, double roundMs, long heapMiB, long rssMiB, long peakMiB);
}

using System.Diagnostics.Metrics;

namespace Candor.Server.Ingestion;

/// <summary>The collector's metrics, through <see cref="System.Diagnostics.Metrics"/> (meter
/// <c>Candor.Server</c>): accepted, duplicate and rejected events (by code), redacted values, batch latency,
/// commit size and the write queue's depth. Exported by OpenTelemetry when an OTLP endpoint is configured.</summary>
internal sealed class CandorMetrics : IDisposable
{
    public const string MeterName = "Candor.Server";

    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _redacted;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _commitFailures;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<long> _commitEvents;
    private readonly Histogram<long> _commitBatches;
    private readonly KeyValuePair<string, object?>[][] _codeTags;

    public CandorMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _accepted = _meter.CreateCounter<long>("candor.events.accepted", "{event}", "Events stored durably.");
        _duplicates = _meter.CreateCounter<long>("candor.events.duplicates", "{event}", "Events whose id the tenant had already stored.");
        _rejected = _meter.CreateCounter<long>("candor.events.rejected", "{event}", "Events rejected, by code.");
        _redacted = _meter.CreateCounter<long>("candor.values.redacted", "{value}", "String values redacted because the PII detectors flagged them.");
        _batches = _meter.CreateCounter<long>("candor.batches", "{batch}", "Ingestion requests, by HTTP status.");
        _commitFailures = _meter.CreateCounter<long>("candor.commits.failed", "{commit}", "Group commits the store refused.");
        _batchDuration = _meter.CreateHistogram<double>("candor.batch.duration", "ms", "Time to handle one ingestion request.");
        _commitDuration = _meter.CreateHistogram<double>("candor.commit.duration", "ms", "Time of one group commit.");
        _commitEvents = _meter.CreateHistogram<long>("candor.commit.events", "{event}", "Events written by one group commit.");
        _commitBatches = _meter.CreateHistogram<long>("candor.commit.batches", "{batch}", "Requests grouped into one commit.");
        _codeTags = [.. RejectionCodes.All.Select(c => new[] { new KeyValuePair<string, object?>("code", c.ToWire()) })];
    }

    /// <summary>This collector's meter (each collector has its own, so that tests can tell them apart).</summary>
    public Meter Meter => _meter;

    /// <summary>Reports the write queue's depth; set once by the host.</summary>
    public void ObserveQueue(Func<int> depth) =>
        _meter.CreateObservableGauge("candor.queue.depth", depth, "{batch}", "Batches waiting for the group commit.");

    public void Batch(int status, TimeSpan elapsed)
    {
        _batches.Add(1, new KeyValuePair<string, object?>("status", status));
        _batchDuration.Record(elapsed.TotalMilliseconds);
    }

    public void Accepted(int stored, int duplicates)
    {
        if (stored > 0)
        {
            _accepted.Add(stored);
        }

        if (duplicates > 0)
        {
            _duplicates.Add(duplicates);
        }
    }

    public void Rejected(RejectionCode code) => _rejected.Add(1, _codeTags[(int)code]);

    public void Redacted(int count)
    {
        if (count > 0)
        {
            _redacted.Add(count);
        }
    }

    public void Committed(int events, int batches, TimeSpan elapsed)
    {
        _commitEvents.Record(events);
        _commitBatches.Record(batches);
        _commitDuration.Record(elapsed.TotalMilliseconds);
    }

    public void CommitFailed() => _commitFailures.Add(1);

    public void Dispose() => _meter.Dispose();
}

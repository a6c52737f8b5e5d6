using System.Diagnostics.Metrics;

namespace Candor.Client.Diagnostics;

/// <summary>The SDK's own counters. Every method is lock-free and allocation-free so that it can run on the
/// host's hot path; the meter reads the same counters through observable instruments.</summary>
internal sealed class SelfDiagnostics : IDisposable
{
    /// <summary>The name of the <see cref="Meter"/> the SDK publishes.</summary>
    public const string MeterName = "Candor.Client";

    private readonly long[] _filtered = new long[ReasonNames.Filter.Length];
    private readonly long[] _dropped = new long[ReasonNames.Drop.Length];
    private readonly Meter _meter;
    private long _received;
    private long _redacted;
    private long _persisted;
    private long _sent;
    private long _uploadsFailed;
    private long _uploadsSucceeded;
    private long _internalErrors;
    private string? _lastError;

    public SelfDiagnostics()
    {
        _meter = new Meter(MeterName, ClientInfo.SdkVersion);
        _meter.CreateObservableCounter("candor.client.events.received", () => Volatile.Read(ref _received), "{event}", "Events the app asked the SDK to record.");
        _meter.CreateObservableCounter("candor.client.events.filtered", ObserveFiltered, "{event}", "Events not queued, by reason.");
        _meter.CreateObservableCounter("candor.client.events.redacted", () => Volatile.Read(ref _redacted), "{value}", "String values the PII guard redacted.");
        _meter.CreateObservableCounter("candor.client.events.persisted", () => Volatile.Read(ref _persisted), "{event}", "Events written to the durable queue.");
        _meter.CreateObservableCounter("candor.client.events.dropped", ObserveDropped, "{event}", "Accepted events that will never be sent, by reason.");
        _meter.CreateObservableCounter("candor.client.events.sent", () => Volatile.Read(ref _sent), "{event}", "Events the collector acknowledged.");
        _meter.CreateObservableCounter("candor.client.uploads.failed", () => Volatile.Read(ref _uploadsFailed), "{upload}", "Upload attempts that failed.");
        _meter.CreateObservableCounter("candor.client.uploads.succeeded", () => Volatile.Read(ref _uploadsSucceeded), "{upload}", "Uploads the collector acknowledged.");
    }

    public void Received() => Interlocked.Increment(ref _received);

    public void Filtered(FilterReason reason) => Interlocked.Increment(ref _filtered[(int)reason]);

    public void Redacted() => Interlocked.Increment(ref _redacted);

    public void Persisted(int count) => Interlocked.Add(ref _persisted, count);

    public void Dropped(DropReason reason, long count = 1) => Interlocked.Add(ref _dropped[(int)reason], count);

    public void Sent(long count) => Interlocked.Add(ref _sent, count);

    public void UploadFailed() => Interlocked.Increment(ref _uploadsFailed);

    public void UploadSucceeded() => Interlocked.Increment(ref _uploadsSucceeded);

    /// <summary>Records a failure inside the SDK that it swallowed so as not to throw into the host. Only the
    /// exception type and the place are kept: exception messages can carry personal data.</summary>
    public void InternalError(string where, Exception ex)
    {
        Interlocked.Increment(ref _internalErrors);
        Volatile.Write(ref _lastError, where + ": " + ex.GetType().FullName);
    }

    public CandorDiagnostics Snapshot()
    {
        var filtered = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 1; i < _filtered.Length; i++)
        {
            var n = Volatile.Read(ref _filtered[i]);
            if (n != 0)
            {
                filtered[ReasonNames.Filter[i]] = n;
            }
        }

        var dropped = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _dropped.Length; i++)
        {
            var n = Volatile.Read(ref _dropped[i]);
            if (n != 0)
            {
                dropped[ReasonNames.Drop[i]] = n;
            }
        }

        return new CandorDiagnostics(
            Volatile.Read(ref _received), filtered, Volatile.Read(ref _redacted), Volatile.Read(ref _persisted),
            dropped, Volatile.Read(ref _sent), Volatile.Read(ref _uploadsSucceeded), Volatile.Read(ref _uploadsFailed),
            Volatile.Read(ref _internalErrors), Volatile.Read(ref _lastError));
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveFiltered()
    {
        for (var i = 1; i < _filtered.Length; i++)
        {
            yield return new Measurement<long>(Volatile.Read(ref _filtered[i]), new KeyValuePair<string, object?>("reason", ReasonNames.Filter[i]));
        }
    }

    private IEnumerable<Measurement<long>> ObserveDropped()
    {
        for (var i = 0; i < _dropped.Length; i++)
        {
            yield return new Measurement<long>(Volatile.Read(ref _dropped[i]), new KeyValuePair<string, object?>("reason", ReasonNames.Drop[i]));
        }
    }
}

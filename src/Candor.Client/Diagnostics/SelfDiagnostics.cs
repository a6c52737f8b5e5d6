using System.Diagnostics.Metrics;

namespace Candor.Client.Diagnostics;

/// <summary>The SDK's own counters. Every method is lock-free and allocation-free so that it can run on the
/// host's hot path; the meter reads the same counters through observable instruments.
/// <para>The two counters every tracked event touches (received, filtered) live in one block per thread that only
/// that thread writes: a plain increment instead of an interlocked one keeps a filtered event within a few
/// nanoseconds. Readers add up the blocks.</para></summary>
internal sealed class SelfDiagnostics : IDisposable
{
    [ThreadStatic]
    private static ThreadCounters? t_counters;

    private readonly object _blocksGate = new();
    private ThreadCounters[] _blocks = [];
    /// <summary>The name of the <see cref="Meter"/> the SDK publishes.</summary>
    public const string MeterName = "Candor.Client";

    private readonly long[] _dropped = new long[ReasonNames.Drop.Length];
    private readonly Meter _meter;
    private long _redacted;
    private long _persisted;
    private long _sent;
    private long _uploadsFailed;
    private long _uploadsSucceeded;
    private long _internalErrors;
    private string? _lastError;
    private Func<long>? _queueDepth;
    private Policy.PolicyCell[] _cells = [];

    public SelfDiagnostics()
    {
        _meter = new Meter(MeterName, ClientInfo.SdkVersion);
        _meter.CreateObservableCounter("candor.client.events.received", () => ReceivedTotal(), "{event}", "Events the app asked the SDK to record.");
        _meter.CreateObservableCounter("candor.client.events.filtered", ObserveFiltered, "{event}", "Events not queued, by reason.");
        _meter.CreateObservableCounter("candor.client.events.redacted", () => Volatile.Read(ref _redacted), "{value}", "String values the PII guard redacted.");
        _meter.CreateObservableCounter("candor.client.events.persisted", () => Volatile.Read(ref _persisted), "{event}", "Events written to the durable queue.");
        _meter.CreateObservableCounter("candor.client.events.dropped", ObserveDropped, "{event}", "Accepted events that will never be sent, by reason.");
        _meter.CreateObservableCounter("candor.client.events.sent", () => Volatile.Read(ref _sent), "{event}", "Events the collector acknowledged.");
        _meter.CreateObservableCounter("candor.client.uploads.failed", () => Volatile.Read(ref _uploadsFailed), "{upload}", "Upload attempts that failed.");
        _meter.CreateObservableCounter("candor.client.uploads.succeeded", () => Volatile.Read(ref _uploadsSucceeded), "{upload}", "Uploads the collector acknowledged.");
        // A gauge, not a counter: what waits now (in memory and on disk), the first sign of a collector out of reach.
        _meter.CreateObservableGauge("candor.client.queue.depth", () => Volatile.Read(ref _queueDepth)?.Invoke() ?? 0, "{event}", "Accepted events not yet acknowledged by the collector: in memory and in the durable queue.");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Received()
    {
        var block = Local();
        Volatile.Write(ref block.Received, block.Received + 1);
    }

    /// <summary>Counts a filtered event that <see cref="Received"/> already counted.</summary>
    public void Filtered(FilterReason reason)
    {
        var block = Local();
        Volatile.Write(ref block.Filtered[(int)reason], block.Filtered[(int)reason] + 1);
    }

    /// <summary>Counts an event that was received and filtered at once: the whole bookkeeping of the filtered hot
    /// path, one increment (such an event counts as received when the counters are read).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void ReceivedAndFiltered(FilterReason reason)
    {
        var block = Local();
        Volatile.Write(ref block.ReceivedAndFiltered[(int)reason], block.ReceivedAndFiltered[(int)reason] + 1);
    }

    /// <summary>The policy cells whose counts of filtered typed calls belong to these counters (each such call counts
    /// as received and filtered).</summary>
    public void AttachPolicyCells(IEnumerable<Policy.PolicyCell> cells) => Volatile.Write(ref _cells, [.. cells]);

    /// <summary>Where the <c>candor.client.queue.depth</c> gauge reads from, once the queue exists.</summary>
    public void ObserveQueueDepth(Func<long> depth) => Volatile.Write(ref _queueDepth, depth);

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
        for (var i = 1; i < ReasonNames.Filter.Length; i++)
        {
            var n = FilteredTotal(i);
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
            ReceivedTotal(), filtered, Volatile.Read(ref _redacted), Volatile.Read(ref _persisted),
            dropped, Volatile.Read(ref _sent), Volatile.Read(ref _uploadsSucceeded), Volatile.Read(ref _uploadsFailed),
            Volatile.Read(ref _internalErrors), Volatile.Read(ref _lastError));
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveFiltered()
    {
        for (var i = 1; i < ReasonNames.Filter.Length; i++)
        {
            yield return new Measurement<long>(FilteredTotal(i), new KeyValuePair<string, object?>("reason", ReasonNames.Filter[i]));
        }
    }

    private IEnumerable<Measurement<long>> ObserveDropped()
    {
        for (var i = 0; i < _dropped.Length; i++)
        {
            yield return new Measurement<long>(Volatile.Read(ref _dropped[i]), new KeyValuePair<string, object?>("reason", ReasonNames.Drop[i]));
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private ThreadCounters Local()
    {
        var block = t_counters;
        return block is not null && ReferenceEquals(block.Owner, this) ? block : Attach();
    }

    /// <summary>The slow path: the first event of a thread, or a thread that alternates between clients. A thread
    /// finds its own block again by its managed id (only one live thread has it), so blocks do not pile up.</summary>
    private ThreadCounters Attach()
    {
        var id = Environment.CurrentManagedThreadId;
        lock (_blocksGate)
        {
            foreach (var existing in _blocks)
            {
                if (existing.ThreadId == id)
                {
                    t_counters = existing;
                    return existing;
                }
            }

            var block = new ThreadCounters(this, id);
            var grown = new ThreadCounters[_blocks.Length + 1];
            Array.Copy(_blocks, grown, _blocks.Length);
            grown[_blocks.Length] = block;
            Volatile.Write(ref _blocks, grown);
            t_counters = block;
            return block;
        }
    }

    private long ReceivedTotal()
    {
        long total = 0;
        foreach (var block in Volatile.Read(ref _blocks))
        {
            total += Volatile.Read(ref block.Received);
            for (var i = 0; i < block.ReceivedAndFiltered.Length; i++)
            {
                total += Volatile.Read(ref block.ReceivedAndFiltered[i]);
            }
        }

        foreach (var cell in Volatile.Read(ref _cells))
        {
            for (var i = 0; i < cell.Filtered.Length; i++)
            {
                total += Volatile.Read(ref cell.Filtered[i]);
            }
        }

        return total;
    }

    private long FilteredTotal(int reason)
    {
        long total = 0;
        foreach (var block in Volatile.Read(ref _blocks))
        {
            total += Volatile.Read(ref block.Filtered[reason]) + Volatile.Read(ref block.ReceivedAndFiltered[reason]);
        }

        foreach (var cell in Volatile.Read(ref _cells))
        {
            total += Volatile.Read(ref cell.Filtered[reason]);
        }

        return total;
    }

    /// <summary>One thread's counters for one client; written by that thread only.</summary>
    private sealed class ThreadCounters
    {
        public readonly SelfDiagnostics Owner;
        public readonly int ThreadId;
        public readonly long[] Filtered = new long[ReasonNames.Filter.Length];
        public readonly long[] ReceivedAndFiltered = new long[ReasonNames.Filter.Length];
        public long Received;

        public ThreadCounters(SelfDiagnostics owner, int threadId)
        {
            Owner = owner;
            ThreadId = threadId;
        }
    }
}

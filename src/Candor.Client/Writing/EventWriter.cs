using Candor.Client.Context;
using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Policy;
using Candor.Client.Privacy;
using Candor.Client.Queue;

namespace Candor.Client.Writing;

/// <summary>Moves accepted events from the app's threads to the durable queue: the app's thread only copies the
/// event into a lock-free hand-off ring (<see cref="HandOffRing"/>); one background loop wakes on the first event of
/// a burst, lets the burst gather for 20 ms, then re-checks the policy, PII-scans, serialises and appends every
/// staged event and commits them with one fsync (group commit).
/// <para>Cost on the app's thread: one compare-and-swap and a copy of the event; no lock the writer could hold, no
/// allocation, no system call except waking the sleeping loop for the first event of a burst. The loop's own work
/// allocates only what the queue keeps for the uploader (each event's JSON), so it does not bring the garbage
/// collector onto the app's threads: it serialises into one reused buffer, and the queue frames into a 64 KiB
/// write buffer.</para>
/// <para>Back-pressure: the ring holds <see cref="MaxPendingInMemory"/> events; when it is full, <see cref="Stage(in PendingEvent)"/>
/// refuses at once and counts the event as dropped (<c>queue_full</c>), so the app's thread never waits. Failure: an
/// event that cannot be written is counted (an internal error, or <c>too_large</c> by the queue) and skipped; the
/// rest of the burst is still written and committed, and a failure of the loop itself is counted and never reaches
/// the app.</para>
/// <para>Shutdown: <see cref="Dispose"/> stops the loop and writes what is still staged before it returns.
/// <see cref="Drain"/> writes at once for a flush or a dying process; a gathering window in which someone else
/// drained ends without a second drain (what arrived since gathers for a new window), so a flush is never followed
/// by a write while the app records the next burst.</para>
/// Thread-safe.</summary>
internal sealed class EventWriter : IDisposable
{
    /// <summary>The ring's size (a power of two): events accepted and not yet written.</summary>
    public const int MaxPendingInMemory = 8192;

    private static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(20);
    private readonly HandOffRing _ring = new(MaxPendingInMemory);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly object _writeGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly DurableQueue _queue;
    private readonly PolicyGate _gate;
    private readonly EventPiiFilter _pii;
    private readonly string _productId;
    private readonly string _appVersion;
    private readonly string _session;
    private readonly DeviceContext _device;
    private readonly SelfDiagnostics _diagnostics;
    private readonly EventSerializer _serializer = new();
    private readonly RecordBuilder _record;
    private FieldValue[] _scratch = new FieldValue[CandorFieldValues.MaxCount];

    // 1 while the loop sleeps until the next event; the producer that takes it back to 0 wakes the loop.
    private int _idle;

    // Drains so far (under _writeGate), so that the loop can tell whether someone drained during its window.
    private long _drains;

    public EventWriter(
        DurableQueue queue, PolicyGate gate, EventPiiFilter pii, string productId, string appVersion, string session,
        DeviceContext device, SelfDiagnostics diagnostics)
    {
        _queue = queue;
        _gate = gate;
        _pii = pii;
        _productId = productId;
        _appVersion = appVersion;
        _session = session;
        _device = device;
        _diagnostics = diagnostics;
        _record = new RecordBuilder(this);
    }

    /// <summary>Accepted events still in memory, not yet written to the durable queue.</summary>
    public int InMemory => _ring.Count;

    /// <summary>Starts the background loop (once). The loop catches its own failures, so nobody needs to await it.</summary>
    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>The end of every accepted event on the app's thread: into the hand-off ring, which the loop drains
    /// to disk. The event id is made there too, off the app's thread. Never blocks, never throws.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Stage(in PendingEvent pending)
    {
        if (!_ring.TryEnqueue(in pending))
        {
            _diagnostics.Dropped(DropReason.QueueFull);
            return;
        }

        // The claim in TryEnqueue was a full fence, so this read cannot pass it: either the loop sees the event
        // before it sleeps, or this sees the loop asleep (the other half is in RunAsync).
        if (Volatile.Read(ref _idle) != 0)
        {
            Wake();
        }
    }

    /// <summary>As <see cref="Stage(in PendingEvent)"/> for a typed event's inline values, copied into the ring's
    /// cell in place.</summary>
    [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
    public void Stage(EventSlot slot, in CandorFieldValues values, DateTimeOffset time)
    {
        if (!_ring.TryEnqueue(slot, in values, time))
        {
            _diagnostics.Dropped(DropReason.QueueFull);
            return;
        }

        if (Volatile.Read(ref _idle) != 0)
        {
            Wake();
        }
    }

    /// <summary>Writes every staged event to the durable queue and flushes it to disk (one fsync per drain, however
    /// many events: group commit). Returns when they are durable.</summary>
    public void Drain()
    {
        lock (_writeGate)
        {
            _drains++;
            var written = 0;
            try
            {
                while (_ring.TryDequeue(out var pending))
                {
                    if (Persist(pending))
                    {
                        written++;
                    }
                }
            }
            finally
            {
                _queue.Commit();
                _diagnostics.Persisted(written);
            }
        }
    }

    /// <summary>Throws away every staged event and every queued one, counting them under <paramref name="reason"/>,
    /// with no write in between; <paramref name="whileStopped"/> runs before any write resumes (deleting local
    /// data renews the device id there, so that no event written afterwards carries the old one).</summary>
    public void Discard(DropReason reason, Action? whileStopped = null)
    {
        lock (_writeGate)
        {
            _drains++;
            var discarded = 0;
            while (_ring.TryDequeue(out _))
            {
                discarded++;
            }

            if (discarded > 0)
            {
                _diagnostics.Dropped(reason, discarded);
            }

            _queue.Clear(reason);
            whileStopped?.Invoke();
        }
    }

    /// <summary>Stops the loop and writes what is still staged, synchronously.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        Drain();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Wake()
    {
        if (Interlocked.Exchange(ref _idle, 0) != 0)
        {
            _wake.Release();
        }
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                // Sleep until the first event of a burst. The exchange is a full fence: after it, either the ring
                // shows the event a producer claimed, or that producer's read of _idle (after its own fenced claim)
                // sees 1 and wakes us. A release left over from a race only costs one empty round.
                Interlocked.Exchange(ref _idle, 1);
                if (_ring.Count == 0)
                {
                    await _wake.WaitAsync(token).ConfigureAwait(false);
                }

                Volatile.Write(ref _idle, 0);
                var drainsBefore = Interlocked.Read(ref _drains);

                // Let a burst gather before writing: one wake-up of this thread and one fsync per burst, instead of
                // a thread wake-up (a system call, microseconds) for almost every event the app records. This is a
                // batching window of the writer, not app-visible time, so it runs on the real clock: a test's fake
                // clock must not stall the writer. A crash report and FlushAsync/Dispose drain at once.
                await Task.Delay(GatherWindow, token).ConfigureAwait(false);
                if (Interlocked.Read(ref _drains) != drainsBefore)
                {
                    // A flush or a crash report drained during the window. What arrived since then gathers for a
                    // window of its own, which starts now: no write lands right after a flush while the app is in
                    // its next burst.
                    continue;
                }

                Drain();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: Dispose drains what is left synchronously.
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("write_loop", ex);
        }
    }

    private bool Persist(in PendingEvent e)
    {
        var values = e.Values;
        try
        {
            // The policy may have changed while the event waited in memory.
            var reason = _gate.Check(e.Slot.Index);
            if (reason != FilterReason.None)
            {
                _diagnostics.Filtered(reason);
                return false;
            }

            // A typed event's values go into one reused array (the generic path's array is the event's own).
            values ??= e.Generated is { } generated ? ToScratch(generated) : ToScratch(e.Inline);
            if (!_pii.Inspect(e.Slot, values))
            {
                return false;
            }

            var id = EventIds.Next(e.Time).ToString("D");
            _record.Set(e.Slot, values, id, e.Time);
            return _queue.TryAppend(e.Slot.Name, _record, out _);
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("persist", ex);
            return false;
        }
        finally
        {
            _record.Clear();
            if (ReferenceEquals(values, _scratch))
            {
                Array.Clear(_scratch, 0, _scratch.Length);
            }
        }
    }

    private FieldValue[] ToScratch(in CandorFieldValues inline)
    {
        var values = Scratch(inline.Count);
        for (var i = 0; i < inline.Count; i++)
        {
            values[i] = inline[i].Value;
        }

        return values;
    }

    private FieldValue[] ToScratch(CandorFieldValue[] generated)
    {
        var values = Scratch(generated.Length);
        for (var i = 0; i < generated.Length; i++)
        {
            values[i] = generated[i].Value;
        }

        return values;
    }

    private FieldValue[] Scratch(int count)
    {
        if (_scratch.Length < count)
        {
            _scratch = new FieldValue[count];
        }

        return _scratch;
    }

    /// <summary>Serialises the event being persisted once the queue has numbered it, into the serializer's reused
    /// buffer. Used under the write lock only.</summary>
    private sealed class RecordBuilder(EventWriter writer) : IRecordBuilder
    {
        private EventSlot? _slot;
        private FieldValue[]? _values;
        private string? _id;
        private DateTimeOffset _time;

        public void Set(EventSlot slot, FieldValue[] values, string id, DateTimeOffset time)
        {
            _slot = slot;
            _values = values;
            _id = id;
            _time = time;
        }

        public void Clear()
        {
            _slot = null;
            _values = null;
            _id = null;
        }

        public ReadOnlySpan<byte> Build(long seq) => writer._serializer.Serialize(
            _slot!, _values!, _id!, _time, seq, writer._productId, writer._appVersion, writer._session, writer._device);
    }
}

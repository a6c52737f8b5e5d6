using Candor.Client.Context;
using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Policy;
using Candor.Client.Privacy;
using Candor.Client.Queue;

namespace Candor.Client.Writing;

/// <summary>Moves accepted events from the app's threads to the durable queue: the app's thread only copies the
/// event into a lock-free hand-off ring (<see cref="HandOffRing"/>); one background thread polls the ring every 10 ms
/// while events arrive, lets what it finds gather until the next tick (an event is written 10 to 20 ms after it was
/// staged), then re-checks the policy, PII-scans, serialises and appends every staged event and commits them with one
/// fsync (group commit). After a second without events it parks, and the first event after that wakes it.
/// <para>Cost on the app's thread: one compare-and-swap and a copy of the event; no lock the writer could hold, no
/// allocation, no signal and no system call while the app keeps recording: only the first event after a second of
/// silence wakes the parked thread (waking the writer for every burst put a thread wake-up and the woken thread's work
/// into every burst the app records: docs/sdk.md, "Durable queue"). The loop's own work
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
/// <para>Latency: an accepted event reaches the durable queue at most 20 ms (two ticks) after it was staged, plus the
/// write itself, whether the writer was polling or parked.</para>
/// Thread-safe.</summary>
internal sealed class EventWriter : IDisposable
{
    /// <summary>The ring's size (a power of two): events accepted and not yet written.</summary>
    public const int MaxPendingInMemory = 8192;

    /// <summary>The writer's polling period while events arrive: an event is written 1 to 2 ticks after it was
    /// staged (at most 20 ms, plus the write itself).</summary>
    private const int Tick = 10;

    /// <summary>Ticks without any event (1 s) after which the writer parks until the next event wakes it.</summary>
    private const int ParkAfterEmptyTicks = 100;

    private readonly HandOffRing _ring = new(MaxPendingInMemory);

    // Set by the producer that finds the writer parked; no spinning: the writer is parked only after a second without
    // events, so nothing is gained by burning the other core before sleeping.
    private readonly ManualResetEventSlim _wake = new(false, 0);
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

    // 1 while the loop is parked until the next event; the producer that takes it back to 0 wakes the loop.
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

    /// <summary>Whether the loop is parked until the next event wakes it (after a second without events).</summary>
    internal bool Parked => Volatile.Read(ref _idle) != 0;

    /// <summary>Accepted events still in memory, not yet written to the durable queue.</summary>
    public int InMemory => _ring.Count;

    /// <summary>Starts the background loop (once). The loop catches its own failures, so nobody needs to await it.</summary>
    public void Start() => new Thread(Run) { IsBackground = true, Name = "Candor event writer" }.Start();

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
        // before it sleeps, or this sees the loop asleep (the other half is in Park).
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
            DrainLocked();
        }
    }

    /// <summary>The loop's drain: none once <see cref="Dispose"/> has begun, whose own drain is the last (the queue
    /// is closed after it), however the loop's tick and the dispose interleave.</summary>
    private void DrainFromLoop()
    {
        lock (_writeGate)
        {
            if (!_stopping.IsCancellationRequested)
            {
                DrainLocked();
            }
        }
    }

    private void DrainLocked()
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
            _wake.Set();
        }
    }

    /// <summary>The writer's own thread. While events keep arriving it polls the ring every <see cref="Tick"/>: a
    /// tick that finds events starts a gathering window, the next one writes them (so an event waits 10 to 20 ms, as
    /// one burst's first event did when the writer was woken for it), unless someone else drained in between, in which
    /// case what arrived since gathers for a window of its own. Only after <see cref="ParkAfterEmptyTicks"/> ticks
    /// without an event does it park until the next event wakes it: the app's thread signals nothing while the app
    /// keeps recording, and an idle app's writer does not keep waking up.</summary>
    private void Run()
    {
        var token = _stopping.Token;
        var stopped = token.WaitHandle;
        try
        {
            var emptyTicks = 0;
            var gathering = false;
            long gatherDrains = 0;
            while (!token.IsCancellationRequested)
            {
                if (emptyTicks >= ParkAfterEmptyTicks)
                {
                    Park(token);
                    emptyTicks = 0;
                }

                // A tick of the writer's batching, not app-visible time, so it runs on the real clock: a test's fake
                // clock must not stall the writer. A crash report and FlushAsync/Dispose drain at once.
                if (stopped.WaitOne(Tick))
                {
                    break;
                }

                if (_ring.Count == 0)
                {
                    emptyTicks++;
                    gathering = false;
                    continue;
                }

                emptyTicks = 0;
                var drains = Interlocked.Read(ref _drains);
                if (!gathering || drains != gatherDrains)
                {
                    // The first tick that sees these events, or a flush or a crash report drained since the window
                    // began: what is there gathers until the next tick, so no write lands right after a flush while
                    // the app is in its next burst.
                    gathering = true;
                    gatherDrains = drains;
                    continue;
                }

                gathering = false;
                DrainFromLoop();
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

    /// <summary>Sleeps until an event arrives. The exchange is a full fence: after it, either the ring shows the event
    /// a producer claimed, or that producer's read of <c>_idle</c> (after its own fenced claim) sees 1 and wakes us. A
    /// wake left over from a race only costs one empty tick.</summary>
    private void Park(CancellationToken token)
    {
        _wake.Reset();
        Interlocked.Exchange(ref _idle, 1);
        if (_ring.Count == 0)
        {
            _wake.Wait(token);
        }

        Volatile.Write(ref _idle, 0);
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

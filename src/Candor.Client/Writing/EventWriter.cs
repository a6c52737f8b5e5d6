using System.Threading.Channels;
using Candor.Client.Context;
using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Policy;
using Candor.Client.Privacy;
using Candor.Client.Queue;

namespace Candor.Client.Writing;

/// <summary>Moves accepted events from the app's threads to the durable queue: the app's thread only puts the event
/// into an in-memory stage; one background loop wakes on the first event of a burst, lets the burst gather for
/// 20 ms, then re-checks the policy, converts, PII-scans, serialises and appends every staged event and commits
/// them with one fsync (group commit).
/// <para>Back-pressure: the stage holds at most 10,000 events; when it is full, <see cref="Stage"/> refuses at
/// once and counts the event as dropped (<c>queue_full</c>), so the app's thread never waits. Failure: an event
/// that cannot be written is counted (an internal error, or <c>too_large</c> by the queue) and skipped; the rest of
/// the burst is still written and committed, and a failure of the loop itself is counted and never reaches the
/// app.</para>
/// <para>Shutdown: <see cref="Dispose"/> stops the loop and writes what is still staged before it returns.
/// <see cref="Drain"/> writes at once for a flush or a dying process.</para>
/// Thread-safe.</summary>
internal sealed class EventWriter : IDisposable
{
    private const int MaxPendingInMemory = 10_000;
    private static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(20);
    private readonly Channel<PendingEvent> _stage;
    private readonly ChannelWriter<PendingEvent> _input;
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
        _stage = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(MaxPendingInMemory)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _input = _stage.Writer;
    }

    /// <summary>Accepted events still in memory, not yet written to the durable queue.</summary>
    public int InMemory => _stage.Reader.Count;

    /// <summary>Starts the background loop (once). The loop catches its own failures, so nobody needs to await it.</summary>
    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>The end of every accepted event on the app's thread: into the in-memory stage, which the loop drains
    /// to disk. The event id is made there too, off the app's thread. Never blocks, never throws.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Stage(in PendingEvent pending)
    {
        if (!_input.TryWrite(pending))
        {
            _diagnostics.Dropped(DropReason.QueueFull);
        }
    }

    /// <summary>Writes every staged event to the durable queue and flushes it to disk (one fsync per drain, however
    /// many events: group commit). Returns when they are durable.</summary>
    public void Drain()
    {
        lock (_writeGate)
        {
            var written = 0;
            try
            {
                while (_stage.Reader.TryRead(out var pending))
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
            var discarded = 0;
            while (_stage.Reader.TryRead(out _))
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

    private async Task RunAsync()
    {
        var reader = _stage.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                // Let a burst gather before writing: one wake-up of this thread and one fsync per burst, instead of
                // a thread wake-up (a system call, microseconds) for almost every event the app records. This is a
                // batching window of the writer, not app-visible time, so it runs on the real clock: a test's fake
                // clock must not stall the writer. A crash report and FlushAsync/Dispose drain at once.
                await Task.Delay(GatherWindow, _stopping.Token).ConfigureAwait(false);
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

    private bool Persist(PendingEvent e)
    {
        try
        {
            // The policy may have changed while the event waited in memory.
            var reason = _gate.Check(e.Slot.Index);
            if (reason != FilterReason.None)
            {
                _diagnostics.Filtered(reason);
                return false;
            }

            var values = e.Values ?? (e.Generated is { } generated ? ToFieldValues(generated) : ToFieldValues(e.Inline));
            if (!_pii.Inspect(e.Slot, values))
            {
                return false;
            }

            var id = EventIds.Next(e.Time).ToString("D");
            return _queue.TryAppend(
                e.Slot.Name,
                seq => EventSerializer.Serialize(e.Slot, values, id, e.Time, seq, _productId, _appVersion, _session, _device),
                out _);
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("persist", ex);
            return false;
        }
    }

    private static FieldValue[] ToFieldValues(in CandorFieldValues inline)
    {
        var values = new FieldValue[inline.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = inline[i].Value;
        }

        return values;
    }

    private static FieldValue[] ToFieldValues(CandorFieldValue[] generated)
    {
        var values = new FieldValue[generated.Length];
        for (var i = 0; i < generated.Length; i++)
        {
            values[i] = generated[i].Value;
        }

        return values;
    }
}

using System.Runtime.InteropServices;
using Candor.Client.Events;

namespace Candor.Client.Writing;

/// <summary>The hand-off between the app's threads and the background writer: a bounded, lock-free ring of
/// <see cref="PendingEvent"/> structs with many producers and one consumer (Vyukov's bounded queue: each cell carries
/// a sequence number that says whether it is free for the producer at a position or filled for the consumer).
/// <para>A producer claims a position with one compare-and-swap on the tail, copies the event into the cell and
/// publishes it with a release write of the cell's sequence; it never takes a lock, never allocates and never waits
/// for the consumer, so the writer draining on the other core cannot make a Track call wait. The consumer advances
/// the head on its own cache line. When the ring is full a producer is refused at once (the caller counts the event
/// as dropped).</para>
/// <para>Thread-safety: <see cref="TryEnqueue(in PendingEvent)"/> from any thread; <see cref="TryDequeue"/> from one thread at a time
/// (the writer calls it under its write lock).</para></summary>
internal sealed class HandOffRing
{
    private readonly Cell[] _cells;
    private readonly long _mask;
    private PaddedLong _tail;
    private PaddedLong _head;

    public HandOffRing(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), "a power of two");
        }

        _cells = new Cell[capacity];
        _mask = capacity - 1;
        for (var i = 0; i < capacity; i++)
        {
            _cells[i].Sequence = i;
        }
    }

    public int Capacity => _cells.Length;

    /// <summary>Events claimed and not yet taken (a claimed event may still be being copied in).</summary>
    public int Count => (int)Math.Max(0, Volatile.Read(ref _tail.Value) - Volatile.Read(ref _head.Value));

    /// <summary>Copies <paramref name="pending"/> into the ring; false when it is full. The compare-and-swap that claims
    /// the position is a full fence, which the writer's sleep protocol relies on (see <c>EventWriter</c>).</summary>
    public bool TryEnqueue(in PendingEvent pending)
    {
        if (!TryClaim(out var position))
        {
            return false;
        }

        ref var cell = ref _cells[position & _mask];
        cell.Event = pending;
        Volatile.Write(ref cell.Sequence, position + 1);
        return true;
    }

    /// <summary>As <see cref="TryEnqueue(in PendingEvent)"/> for a typed event's inline values, filled into the cell
    /// in place: only the values the event has are copied (the consumer left the cell cleared), not a whole
    /// <see cref="PendingEvent"/> with all <see cref="CandorFieldValues.MaxCount"/> value slots and their references.</summary>
    [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
    public bool TryEnqueue(EventSlot slot, in CandorFieldValues values, DateTimeOffset time)
    {
        if (!TryClaim(out var position))
        {
            return false;
        }

        ref var cell = ref _cells[position & _mask];
        cell.Event.Slot = slot;
        cell.Event.Time = time;
        cell.Event.Inline.CopyFrom(in values);
        Volatile.Write(ref cell.Sequence, position + 1);
        return true;
    }

    /// <summary>Claims the next free position for this producer (the caller fills its cell, then publishes it with a
    /// release write of the cell's sequence); false when the ring is full. One claim loop for both ways of filling.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool TryClaim(out long position)
    {
        var cells = _cells;
        position = Volatile.Read(ref _tail.Value);
        while (true)
        {
            var difference = Volatile.Read(ref cells[position & _mask].Sequence) - position;
            if (difference == 0)
            {
                var seen = Interlocked.CompareExchange(ref _tail.Value, position + 1, position);
                if (seen == position)
                {
                    return true;
                }

                position = seen;
            }
            else if (difference < 0)
            {
                // The cell still holds the event of one lap ago: full.
                return false;
            }
            else
            {
                position = Volatile.Read(ref _tail.Value);
            }
        }
    }

    /// <summary>Takes the oldest published event; false when there is none (or the oldest claimed one is still being
    /// copied in, which the next call sees). One consumer at a time.</summary>
    public bool TryDequeue(out PendingEvent pending)
    {
        var position = _head.Value;
        ref var cell = ref _cells[position & _mask];
        if (Volatile.Read(ref cell.Sequence) != position + 1)
        {
            pending = default;
            return false;
        }

        pending = cell.Event;
        // The cell must not keep the event's strings and arrays alive until the ring comes round again, and the
        // in-place enqueue relies on finding it cleared.
        cell.Event = default;
        Volatile.Write(ref cell.Sequence, position + _mask + 1);
        Volatile.Write(ref _head.Value, position + 1);
        return true;
    }

    private struct Cell
    {
        public long Sequence;
        public PendingEvent Event;
    }

    /// <summary>A counter alone on its cache line (and the adjacent-line prefetch), so the producers' tail and the
    /// consumer's head do not share one.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct PaddedLong
    {
        [FieldOffset(128)]
        public long Value;
    }
}

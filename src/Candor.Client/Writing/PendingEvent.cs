using Candor.Client.Events;

namespace Candor.Client.Writing;

/// <summary>An accepted event waiting in memory. A struct, so the hand-off ring allocates nothing per event; a typed
/// event's values are copied into it inline (<see cref="Inline"/>), so such an event allocates nothing on the app's
/// thread at all. Mutable fields, so that the ring can fill a cell in place (<see cref="HandOffRing.TryEnqueue(EventSlot, in CandorFieldValues, DateTimeOffset)"/>)
/// instead of copying a whole struct into it.</summary>
internal struct PendingEvent
{
    public PendingEvent(EventSlot slot, FieldValue[]? values, CandorFieldValue[]? generated, DateTimeOffset time)
    {
        Slot = slot;
        Values = values;
        Generated = generated;
        Inline = default;
        Time = time;
    }

    public PendingEvent(EventSlot slot, in CandorFieldValues inline, DateTimeOffset time)
    {
        Slot = slot;
        Values = null;
        Generated = null;
        Inline = inline;
        Time = time;
    }

    public EventSlot Slot;

    /// <summary>The values in catalog order (generic and built-in events), or null for <see cref="Generated"/>.</summary>
    public FieldValue[]? Values;

    /// <summary>The generated code's own array, in catalog order, converted off the app's thread.</summary>
    public CandorFieldValue[]? Generated;

    /// <summary>The generated code's inline values, when neither <see cref="Values"/> nor <see cref="Generated"/> is
    /// set.</summary>
    public CandorFieldValues Inline;

    public DateTimeOffset Time;
}

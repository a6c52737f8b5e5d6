using Candor.Client.Events;

namespace Candor.Client.Writing;

/// <summary>An accepted event waiting in memory. A struct, so the in-memory stage allocates nothing per event; a
/// typed event's values are copied into it inline (<see cref="Inline"/>), so such an event allocates nothing on the
/// app's thread at all.</summary>
internal readonly struct PendingEvent
{
    public PendingEvent(EventSlot slot, FieldValue[]? values, CandorFieldValue[]? generated, DateTimeOffset time)
    {
        Slot = slot;
        Values = values;
        Generated = generated;
        Time = time;
    }

    public PendingEvent(EventSlot slot, in CandorFieldValues inline, DateTimeOffset time)
    {
        Slot = slot;
        Inline = inline;
        Time = time;
    }

    public EventSlot Slot { get; }

    /// <summary>The values in catalog order (generic and built-in events), or null for <see cref="Generated"/>.</summary>
    public FieldValue[]? Values { get; }

    /// <summary>The generated code's own array, in catalog order, converted off the app's thread.</summary>
    public CandorFieldValue[]? Generated { get; }

    /// <summary>The generated code's inline values, when neither <see cref="Values"/> nor <see cref="Generated"/> is
    /// set.</summary>
    public CandorFieldValues Inline { get; }

    public DateTimeOffset Time { get; }
}

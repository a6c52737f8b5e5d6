using Candor.Client.Events;

namespace Candor.Client.Writing;

/// <summary>An accepted event waiting in memory. A struct, so the in-memory stage allocates nothing per event:
/// the only allocation of a typed event is the value array its generated method makes.</summary>
internal readonly struct PendingEvent
{
    public PendingEvent(EventSlot slot, FieldValue[]? values, CandorFieldValue[]? generated, DateTimeOffset time)
    {
        Slot = slot;
        Values = values;
        Generated = generated;
        Time = time;
    }

    public EventSlot Slot { get; }

    /// <summary>The values in catalog order (generic and built-in events), or null for <see cref="Generated"/>.</summary>
    public FieldValue[]? Values { get; }

    /// <summary>The generated code's own array, in catalog order, converted off the app's thread.</summary>
    public CandorFieldValue[]? Generated { get; }

    public DateTimeOffset Time { get; }
}

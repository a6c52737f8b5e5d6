using Candor.Client.Events;

namespace Candor.Client.Writing;

/// <summary>The values a generated <c>Track…</c> method passes, whatever their form (an array, or the inline
/// <see cref="CandorFieldValues"/>), so that one method accepts both; implemented by structs and used as a generic
/// constraint, so no form is boxed.</summary>
internal interface IGeneratedValues
{
    int Count { get; }

    CandorFieldValue this[int index] { get; }

    /// <summary>Whether every value, in the generated order (which is the catalog's), fits its field's rule.</summary>
    bool AllAccepted(FieldRule[] rules);

    /// <summary>Hands the event to the writer's ring, keeping these values (the array itself, or a copy of the
    /// struct's values made in the ring's cell).</summary>
    void Stage(EventWriter writer, EventSlot slot, DateTimeOffset time);
}

/// <summary>The array form: kept as it is, since the generated code makes a new one per call.</summary>
internal readonly struct GeneratedArray(CandorFieldValue[] values) : IGeneratedValues
{
    public int Count => values.Length;

    public CandorFieldValue this[int index] => values[index];

    [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
    public bool AllAccepted(FieldRule[] rules)
    {
        for (var i = 0; i < rules.Length; i++)
        {
            if (!rules[i].Accepts(values[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    public void Stage(EventWriter writer, EventSlot slot, DateTimeOffset time) => writer.Stage(new PendingEvent(slot, null, values, time));
}

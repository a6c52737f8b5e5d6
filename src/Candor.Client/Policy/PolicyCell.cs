using Candor.Client.Diagnostics;

namespace Candor.Client.Policy;

/// <summary>One event's current policy decision and its count of typed calls that decision filtered: what a
/// generated <c>Track…</c> method reads, through its cached resolution, before it does anything else, so that a
/// filtered typed call is one load, one compare and one increment (about a nanosecond) instead of a policy lookup
/// and a per-thread counter.
/// <para>The <see cref="PolicyGate"/> writes <see cref="Reason"/> whenever the policy changes (a plain write of a
/// byte: a reader sees the old or the new decision). <see cref="Filtered"/> is incremented without an interlocked
/// operation: exact for calls from one thread; when several threads record the same filtered event at the same
/// instant, one increment can overwrite another, so the filtered count can read low under such contention, never
/// high. <see cref="SelfDiagnostics"/> adds the cells into the received and filtered counters.</para></summary>
internal sealed class PolicyCell
{
    public PolicyCell(FilterReason reason) => Reason = reason;

    /// <summary>None when the event may be collected, otherwise why not.</summary>
    public FilterReason Reason;

    /// <summary>Typed calls filtered by this cell, by reason (each also counts as received).</summary>
    public readonly long[] Filtered = new long[ReasonNames.Filter.Length];
}

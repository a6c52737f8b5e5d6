namespace Candor.Client;

/// <summary>What became of the events since the previous flush (or since the client started): how many were written
/// to the durable queue, how many the collector acknowledged, and how many were dropped, by reason.</summary>
public sealed class FlushReceipt
{
    internal FlushReceipt(long persisted, long sent, IReadOnlyDictionary<string, long> dropped, int pending, bool completed)
    {
        Persisted = persisted;
        Sent = sent;
        Dropped = dropped;
        Pending = pending;
        Completed = completed;
    }

    /// <summary>Events written durably to the queue since the previous flush.</summary>
    public long Persisted { get; }

    /// <summary>Events the collector acknowledged since the previous flush.</summary>
    public long Sent { get; }

    /// <summary>Events dropped since the previous flush, by reason; reasons with none are absent.</summary>
    public IReadOnlyDictionary<string, long> Dropped { get; }

    /// <summary>Events still waiting in the queue when the flush returned (they are kept and sent later).</summary>
    public int Pending { get; }

    /// <summary>Whether the queue was emptied (or could not be sent because the policy forbids it) within the timeout.</summary>
    public bool Completed { get; }
}

namespace Candor.Client.Queue;

/// <summary>One event waiting in the durable queue: its sequence number, its name (to re-check the policy) and its
/// serialized JSON exactly as it will be uploaded.</summary>
internal sealed class QueueEntry
{
    public QueueEntry(long seq, string name, byte[] json, int segment)
    {
        Seq = seq;
        Name = name;
        Json = json;
        Segment = segment;
    }

    public long Seq { get; }

    public string Name { get; }

    public byte[] Json { get; }

    public int Segment { get; set; }

    /// <summary>Upload attempts so far (in memory: a restart gives every event a fresh budget).</summary>
    public int Attempts { get; set; }
}

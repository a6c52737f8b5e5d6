using System.Globalization;
using Candor.Client.Storage;

namespace Candor.Client.Queue;

// The uploader's side: read the oldest waiting events and acknowledge them through the cursor.
internal sealed partial class DurableQueue
{
    /// <summary>The oldest waiting events, at most <paramref name="maxEvents"/> and <paramref name="maxBytes"/> of JSON.</summary>
    public List<QueueEntry> Peek(int maxEvents, long maxBytes)
    {
        lock (_gate)
        {
            var batch = new List<QueueEntry>(Math.Min(maxEvents, _pending.Count));
            long bytes = 0;
            foreach (var entry in _pending)
            {
                if (batch.Count == maxEvents || (batch.Count > 0 && bytes + entry.Json.Length + 1 > maxBytes))
                {
                    break;
                }

                batch.Add(entry);
                bytes += entry.Json.Length + 1;
            }

            return batch;
        }
    }

    /// <summary>A copy of every waiting event, oldest first.</summary>
    public List<QueueEntry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _pending];
        }
    }

    /// <summary>Removes every event up to and including <paramref name="seq"/> (they were sent, or dropped as a batch),
    /// persisting the cursor before any segment file is deleted. Returns how many were still waiting.</summary>
    public int RemoveThrough(long seq)
    {
        lock (_gate)
        {
            if (seq <= _cursor)
            {
                return 0;
            }

            var count = 0;
            while (count < _pending.Count && _pending[count].Seq <= seq)
            {
                count++;
            }

            _pending.RemoveRange(0, count);
            _cursor = Math.Min(seq, _lastSeq);
            DataFolder.WriteAllTextAtomic(_cursorPath, _cursor.ToString(CultureInfo.InvariantCulture));
            foreach (var id in _segments.Keys.ToList())
            {
                var segment = _segments[id];
                if (segment.Length > 0 && segment.MaxSeq <= _cursor)
                {
                    DeleteSegment(id);
                }
            }

            return count;
        }
    }
}

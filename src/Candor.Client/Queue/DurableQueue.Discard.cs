using System.Globalization;
using Candor.Client.Diagnostics;
using Candor.Client.Storage;

namespace Candor.Client.Queue;

// The policy's side: remove waiting events it no longer allows, or all of them.
internal sealed partial class DurableQueue
{
    /// <summary>Removes the waiting events that <paramref name="predicate"/> selects by rewriting the survivors into a
    /// new segment (written and flushed before the old ones are deleted). Returns how many were removed.</summary>
    public int RemoveWhere(Func<QueueEntry, bool> predicate, DropReason reason)
    {
        lock (_gate)
        {
            var survivors = new List<QueueEntry>(_pending.Count);
            foreach (var entry in _pending)
            {
                if (!predicate(entry))
                {
                    survivors.Add(entry);
                }
            }

            var removed = _pending.Count - survivors.Count;
            if (removed == 0)
            {
                return 0;
            }

            CloseActive();
            var id = _nextSegmentId++;
            var path = SegmentPath(id);
            var temp = path + ".tmp";
            long length = 0;
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                foreach (var entry in survivors)
                {
                    var frame = new byte[SegmentFormat.FrameOverhead + entry.Json.Length];
                    SegmentFormat.WriteFrame(frame, entry.Seq, entry.Json);
                    stream.Write(frame, 0, frame.Length);
                    length += frame.Length;
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path);
            foreach (var old in _segments.Keys.ToList())
            {
                DeleteSegment(old);
            }

            foreach (var entry in survivors)
            {
                entry.Segment = id;
            }

            _segments[id] = new Segment { Length = length, MaxSeq = survivors.Count > 0 ? survivors[^1].Seq : 0 };
            _diskBytes = length;
            _pending.Clear();
            _pending.AddRange(survivors);
            _diagnostics.Dropped(reason, removed);
            return removed;
        }
    }

    /// <summary>Deletes every waiting event (collection turned off, or local data deleted).</summary>
    public int Clear(DropReason reason)
    {
        lock (_gate)
        {
            var removed = _pending.Count;
            CloseActive();
            foreach (var id in _segments.Keys.ToList())
            {
                DeleteSegment(id);
            }

            _pending.Clear();
            _diskBytes = 0;
            _cursor = _lastSeq;
            DataFolder.WriteAllTextAtomic(_cursorPath, _cursor.ToString(CultureInfo.InvariantCulture));
            if (removed > 0)
            {
                _diagnostics.Dropped(reason, removed);
            }

            return removed;
        }
    }
}

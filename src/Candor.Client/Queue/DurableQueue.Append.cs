using Candor.Client.Diagnostics;

namespace Candor.Client.Queue;

// Writing: append to the active segment, keep the disk cap, and make appends durable.
internal sealed partial class DurableQueue
{
    /// <summary>Writes one event, numbered with the next sequence number that <paramref name="build"/> receives to put
    /// into the JSON. Not durable until <see cref="Commit"/> returns. False when the event alone is over the record
    /// limit (counted as <c>too_large</c>).</summary>
    public bool TryAppend(string name, Func<long, byte[]> build, out long seq)
    {
        lock (_gate)
        {
            seq = _lastSeq + 1;
            var json = build(seq);
            var size = SegmentFormat.FrameOverhead + json.Length;
            if (json.Length > _maxRecordBytes)
            {
                _diagnostics.Dropped(DropReason.TooLarge);
                seq = 0;
                return false;
            }

            while (_diskBytes + size > _maxBytes && _segments.Count > 0)
            {
                DropOldestSegment();
            }

            var segment = EnsureActiveSegment(size);
            var frame = new byte[size];
            SegmentFormat.WriteFrame(frame, seq, json);
            _active!.Write(frame, 0, frame.Length);
            segment.Length += size;
            segment.MaxSeq = seq;
            _diskBytes += size;
            _lastSeq = seq;
            _dirty = true;
            _pending.Add(new QueueEntry(seq, name, json, _activeId));
            return true;
        }
    }

    /// <summary>Flushes every appended record to the disk (fsync). Only after this may an append be acknowledged.</summary>
    public void Commit()
    {
        lock (_gate)
        {
            if (_dirty && _active is not null)
            {
                _active.Flush(flushToDisk: true);
            }

            _dirty = false;
        }
    }

    private Segment EnsureActiveSegment(int size)
    {
        if (_active is not null && _segments.TryGetValue(_activeId, out var current) &&
            (current.Length == 0 || current.Length + size <= _segmentBytes))
        {
            return current;
        }

        CloseActive();
        var id = _nextSegmentId++;
        _active = new FileStream(SegmentPath(id), FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        _activeId = id;
        var segment = new Segment();
        _segments[id] = segment;
        return segment;
    }

    private void DropOldestSegment()
    {
        var oldest = _segments.Keys.First();
        var dropped = _pending.RemoveAll(e => e.Segment == oldest);
        DeleteSegment(oldest);
        if (dropped > 0)
        {
            _diagnostics.Dropped(DropReason.QueueFull, dropped);
        }
    }
}

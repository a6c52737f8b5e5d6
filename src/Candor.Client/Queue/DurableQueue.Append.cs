using Candor.Client.Diagnostics;

namespace Candor.Client.Queue;

// Writing: append to the active segment, keep the disk cap, and make appends durable.
internal sealed partial class DurableQueue
{
    /// <summary>The segment write buffer: frames gather here and reach the file in one write per 64 KiB or per
    /// <see cref="Commit"/>, instead of one write system call per record.</summary>
    public const int WriteBufferBytes = 64 * 1024;

    /// <summary>Writes one event, numbered with the next sequence number that <paramref name="build"/> receives to put
    /// into the JSON. Not durable until <see cref="Commit"/> returns. False when the event alone is over the record
    /// limit (counted as <c>too_large</c>).</summary>
    public bool TryAppend(string name, Func<long, byte[]> build, out long seq) =>
        TryAppend(name, new ArrayBuilder(build), out seq);

    /// <summary>As <see cref="TryAppend(string, Func{long, byte[]}, out long)"/>, with JSON that
    /// <paramref name="builder"/> may keep in its own reused buffer: the queue copies it once, into the record it keeps
    /// for the uploader and into the segment write buffer.</summary>
    public bool TryAppend<TBuilder>(string name, TBuilder builder, out long seq)
        where TBuilder : IRecordBuilder
    {
        lock (_gate)
        {
            seq = _lastSeq + 1;
            var json = builder.Build(seq);
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
            Span<byte> header = stackalloc byte[SegmentFormat.FrameOverhead];
            SegmentFormat.WriteHeader(header, seq, json);
            Buffer(header);
            Buffer(json);
            segment.Length += size;
            segment.MaxSeq = seq;
            _diskBytes += size;
            _lastSeq = seq;
            _dirty = true;
            _pending.Add(new QueueEntry(seq, name, json.ToArray(), _activeId));
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
                WriteBuffered();
                _active.Flush(flushToDisk: true);
            }

            _dirty = false;
        }
    }

    /// <summary>Copies bytes of the active segment into the write buffer, writing the buffer out whenever it fills.</summary>
    private void Buffer(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_buffered == _writeBuffer.Length)
            {
                WriteBuffered();
            }

            var n = Math.Min(bytes.Length, _writeBuffer.Length - _buffered);
            bytes.Slice(0, n).CopyTo(_writeBuffer.AsSpan(_buffered));
            _buffered += n;
            bytes = bytes.Slice(n);
        }
    }

    /// <summary>Hands the buffered bytes to the active segment file (not yet durable: <see cref="Commit"/> syncs).</summary>
    private void WriteBuffered()
    {
        if (_buffered > 0 && _active is not null)
        {
            _active.Write(_writeBuffer, 0, _buffered);
        }

        _buffered = 0;
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
        // Unbuffered (buffer size 1): the queue's own 64 KiB write buffer batches the writes.
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

    /// <summary>The old form of a builder: a new array per record (tests and the crash host use it).</summary>
    private readonly struct ArrayBuilder(Func<long, byte[]> build) : IRecordBuilder
    {
        public ReadOnlySpan<byte> Build(long seq) => build(seq);
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Candor.Client.Diagnostics;
using Candor.Client.Storage;

namespace Candor.Client.Queue;

/// <summary>The on-disk queue of events waiting to be uploaded.
/// <para>Layout: append-only segment files <c>seg-NNNNNNNN.log</c> of framed records
/// (<c>u32 length | u32 CRC-32 | i64 seq | UTF-8 JSON</c>, little endian), and a <c>cursor</c> file (replaced
/// atomically) holding the highest sequence number already sent. An append is acknowledged only after
/// <see cref="Commit"/> has flushed it to disk. Recovery reads the segments in order and stops each at its first bad
/// frame, setting the damaged rest aside in <c>damaged/</c>; a half-written record therefore never comes back.</para>
/// <para>The disk cap holds on every write: before a record is written, whole oldest segments are deleted until it
/// fits, and every event lost that way is counted as dropped (<c>queue_full</c>).</para>
/// Thread-safe: every member takes one lock.</summary>
internal sealed class DurableQueue : IDisposable
{
    public const int FrameOverhead = 16;
    private const string SegmentPrefix = "seg-";
    private const string SegmentSuffix = ".log";

    private readonly object _gate = new();
    private readonly string _folder;
    private readonly string _cursorPath;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly int _maxRecordBytes;
    private readonly SelfDiagnostics _diagnostics;
    private readonly List<QueueEntry> _pending = [];
    private readonly SortedDictionary<int, Segment> _segments = [];
    private FileStream? _active;
    private int _activeId = -1;
    private int _nextSegmentId = 1;
    private long _lastSeq;
    private long _cursor;
    private long _diskBytes;
    private bool _dirty;

    private DurableQueue(string folder, long maxBytes, int maxRecordBytes, SelfDiagnostics diagnostics)
    {
        _folder = folder;
        _cursorPath = Path.Combine(folder, "cursor");
        _maxBytes = maxBytes;
        // Sixteen segments: dropping the oldest one when full loses at most a sixteenth of the queue at once.
        _segmentBytes = Math.Max(16 * 1024, maxBytes / 16);
        _maxRecordBytes = (int)Math.Min(maxRecordBytes, _segmentBytes);
        _diagnostics = diagnostics;
    }

    /// <summary>The highest sequence number ever given out (persisted through the segments and the cursor).</summary>
    public long LastSeq
    {
        get { lock (_gate) { return _lastSeq; } }
    }

    /// <summary>Events waiting to be sent.</summary>
    public int Count
    {
        get { lock (_gate) { return _pending.Count; } }
    }

    /// <summary>The bytes the segment files take on disk.</summary>
    public long DiskBytes
    {
        get { lock (_gate) { return _diskBytes; } }
    }

    /// <summary>Opens (and recovers) the queue in <paramref name="folder"/>, creating it readable by its owner only.</summary>
    public static DurableQueue Open(string folder, long maxBytes, int maxRecordBytes, SelfDiagnostics diagnostics)
    {
        DataFolder.EnsurePrivateDirectory(folder);
        var queue = new DurableQueue(folder, maxBytes, maxRecordBytes, diagnostics);
        queue.Recover();
        return queue;
    }

    /// <summary>Writes one event, numbered with the next sequence number that <paramref name="build"/> receives to put
    /// into the JSON. Not durable until <see cref="Commit"/> returns. False when the event alone is over the record
    /// limit (counted as <c>too_large</c>).</summary>
    public bool TryAppend(string name, Func<long, byte[]> build, out long seq)
    {
        lock (_gate)
        {
            seq = _lastSeq + 1;
            var json = build(seq);
            var size = FrameOverhead + json.Length;
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
            WriteFrame(frame, seq, json);
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
                    var frame = new byte[FrameOverhead + entry.Json.Length];
                    WriteFrame(frame, entry.Seq, entry.Json);
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

    public void Dispose()
    {
        lock (_gate)
        {
            CloseActive();
        }
    }

    private static void WriteFrame(byte[] frame, long seq, byte[] json)
    {
        var payload = frame.AsSpan(8);
        BinaryPrimitives.WriteInt64LittleEndian(payload, seq);
        json.CopyTo(payload.Slice(8));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(0), (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.Compute(payload));
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

    private void CloseActive()
    {
        if (_active is null)
        {
            return;
        }

        if (_dirty)
        {
            _active.Flush(flushToDisk: true);
            _dirty = false;
        }

        _active.Dispose();
        _active = null;
        _activeId = -1;
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

    private void DeleteSegment(int id)
    {
        if (id == _activeId)
        {
            CloseActive();
        }

        _diskBytes -= _segments[id].Length;
        _segments.Remove(id);
        DataFolder.DeleteIfExists(SegmentPath(id));
    }

    private string SegmentPath(int id) =>
        Path.Combine(_folder, SegmentPrefix + id.ToString("D8", CultureInfo.InvariantCulture) + SegmentSuffix);

    private void Recover()
    {
        foreach (var temp in Directory.GetFiles(_folder, "*.tmp"))
        {
            File.Delete(temp);
        }

        var cursorText = DataFolder.ReadAllTextOrNull(_cursorPath);
        if (cursorText is not null && !long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out _cursor))
        {
            SetAside(_cursorPath, File.ReadAllBytes(_cursorPath), 0);
            _cursor = 0;
        }

        var ids = new List<int>();
        foreach (var file in Directory.GetFiles(_folder, SegmentPrefix + "*" + SegmentSuffix))
        {
            var stem = Path.GetFileName(file).Substring(SegmentPrefix.Length);
            stem = stem.Substring(0, stem.Length - SegmentSuffix.Length);
            if (int.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        var seen = new HashSet<long>();
        var maxSeq = _cursor;
        foreach (var id in ids)
        {
            _nextSegmentId = Math.Max(_nextSegmentId, id + 1);
            var path = SegmentPath(id);
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (IOException)
            {
                SetAsideWholeFile(path);
                continue;
            }

            var good = ReadFrames(bytes, id, seen, ref maxSeq, out var segmentMax);
            if (good < bytes.Length)
            {
                SetAside(path, bytes, good);
                using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
                truncate.SetLength(good);
                truncate.Flush(flushToDisk: true);
            }

            if (good == 0 || segmentMax <= _cursor)
            {
                File.Delete(path);
                continue;
            }

            _segments[id] = new Segment { Length = good, MaxSeq = segmentMax };
            _diskBytes += good;
        }

        _pending.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        _lastSeq = maxSeq;
        while (_diskBytes > _maxBytes && _segments.Count > 0)
        {
            DropOldestSegment();
        }
    }

    /// <summary>Reads frames until the end or the first bad one; returns the length of the good prefix.</summary>
    private int ReadFrames(byte[] bytes, int segment, HashSet<long> seen, ref long maxSeq, out long segmentMax)
    {
        segmentMax = 0;
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < FrameOverhead)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            if (length < 9 || length > bytes.Length - offset - 8)
            {
                break;
            }

            var payload = bytes.AsSpan(offset + 8, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)) != Crc32.Compute(payload))
            {
                break;
            }

            var seq = BinaryPrimitives.ReadInt64LittleEndian(payload);
            var json = payload.Slice(8).ToArray();
            var name = ReadName(json);
            if (name is null)
            {
                break;
            }

            offset += 8 + (int)length;
            segmentMax = Math.Max(segmentMax, seq);
            maxSeq = Math.Max(maxSeq, seq);
            if (seq > _cursor && seen.Add(seq))
            {
                _pending.Add(new QueueEntry(seq, name, json, segment));
            }
        }

        return offset;
    }

    private static string? ReadName(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (isName && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void SetAside(string path, byte[] bytes, int from)
    {
        var damaged = Path.Combine(_folder, "damaged");
        DataFolder.EnsurePrivateDirectory(damaged);
        var target = Path.Combine(damaged, Path.GetFileName(path) + "." + from.ToString(CultureInfo.InvariantCulture) + ".bad");
        using (var stream = new FileStream(target, FileMode.Create, FileAccess.Write))
        {
            stream.Write(bytes, from, bytes.Length - from);
            stream.Flush(flushToDisk: true);
        }

        _diagnostics.Dropped(DropReason.Corrupt);
    }

    private void SetAsideWholeFile(string path)
    {
        var damaged = Path.Combine(_folder, "damaged");
        DataFolder.EnsurePrivateDirectory(damaged);
        File.Move(path, Path.Combine(damaged, Path.GetFileName(path) + ".bad"));
        _diagnostics.Dropped(DropReason.Corrupt);
    }

    private sealed class Segment
    {
        public long Length { get; set; }

        public long MaxSeq { get; set; }
    }
}

using Candor.Client.Diagnostics;
using Candor.Client.Storage;

namespace Candor.Client.Queue;

/// <summary>The on-disk queue of events waiting to be uploaded.
/// <para>Layout: append-only segment files <c>seg-NNNNNNNN.log</c> of framed records
/// (<c>u32 length | u32 CRC-32 | i64 seq | UTF-8 JSON</c>, little endian; see <see cref="SegmentFormat"/>), and a
/// <c>cursor</c> file (replaced atomically) holding the highest sequence number already sent. An append is
/// acknowledged only after <see cref="Commit"/> has flushed it to disk. Recovery reads the segments in order and stops
/// each at its first bad frame, setting the damaged rest aside in <c>damaged/</c>; a half-written record therefore
/// never comes back.</para>
/// <para>The disk cap holds on every write: before a record is written, whole oldest segments are deleted until it
/// fits, and every event lost that way is counted as dropped (<c>queue_full</c>).</para>
/// <para>One class in partial files by concern: this file holds the state and the segment files' bookkeeping;
/// <c>.Append</c> writing and committing, <c>.Read</c> what the uploader takes and acknowledges, <c>.Discard</c>
/// what the policy removes, <c>.Recovery</c> opening after a crash.</para>
/// Thread-safe: every member takes one lock.</summary>
internal sealed partial class DurableQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly string _folder;
    private readonly string _cursorPath;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly int _maxRecordBytes;
    private readonly SelfDiagnostics _diagnostics;
    private readonly List<QueueEntry> _pending = [];
    private readonly SortedDictionary<int, Segment> _segments = [];
    private readonly byte[] _writeBuffer = new byte[WriteBufferBytes];
    private int _buffered;
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

    public void Dispose()
    {
        lock (_gate)
        {
            CloseActive();
        }
    }

    private void CloseActive()
    {
        if (_active is null)
        {
            return;
        }

        if (_dirty)
        {
            WriteBuffered();
            _active.Flush(flushToDisk: true);
            _dirty = false;
        }

        _active.Dispose();
        _active = null;
        _activeId = -1;
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

    private string SegmentPath(int id) => Path.Combine(_folder, SegmentFormat.SegmentFileName(id));

    private sealed class Segment
    {
        public long Length { get; set; }

        public long MaxSeq { get; set; }
    }
}

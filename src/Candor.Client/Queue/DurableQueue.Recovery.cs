using System.Globalization;
using Candor.Client.Diagnostics;
using Candor.Client.Storage;

namespace Candor.Client.Queue;

// Opening after a crash: keep every whole record, set the damaged rest aside, never fail.
internal sealed partial class DurableQueue
{
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
        foreach (var file in Directory.GetFiles(_folder, SegmentFormat.SegmentPrefix + "*" + SegmentFormat.SegmentSuffix))
        {
            if (SegmentFormat.TryParseSegmentId(Path.GetFileName(file), out var id))
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
            if (!SegmentFormat.TryReadFrame(bytes, offset, out var seq, out var payload, out var frameLength))
            {
                break;
            }

            var json = payload.ToArray();
            var name = SegmentFormat.ReadEventName(json);
            if (name is null)
            {
                break;
            }

            offset += frameLength;
            segmentMax = Math.Max(segmentMax, seq);
            maxSeq = Math.Max(maxSeq, seq);
            if (seq > _cursor && seen.Add(seq))
            {
                _pending.Add(new QueueEntry(seq, name, json, segment));
            }
        }

        return offset;
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
}

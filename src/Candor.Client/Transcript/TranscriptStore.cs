using System.Globalization;
using System.Text;
using System.Text.Json;
using Candor.Client.Storage;

namespace Candor.Client.Transcript;

/// <summary>The local record of exactly what was uploaded: JSON lines in <c>transcript/yyyyMMdd-NNNN.jsonl</c>, each
/// holding the time of upload, the batch id, the collector's verdict, the event's level and category, and the event's
/// JSON exactly as sent. Files older than the age limit, and the oldest files beyond the size limit, are deleted.</summary>
internal sealed class TranscriptStore
{
    private readonly object _gate = new();
    private readonly string _folder;
    private readonly TimeSpan _maxAge;
    private readonly long _maxBytes;

    /// <summary>The largest line buffer kept between batches.</summary>
    private const int MaxKeptBuffer = 1 << 20;

    // Used under _gate only.
    private MemoryStream _buffer = new();
    private Utf8JsonWriter? _json;

    public TranscriptStore(string dataFolder, TimeSpan maxAge, long maxBytes)
    {
        _folder = FolderOf(dataFolder);
        _maxAge = maxAge;
        _maxBytes = maxBytes;
    }

    public static string FolderOf(string dataFolder) => Path.Combine(dataFolder, "transcript");

    public void Append(IReadOnlyList<TranscriptLine> lines, DateTimeOffset now)
    {
        if (lines.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            DataFolder.EnsurePrivateDirectory(_folder);
            // Every line of the batch goes into one buffer that is kept for the next batch: a batch of uploaded events
            // costs no garbage per line (the SDK's background work must not bring the garbage collector onto the
            // app's threads). A buffer that grew past the limit is let go after use.
            var buffer = _buffer;
            buffer.SetLength(0);
            var json = _json ??= new Utf8JsonWriter(buffer);
            string? uploadedAt = null;
            var uploadedAtTicks = long.MinValue;
            foreach (var line in lines)
            {
                if (line.UploadedAt.UtcTicks != uploadedAtTicks)
                {
                    uploadedAtTicks = line.UploadedAt.UtcTicks;
                    uploadedAt = line.UploadedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                }

                json.Reset(buffer);
                line.WriteTo(json, uploadedAt!);
                json.Flush();
                buffer.WriteByte((byte)'\n');
            }

            var length = (int)buffer.Length;
            var path = CurrentFile(now, length);
            try
            {
                using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
                stream.Write(buffer.GetBuffer(), 0, length);
                stream.Flush(flushToDisk: true);
            }
            finally
            {
                if (buffer.Capacity > MaxKeptBuffer)
                {
                    _buffer = new MemoryStream();
                    _json = null;
                }
            }

            Prune(now);
        }
    }

    public void DeleteAll()
    {
        lock (_gate)
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }

    /// <summary>Reads every line of every transcript file, oldest first; unreadable lines are skipped.</summary>
    public static List<TranscriptEntry> Read(string dataFolder)
    {
        var folder = FolderOf(dataFolder);
        var entries = new List<TranscriptEntry>();
        if (!Directory.Exists(folder))
        {
            return entries;
        }

        var files = Directory.GetFiles(folder, "*.jsonl");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var line in File.ReadAllLines(file, Encoding.UTF8))
            {
                if (TranscriptLine.TryParse(line, out var entry))
                {
                    entries.Add(entry);
                }
            }
        }

        return entries;
    }

    private string CurrentFile(DateTimeOffset now, int adding)
    {
        var day = now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var existing = Directory.GetFiles(_folder, day + "-*.jsonl");
        Array.Sort(existing, StringComparer.Ordinal);
        // Roll at an eighth of the limit so that pruning the oldest file frees space in small steps.
        var rollAt = Math.Max(64 * 1024, _maxBytes / 8);
        if (existing.Length > 0 && new FileInfo(existing[^1]).Length + adding <= rollAt)
        {
            return existing[^1];
        }

        // Numbered after the newest file of the day, never by count: pruning deletes the oldest ones.
        var next = existing.Length == 0 ? 0 : int.Parse(Path.GetFileNameWithoutExtension(existing[^1]).Substring(9), NumberStyles.None, CultureInfo.InvariantCulture) + 1;
        return Path.Combine(_folder, day + "-" + next.ToString("D6", CultureInfo.InvariantCulture) + ".jsonl");
    }

    private void Prune(DateTimeOffset now)
    {
        var files = Directory.GetFiles(_folder, "*.jsonl");
        Array.Sort(files, StringComparer.Ordinal);
        var oldest = (now - _maxAge).UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var sizes = files.Select(f => new FileInfo(f).Length).ToArray();
        var total = sizes.Sum();
        for (var i = 0; i < files.Length; i++)
        {
            var day = Path.GetFileName(files[i]).Substring(0, 8);
            var tooOld = string.CompareOrdinal(day, oldest) < 0;
            // The newest file is always kept: it holds what was just uploaded.
            if (tooOld || (total > _maxBytes && i < files.Length - 1))
            {
                File.Delete(files[i]);
                total -= sizes[i];
            }
        }
    }
}

/// <summary>One transcript line as written.</summary>
internal readonly struct TranscriptLine
{
    public TranscriptLine(DateTimeOffset uploadedAt, string batchId, string outcome, string level, string category, byte[] eventJson)
    {
        UploadedAt = uploadedAt;
        BatchId = batchId;
        Outcome = outcome;
        Level = level;
        Category = category;
        EventJson = eventJson;
    }

    public DateTimeOffset UploadedAt { get; }

    public string BatchId { get; }

    public string Outcome { get; }

    public string Level { get; }

    public string Category { get; }

    public byte[] EventJson { get; }

    /// <summary>Writes the line as one JSON object; <paramref name="uploadedAt"/> is <see cref="UploadedAt"/> formatted
    /// (one text for a whole batch).</summary>
    public void WriteTo(Utf8JsonWriter writer, string uploadedAt)
    {
        writer.WriteStartObject();
        writer.WriteString("uploadedAt", uploadedAt);
        writer.WriteString("batchId", BatchId);
        writer.WriteString("outcome", Outcome);
        writer.WriteString("level", Level);
        writer.WriteString("category", Category);
        writer.WritePropertyName("event");
        writer.WriteRawValue(EventJson, skipInputValidation: true);
        writer.WriteEndObject();
    }

    public static bool TryParse(string line, out TranscriptEntry entry)
    {
        entry = null!;
        if (string.IsNullOrWhiteSpace(line))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var ev = root.GetProperty("event");
            entry = new TranscriptEntry(
                DateTimeOffset.Parse(root.GetProperty("uploadedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                root.GetProperty("batchId").GetString() ?? "",
                root.GetProperty("outcome").GetString() ?? "",
                ev.GetProperty("name").GetString() ?? "",
                root.GetProperty("level").GetString() ?? "",
                root.GetProperty("category").GetString() ?? "",
                DateTimeOffset.Parse(ev.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                ev.GetRawText());
            return true;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }
}

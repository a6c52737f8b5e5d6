namespace Candor.Client;

/// <summary>One event the SDK uploaded, as recorded in the local transcript: exactly the JSON that left the device.</summary>
public sealed class TranscriptEntry
{
    internal TranscriptEntry(
        DateTimeOffset uploadedAt, string batchId, string outcome, string name, string level, string category,
        DateTimeOffset time, string json)
    {
        UploadedAt = uploadedAt;
        BatchId = batchId;
        Outcome = outcome;
        Name = name;
        Level = level;
        Category = category;
        Time = time;
        Json = json;
    }

    /// <summary>When the collector acknowledged the upload.</summary>
    public DateTimeOffset UploadedAt { get; }

    /// <summary>The id of the batch the event travelled in.</summary>
    public string BatchId { get; }

    /// <summary>What the collector said: <c>accepted</c>, or <c>rejected:CODE</c>.</summary>
    public string Outcome { get; }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>The event's level wire name (<c>required</c> or <c>optional</c>).</summary>
    public string Level { get; }

    /// <summary>The event's category wire name.</summary>
    public string Category { get; }

    /// <summary>When the event was recorded on the device.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The event's JSON exactly as uploaded.</summary>
    public string Json { get; }
}

namespace Candor.Server.Ingestion;

/// <summary>One event as a wire format other than the JSON batch maps it, before any rule is applied: the envelope
/// values it found (null when absent) and its data values in the order they came. <see cref="EventAcceptance.Accept"/>
/// checks it exactly as the JSON reader checks an event. A mapper may reuse one instance per request through
/// <see cref="Reset"/>. Not thread-safe.</summary>
internal sealed class ParsedEvent
{
    /// <summary>The event's id. It is the dedupe key: a format without ids must derive a stable one from the record
    /// (so that a retried request stores nothing twice).</summary>
    public Guid? Id { get; set; }

    public string? Name { get; set; }

    public DateTimeOffset? Time { get; set; }

    public long? Seq { get; set; }

    public string? Product { get; set; }

    public string? AppVersion { get; set; }

    public string? Sdk { get; set; }

    public Guid? Session { get; set; }

    public Guid? DeviceId { get; set; }

    public string? DeviceClass { get; set; }

    public string? Os { get; set; }

    public string? OsVersion { get; set; }

    public string? Arch { get; set; }

    public string? Locale { get; set; }

    /// <summary>Set by the mapper when its own format's envelope value cannot be decoded (an id that is no UUID,
    /// a time out of range): the event is rejected as <c>invalid_envelope</c> with this message.</summary>
    public string? EnvelopeError { get; set; }

    public List<DataValue> Data { get; } = [];

    public void Reset()
    {
        Id = null;
        Name = null;
        Time = null;
        Seq = null;
        Product = null;
        AppVersion = null;
        Sdk = null;
        Session = null;
        DeviceId = null;
        DeviceClass = null;
        Os = null;
        OsVersion = null;
        Arch = null;
        Locale = null;
        EnvelopeError = null;
        Data.Clear();
    }
}

/// <summary>The kind of a <see cref="DataValue"/>, as wire formats carry scalars.</summary>
internal enum DataValueKind : byte
{
    String,
    Integer,
    Double,
    Bool,
}

/// <summary>One property of an event's data, named as the catalog names the field. Timestamps, versions, hashes
/// and enumerated values travel as strings, durations as integer milliseconds, as in the JSON protocol.</summary>
internal readonly record struct DataValue(string Name, DataValueKind Kind, string? Text, long Integer, double Double, bool Bool)
{
    public static DataValue String(string name, string text) => new(name, DataValueKind.String, text, 0, 0, false);

    public static DataValue Of(string name, long value) => new(name, DataValueKind.Integer, null, value, 0, false);

    public static DataValue Of(string name, double value) => new(name, DataValueKind.Double, null, 0, value, false);

    public static DataValue Of(string name, bool value) => new(name, DataValueKind.Bool, null, 0, 0, value);
}

using System.Globalization;

namespace Candor.Client.Events;

/// <summary>The kind of value a <see cref="FieldValue"/> holds.</summary>
internal enum FieldValueKind : byte
{
    Absent = 0,
    String,
    Integer,
    Double,
    Bool,
}

/// <summary>One field value without boxing: what generated typed-event methods pass (wrapped in
/// <see cref="CandorFieldValue"/>) to <c>CandorClient.TrackGenerated</c>. Timestamps travel as their ISO 8601
/// text, durations as milliseconds.</summary>
internal readonly struct FieldValue
{
    // A double is kept in the integer's bits: 24 bytes instead of 32, so a typed event's values (and the ring cell they
    // are copied into) take fewer cache lines on the app's thread.
    private FieldValue(FieldValueKind kind, string? text, long integer)
    {
        Kind = kind;
        Text = text;
        Integer = integer;
    }

    public FieldValueKind Kind { get; }

    public string? Text { get; }

    public long Integer { get; }

    /// <summary>The value of a <see cref="FieldValueKind.Double"/>.</summary>
    public double Number => BitConverter.Int64BitsToDouble(Integer);

    public bool IsPresent => Kind != FieldValueKind.Absent;

    public static FieldValue Absent => default;

    public static FieldValue From(string? value) => value is null ? default : new(FieldValueKind.String, value, 0);

    public static FieldValue From(long value) => new(FieldValueKind.Integer, null, value);

    public static FieldValue From(double value) => new(FieldValueKind.Double, null, BitConverter.DoubleToInt64Bits(value));

    public static FieldValue From(bool value) => new(FieldValueKind.Bool, null, value ? 1 : 0);

    public static FieldValue From(TimeSpan duration) => From((long)duration.TotalMilliseconds);

    public static FieldValue From(DateTimeOffset time) =>
        From(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    public FieldValue WithText(string text) => new(FieldValueKind.String, text, 0);
}

/// <summary>An event of the compiled catalog, resolved once (by name, or at compile time by the generator) to an
/// index so that the hot path is an array lookup.</summary>
internal readonly struct EventDefinitionHandle
{
    public EventDefinitionHandle(int index) => Index = index;

    public int Index { get; }
}

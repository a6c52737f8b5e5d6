using System.Text.RegularExpressions;
using Candor.Core.Model;
using Candor.Fleet.Simulation;

namespace Candor.Fleet.Events;

/// <summary>The shape of one generated value.</summary>
internal enum ValueKind : byte
{
    /// <summary>Not present: an optional field the device did not fill.</summary>
    None,

    /// <summary>int, long, duration (ms) or timestamp (Unix ms).</summary>
    Integer,

    /// <summary>double.</summary>
    Real,

    /// <summary>bool.</summary>
    Boolean,

    /// <summary>string, enum, version or hash.</summary>
    Text,
}

/// <summary>One generated field value, without boxing.</summary>
internal readonly struct FieldValue
{
    private FieldValue(ValueKind kind, long integer, double real, string? text)
    {
        Kind = kind;
        Integer = integer;
        Real = real;
        Text = text;
    }

    public ValueKind Kind { get; }

    public long Integer { get; }

    public double Real { get; }

    public string? Text { get; }

    public static FieldValue Of(long value) => new(ValueKind.Integer, value, 0, null);

    public static FieldValue Of(double value) => new(ValueKind.Real, 0, value, null);

    public static FieldValue Of(bool value) => new(ValueKind.Boolean, value ? 1 : 0, 0, null);

    public static FieldValue Of(string value) => new(ValueKind.Text, 0, 0, value);
}

/// <summary>One generated event: the envelope as the device had it at that moment, and values for the fields
/// of its catalog definition. Values are set through type-checked setters, so a value that does not fit the
/// declared type (or an enum value the catalog does not list) is never stored.</summary>
internal sealed partial class SimEvent
{
    public SimEvent(EventTemplate template, FleetDevice device, Guid id, Guid session, long timeMs)
    {
        Template = template;
        Device = device;
        Id = id;
        Session = session;
        TimeMs = timeMs;
        AppVersion = device.AppVersion;
        OsVersion = device.OsVersion;
        Values = new FieldValue[template.Fields.Length];
    }

    public EventTemplate Template { get; }

    public FleetDevice Device { get; }

    public Guid Id { get; }

    public Guid Session { get; }

    public long TimeMs { get; set; }

    public long Seq { get; set; }

    public string AppVersion { get; set; }

    public string OsVersion { get; }

    public FieldValue[] Values { get; }

    public string Name => Template.Name;

    public void Set(string field, long value)
    {
        var i = Template.IndexOf(field);
        if (i < 0)
        {
            return;
        }

        switch (Template.Fields[i].Type)
        {
            case FieldType.Int:
                Values[i] = FieldValue.Of(Math.Clamp(value, int.MinValue, int.MaxValue));
                break;
            case FieldType.Long:
            case FieldType.Timestamp:
                Values[i] = FieldValue.Of(value);
                break;
            case FieldType.Duration:
                Values[i] = FieldValue.Of(Math.Max(0, value));
                break;
            case FieldType.Double:
                Values[i] = FieldValue.Of((double)value);
                break;
        }
    }

    public void Set(string field, double value)
    {
        var i = Template.IndexOf(field);
        if (i >= 0 && Template.Fields[i].Type == FieldType.Double && double.IsFinite(value))
        {
            Values[i] = FieldValue.Of(value);
        }
    }

    public void Set(string field, bool value)
    {
        var i = Template.IndexOf(field);
        if (i >= 0 && Template.Fields[i].Type == FieldType.Bool)
        {
            Values[i] = FieldValue.Of(value);
        }
    }

    public void Set(string field, string value)
    {
        var i = Template.IndexOf(field);
        if (i < 0)
        {
            return;
        }

        var slot = Template.Fields[i];
        switch (slot.Type)
        {
            case FieldType.String:
                Values[i] = FieldValue.Of(slot.MaxLength is { } max && value.Length > max ? value[..max] : value);
                break;
            case FieldType.Enum when slot.Values.Contains(value, StringComparer.Ordinal):
                Values[i] = FieldValue.Of(value);
                break;
            case FieldType.Version when VersionPattern().IsMatch(value):
                Values[i] = FieldValue.Of(value);
                break;
            case FieldType.Hash when HashPattern().IsMatch(value):
                Values[i] = FieldValue.Of(value);
                break;
        }
    }

    /// <summary>Removes an optional value (a required one stays).</summary>
    public void Clear(string field)
    {
        var i = Template.IndexOf(field);
        if (i >= 0 && !Template.Fields[i].Required)
        {
            Values[i] = default;
        }
    }

    public FieldValue Get(string field)
    {
        var i = Template.IndexOf(field);
        return i < 0 ? default : Values[i];
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+){1,3}$", RegexOptions.CultureInvariant)]
    internal static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    internal static partial Regex HashPattern();
}

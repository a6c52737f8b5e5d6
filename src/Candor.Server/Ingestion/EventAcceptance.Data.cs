using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Core.Privacy;
using Candor.Server.Catalogs;

namespace Candor.Server.Ingestion;

// The declared data of an event: each value checked against its field's definition (type, length, declared
// values, PII) and written back compactly into the stored `data` object with one reused Utf8JsonWriter.
internal sealed partial class EventAcceptance
{
    // Never echo a client-chosen name back unless it looks like an identifier: a property name can itself be
    // personal data, and responses must not become a way to reflect it.
    private const int MaxEchoedNameLength = 64;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly ArrayBufferWriter<byte> _data = new(1024);
    private readonly Utf8JsonWriter _writer;
    private bool[] _seen = new bool[16];

    /// <summary>Starts the data object of an event that passed <see cref="Check"/>.</summary>
    public void BeginData(EventRule rule)
    {
        if (_seen.Length < rule.Fields.Count)
        {
            _seen = new bool[rule.Fields.Count];
        }

        Array.Clear(_seen, 0, rule.Fields.Count);
        _data.ResetWrittenCount();
        _writer.Reset(_data);
        _writer.WriteStartObject();
    }

    /// <summary>The declared field of a data property. <paramref name="decoded"/> is false when the reader could not
    /// decode the name (too long to be any field's). An undeclared or repeated field fails the event.</summary>
    public bool TryField(EventRule rule, ReadOnlySpan<char> name, bool decoded, ref EventEnvelope e, out FieldRule field)
    {
        if (!decoded || !rule.TryGetField(name, out field))
        {
            var shown = decoded && IsEchoable(name) ? $"'data.{name}'" : "A property of 'data'";
            e.Fail(RejectionCode.UndeclaredField, $"{shown} is not declared by '{rule.Name}'.");
            field = null!;
            return false;
        }

        if (_seen[field.Index])
        {
            e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' appears more than once.");
            return false;
        }

        _seen[field.Index] = true;
        return true;
    }

    /// <summary>Ends the data object: every required field must have come. The stored JSON is in
    /// <see cref="EventEnvelope.Data"/> when this returns true.</summary>
    public bool EndData(EventRule rule, ref EventEnvelope e)
    {
        foreach (var field in rule.Fields)
        {
            if (field.Required && !_seen[field.Index])
            {
                e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' is required by '{rule.Name}'.");
                return false;
            }
        }

        _writer.WriteEndObject();
        _writer.Flush();
        e.Data = Encoding.UTF8.GetString(_data.WrittenSpan);
        return true;
    }

    /// <summary>A value of the wrong type or form for its field.</summary>
    public static bool RejectValue(FieldRule field, ref EventEnvelope e)
    {
        e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' must be {Describe(field)}.");
        return false;
    }

    public static bool RejectTooLong(FieldRule field, int max, ref EventEnvelope e)
    {
        e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' is longer than {max} characters.");
        return false;
    }

    /// <summary>The longest value a string field takes, in UTF-16 code units.</summary>
    public int MaxLength(FieldRule field) => field.MaxLength ?? _rules.Limits.DefaultMaxStringLength;

    /// <summary>A <see cref="FieldType.String"/> value: within its length, and scanned for PII, which is redacted
    /// or rejects the event as the field's classification says.</summary>
    public bool WriteString(FieldRule field, ReadOnlySpan<char> value, ref EventEnvelope e)
    {
        var max = MaxLength(field);
        if (value.Length > max)
        {
            return RejectTooLong(field, max, ref e);
        }

        // PostgreSQL's jsonb cannot hold U+0000 (the commit would fail for every event queued with this one) and
        // DuckDB would keep it: refused, so both stores hold the same value, the one that was checked.
        if (value.Contains('\0'))
        {
            e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' holds a NUL character.");
            return false;
        }

        if (_rules.Pii.TryFindFirst(value, out var kind))
        {
            if (!PiiGuard.Redacts(field.Classification))
            {
                e.Fail(RejectionCode.PiiDetected, $"'data.{field.Name}' holds a value the PII detectors flag ({kind}).");
                return false;
            }

            _writer.WriteString(field.EncodedName, _rules.Pii.Redact(value.ToString()));
            e.Redactions++;
            return true;
        }

        _writer.WriteString(field.EncodedName, value);
        return true;
    }

    /// <summary>A whole number for an <see cref="FieldType.Int"/> (32 bits), <see cref="FieldType.Long"/> or
    /// <see cref="FieldType.Duration"/> (non-negative milliseconds) field.</summary>
    public bool WriteInteger(FieldRule field, long value, ref EventEnvelope e)
    {
        var valid = field.Type switch
        {
            FieldType.Int => value is >= int.MinValue and <= int.MaxValue,
            FieldType.Long => true,
            FieldType.Duration => value >= 0,
            _ => false,
        };
        if (!valid)
        {
            return RejectValue(field, ref e);
        }

        _writer.WriteNumber(field.EncodedName, value);
        return true;
    }

    public bool WriteDouble(FieldRule field, double value, ref EventEnvelope e)
    {
        if (field.Type != FieldType.Double || !double.IsFinite(value))
        {
            return RejectValue(field, ref e);
        }

        _writer.WriteNumber(field.EncodedName, value);
        return true;
    }

    public void WriteBool(FieldRule field, bool value) => _writer.WriteBoolean(field.EncodedName, value);

    /// <summary>A timestamp, stored in UTC.</summary>
    public void WriteTimestamp(FieldRule field, DateTimeOffset value) => _writer.WriteString(field.EncodedName, value.ToUniversalTime());

    /// <summary>A <see cref="FieldType.Version"/> value, as its ASCII bytes.</summary>
    public bool WriteVersion(FieldRule field, ReadOnlySpan<byte> ascii, ref EventEnvelope e)
    {
        if (!IsVersion(ascii))
        {
            return RejectValue(field, ref e);
        }

        _writer.WriteString(field.EncodedName, ascii);
        return true;
    }

    /// <summary>A <see cref="FieldType.Hash"/> value, as its ASCII bytes.</summary>
    public bool WriteHash(FieldRule field, ReadOnlySpan<byte> ascii, ref EventEnvelope e)
    {
        if (!IsSha256Hex(ascii))
        {
            return RejectValue(field, ref e);
        }

        _writer.WriteString(field.EncodedName, ascii);
        return true;
    }

    /// <summary>An <see cref="FieldType.Enum"/> value: one of the field's declared values.</summary>
    public bool WriteEnum(FieldRule field, ReadOnlySpan<char> value, ref EventEnvelope e)
    {
        if (!field.IsAllowedValue(value))
        {
            return RejectValue(field, ref e);
        }

        _writer.WriteString(field.EncodedName, value);
        return true;
    }

    private static string Describe(FieldRule field) => field.Type switch
    {
        FieldType.String => "a string",
        FieldType.Int => "an integer within 32 bits",
        FieldType.Long => "an integer within 64 bits",
        FieldType.Double => "a finite number",
        FieldType.Bool => "true or false",
        FieldType.Timestamp => "an ISO 8601 timestamp string",
        FieldType.Duration => "a non-negative integer number of milliseconds",
        FieldType.Version => "a dotted version string of two to four numbers",
        FieldType.Enum => "one of the declared values",
        FieldType.Hash => "a lowercase hexadecimal SHA-256 (64 characters)",
        _ => "a valid value",
    };

    internal static bool IsVersion(ReadOnlySpan<byte> text)
    {
        var parts = 1;
        var digits = 0;
        foreach (var b in text)
        {
            if (b == (byte)'.')
            {
                if (digits == 0)
                {
                    return false;
                }

                parts++;
                digits = 0;
            }
            else if (b is >= (byte)'0' and <= (byte)'9' && digits < 10)
            {
                digits++;
            }
            else
            {
                return false;
            }
        }

        return digits > 0 && parts is >= 2 and <= 4;
    }

    internal static bool IsVersion(string? text)
    {
        if (text is null || text.Length > 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[64];
        return TryAscii(text, bytes, out var ascii) && IsVersion(ascii);
    }

    internal static bool IsSha256Hex(ReadOnlySpan<byte> text)
    {
        if (text.Length != 64)
        {
            return false;
        }

        foreach (var b in text)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The text as ASCII bytes in <paramref name="buffer"/>; false when it is longer or not ASCII.</summary>
    private static bool TryAscii(ReadOnlySpan<char> text, Span<byte> buffer, out ReadOnlySpan<byte> ascii)
    {
        ascii = default;
        if (text.Length > buffer.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 127)
            {
                return false;
            }

            buffer[i] = (byte)text[i];
        }

        ascii = buffer[..text.Length];
        return true;
    }

    private static bool IsEchoable(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxEchoedNameLength || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}

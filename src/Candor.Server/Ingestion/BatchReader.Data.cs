using System.Text;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Server.Catalogs;

namespace Candor.Server.Ingestion;

// The data object of one JSON event, read in a second, bounded pass over its slice of the body once the event's
// definition is known; each value is type-checked against its token and written by the acceptance rules.
internal sealed partial class BatchReader
{
    private void ReadData(ref EventEnvelope e, ReadOnlySpan<byte> data, EventRule rule)
    {
        _accept.BeginData(rule);
        var reader = new Utf8JsonReader(data, ReaderOptions);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var decoded = TryChars(ref reader, out var name);
            if (!_accept.TryField(rule, name, decoded, ref e, out var field))
            {
                return;
            }

            reader.Read();
            if (!WriteValue(ref reader, field, ref e))
            {
                return;
            }
        }

        _accept.EndData(rule, ref e);
    }

    private bool WriteValue(ref Utf8JsonReader reader, FieldRule field, ref EventEnvelope e)
    {
        var token = reader.TokenType;
        switch (field.Type)
        {
            case FieldType.String:
                return WriteString(ref reader, field, ref e);
            case FieldType.Int or FieldType.Long or FieldType.Duration when token == JsonTokenType.Number && reader.TryGetInt64(out var n):
                return _accept.WriteInteger(field, n, ref e);
            case FieldType.Double when token == JsonTokenType.Number && reader.TryGetDouble(out var d):
                return _accept.WriteDouble(field, d, ref e);
            case FieldType.Bool when token is JsonTokenType.True or JsonTokenType.False:
                _accept.WriteBool(field, token == JsonTokenType.True);
                return true;
            case FieldType.Timestamp when token == JsonTokenType.String && reader.TryGetDateTimeOffset(out var t):
                _accept.WriteTimestamp(field, t);
                return true;

            // Written from the raw bytes, without decoding: an escaped version or hash is no version or hash.
            case FieldType.Version when token == JsonTokenType.String && !reader.ValueIsEscaped:
                return _accept.WriteVersion(field, reader.ValueSpan, ref e);
            case FieldType.Hash when token == JsonTokenType.String && !reader.ValueIsEscaped:
                return _accept.WriteHash(field, reader.ValueSpan, ref e);
            case FieldType.Enum when token == JsonTokenType.String && TryChars(ref reader, out var chars):
                return _accept.WriteEnum(field, chars, ref e);
            default:
                return EventAcceptance.RejectValue(field, ref e);
        }
    }

    private bool WriteString(ref Utf8JsonReader reader, FieldRule field, ref EventEnvelope e)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return EventAcceptance.RejectValue(field, ref e);
        }

        // UTF-8 never has fewer bytes than UTF-16 code units, and an escape never more than six bytes per unit:
        // short values need no counting, and a value that is surely over-long is refused before it is decoded.
        var max = _accept.MaxLength(field);
        var span = reader.ValueSpan;
        if (span.Length > max)
        {
            var tooLong = reader.ValueIsEscaped ? span.Length > (long)max * 6 : Encoding.UTF8.GetCharCount(span) > max;
            if (tooLong)
            {
                return EventAcceptance.RejectTooLong(field, max, ref e);
            }
        }

        // Decoded into a reused buffer: a clean value (the usual case) is scanned and written without a string.
        if (_value.Length < span.Length)
        {
            _value = new char[Math.Max(span.Length, _value.Length * 2)];
        }

        var length = reader.CopyString(_value);
        return _accept.WriteString(field, _value.AsSpan(0, length), ref e);
    }
}

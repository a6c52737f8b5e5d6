using System.Text.Json;
using Candor.Core.Model;
using Candor.Server.Catalogs;

namespace Candor.Server.Ingestion;

// The entry for wire formats that map their records onto a ParsedEvent before the rules run.
internal sealed partial class EventAcceptance
{
    private const int MaxTimestampLength = 64;

    /// <summary>Checks one parsed event and adds its row or its rejection to <paramref name="result"/>: the envelope
    /// values in the protocol's order, then <see cref="Check"/>, then the data, as the JSON reader does.</summary>
    public void Accept(ParsedEvent parsed, int index, BatchResult result)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(result);
        var e = new EventEnvelope();
        if (parsed.EnvelopeError is { } error)
        {
            e.Fail(RejectionCode.InvalidEnvelope, error);
        }

        ReadEnvelope(parsed, ref e);
        if (!e.Failed && Check(ref e))
        {
            WriteData(parsed, e.Rule!, ref e);
        }

        Complete(ref e, index, result);
    }

    private void ReadEnvelope(ParsedEvent parsed, ref EventEnvelope e)
    {
        if (parsed.Id is { } id && e.Mark(EnvelopeProperty.Id))
        {
            e.Id = id;
            e.HasId = true;
        }

        if (parsed.Name is { } name && e.Mark(EnvelopeProperty.Name))
        {
            SetName(name, ref e);
        }

        if (parsed.Time is { } time && e.Mark(EnvelopeProperty.Time))
        {
            e.Time = time.ToUniversalTime();
        }

        if (parsed.Seq is { } seq && e.Mark(EnvelopeProperty.Seq))
        {
            e.Seq = seq;
            if (seq < 0)
            {
                e.Fail(RejectionCode.InvalidEnvelope, "'seq' must be a non-negative integer.");
            }
        }

        if (parsed.Product is { } product && e.Mark(EnvelopeProperty.Product))
        {
            SetProduct(product, ref e);
        }

        if (parsed.AppVersion is { } version && e.Mark(EnvelopeProperty.AppVersion) && !e.Failed)
        {
            SetAppVersion(version, ref e);
        }

        var envelope = _rules.Catalog.Envelope;
        SetString(parsed.Sdk, EnvelopeProperty.Sdk, envelope.Sdk, SdkCache, ref e, out e.Sdk);
        if (parsed.Session is { } session && e.Mark(EnvelopeProperty.Session))
        {
            e.Session = session;
        }

        if (parsed.DeviceId is null && parsed.DeviceClass is null && parsed.Os is null && parsed.OsVersion is null
            && parsed.Arch is null && parsed.Locale is null)
        {
            return;
        }

        e.Mark(EnvelopeProperty.Device);
        if (parsed.DeviceId is { } device && e.Mark(EnvelopeProperty.DeviceId))
        {
            e.DeviceId = device;
        }

        if (parsed.DeviceClass is { } deviceClass && e.Mark(EnvelopeProperty.DeviceClass) && !e.Failed)
        {
            SetDeviceClass(deviceClass, ref e);
        }

        SetString(parsed.Os, EnvelopeProperty.Os, envelope.Os, OsCache, ref e, out e.Os);
        SetString(parsed.OsVersion, EnvelopeProperty.OsVersion, envelope.OsVersion, OsVersionCache, ref e, out e.OsVersion);
        SetString(parsed.Arch, EnvelopeProperty.Arch, envelope.Arch, ArchCache, ref e, out e.Arch);
        SetString(parsed.Locale, EnvelopeProperty.Locale, envelope.Locale, LocaleCache, ref e, out e.Locale);
    }

    private void SetString(string? text, EnvelopeProperty property, EnvelopeString rule, CachedEnvelopeString cache, ref EventEnvelope e,
        out string? value)
    {
        value = null;
        if (text is null || !e.Mark(property) || e.Failed)
        {
            return;
        }

        if (text.Length > rule.MaxLength)
        {
            RejectEnvelopeString(rule, ref e);
            return;
        }

        cache.Set(text);
        ScanEnvelopeString(rule, cache, ref e, out value);
    }

    private void WriteData(ParsedEvent parsed, EventRule rule, ref EventEnvelope e)
    {
        BeginData(rule);
        foreach (var value in parsed.Data)
        {
            if (!TryField(rule, value.Name, decoded: true, ref e, out var field) || !WriteValue(field, value, ref e))
            {
                return;
            }
        }

        EndData(rule, ref e);
    }

    private bool WriteValue(FieldRule field, in DataValue value, ref EventEnvelope e)
    {
        Span<byte> ascii = stackalloc byte[64];
        switch (field.Type)
        {
            case FieldType.String when value.Kind == DataValueKind.String:
                return WriteString(field, value.Text, ref e);
            case FieldType.Int or FieldType.Long or FieldType.Duration when value.Kind == DataValueKind.Integer:
                return WriteInteger(field, value.Integer, ref e);
            case FieldType.Double when value.Kind == DataValueKind.Integer:
                return WriteDouble(field, value.Integer, ref e);
            case FieldType.Double when value.Kind == DataValueKind.Double:
                return WriteDouble(field, value.Double, ref e);
            case FieldType.Bool when value.Kind == DataValueKind.Bool:
                WriteBool(field, value.Bool);
                return true;
            case FieldType.Timestamp when value.Kind == DataValueKind.String && TryParseTimestamp(value.Text, out var time):
                WriteTimestamp(field, time);
                return true;
            case FieldType.Version when value.Kind == DataValueKind.String && TryAscii(value.Text, ascii, out var version):
                return WriteVersion(field, version, ref e);
            case FieldType.Hash when value.Kind == DataValueKind.String && TryAscii(value.Text, ascii, out var hash):
                return WriteHash(field, hash, ref e);
            case FieldType.Enum when value.Kind == DataValueKind.String:
                return WriteEnum(field, value.Text, ref e);
            default:
                return RejectValue(field, ref e);
        }
    }

    /// <summary>Parses an ISO 8601 timestamp with the JSON reader's own parser, so that a text is accepted here
    /// exactly when the same text is accepted in a JSON batch.</summary>
    private static bool TryParseTimestamp(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length > MaxTimestampLength)
        {
            return false;
        }

        Span<byte> json = stackalloc byte[MaxTimestampLength + 2];
        json[0] = (byte)'"';
        for (var i = 0; i < text.Length; i++)
        {
            // Nothing that would end or escape the JSON string: no ISO 8601 text holds such a character.
            if (text[i] is > (char)127 or < ' ' or '"' or '\\')
            {
                return false;
            }

            json[i + 1] = (byte)text[i];
        }

        json[text.Length + 1] = (byte)'"';
        var reader = new Utf8JsonReader(json[..(text.Length + 2)]);
        return reader.Read() && reader.TryGetDateTimeOffset(out value);
    }
}

using System.Buffers.Text;
using System.Text.Json;
using Candor.Server.Catalogs;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Server.Ingestion;

// The envelope of one JSON event: each property identified by its UTF-8 name, type-checked and decoded, then
// handed to the acceptance rules.
internal sealed partial class BatchReader
{
    private const int MaxAppVersionLength = 64;

    private static EnvelopeProperty Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals(EnvelopeName.Id.EncodedUtf8Bytes)) return EnvelopeProperty.Id;
        if (reader.ValueTextEquals(EnvelopeName.Name.EncodedUtf8Bytes)) return EnvelopeProperty.Name;
        if (reader.ValueTextEquals(EnvelopeName.Time.EncodedUtf8Bytes)) return EnvelopeProperty.Time;
        if (reader.ValueTextEquals(EnvelopeName.Seq.EncodedUtf8Bytes)) return EnvelopeProperty.Seq;
        if (reader.ValueTextEquals(EnvelopeName.Product.EncodedUtf8Bytes)) return EnvelopeProperty.Product;
        if (reader.ValueTextEquals(EnvelopeName.AppVersion.EncodedUtf8Bytes)) return EnvelopeProperty.AppVersion;
        if (reader.ValueTextEquals(EnvelopeName.Sdk.EncodedUtf8Bytes)) return EnvelopeProperty.Sdk;
        if (reader.ValueTextEquals(EnvelopeName.Session.EncodedUtf8Bytes)) return EnvelopeProperty.Session;
        if (reader.ValueTextEquals(EnvelopeName.Device.EncodedUtf8Bytes)) return EnvelopeProperty.Device;
        if (reader.ValueTextEquals(EnvelopeName.Data.EncodedUtf8Bytes)) return EnvelopeProperty.Data;
        return EnvelopeProperty.Unknown;
    }

    private static EnvelopeProperty IdentifyDevice(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals(EnvelopeName.Id.EncodedUtf8Bytes)) return EnvelopeProperty.DeviceId;
        if (reader.ValueTextEquals(EnvelopeName.Class.EncodedUtf8Bytes)) return EnvelopeProperty.DeviceClass;
        if (reader.ValueTextEquals(EnvelopeName.Os.EncodedUtf8Bytes)) return EnvelopeProperty.Os;
        if (reader.ValueTextEquals(EnvelopeName.OsVersion.EncodedUtf8Bytes)) return EnvelopeProperty.OsVersion;
        if (reader.ValueTextEquals(EnvelopeName.Arch.EncodedUtf8Bytes)) return EnvelopeProperty.Arch;
        if (reader.ValueTextEquals(EnvelopeName.Locale.EncodedUtf8Bytes)) return EnvelopeProperty.Locale;
        return EnvelopeProperty.Unknown;
    }

    private void ReadEnvelopeValue(ref Utf8JsonReader reader, EnvelopeProperty property, ref EventEnvelope e)
    {
        switch (property)
        {
            case EnvelopeProperty.Id:
                if (TryReadGuid(ref reader, out e.Id))
                {
                    e.HasId = true;
                }
                else
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'id' must be a UUID string.");
                }

                break;
            case EnvelopeProperty.Name:
                if (reader.TokenType != JsonTokenType.String)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'name' must be a string.");
                }
                else if (!TryChars(ref reader, out var name))
                {
                    e.UnknownName = true;
                }
                else
                {
                    _accept.SetName(name, ref e);
                }

                break;
            case EnvelopeProperty.Time:
                if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var time))
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'time' must be an ISO 8601 timestamp string.");
                }
                else
                {
                    e.Time = time.ToUniversalTime();
                }

                break;
            case EnvelopeProperty.Seq:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out e.Seq) || e.Seq < 0)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'seq' must be a non-negative integer.");
                }

                break;
            case EnvelopeProperty.Product:
                if (reader.TokenType != JsonTokenType.String)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'product' must be a string.");
                }
                else if (!TryChars(ref reader, out var product))
                {
                    e.UnknownProduct = true;
                }
                else
                {
                    _accept.SetProduct(product, ref e);
                }

                break;
            case EnvelopeProperty.AppVersion:
                TryReadCached(ref reader, _accept.AppVersionCache, MaxAppVersionLength, out var version);
                EventAcceptance.SetAppVersion(version, ref e);
                break;
            case EnvelopeProperty.Sdk:
                ReadEnvelopeString(ref reader, _accept.SdkCache, _rules.Catalog.Envelope.Sdk, ref e, out e.Sdk);
                break;
            case EnvelopeProperty.Session:
                if (!TryReadGuid(ref reader, out e.Session))
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'session' must be a UUID string.");
                }

                break;
            case EnvelopeProperty.Device:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'device' must be an object.");
                }
                else
                {
                    ReadDevice(ref reader, ref e);
                }

                break;
            case EnvelopeProperty.Data:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'data' must be an object.");
                }
                else
                {
                    // The data is validated once the event's definition is known, which may come later in the
                    // object: remember where it is and check it in a second, bounded pass.
                    _dataStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    _dataLength = (int)reader.BytesConsumed - _dataStart;
                }

                break;
            default:
                e.Fail(RejectionCode.InvalidEnvelope, "The event has a property the envelope does not define.");
                break;
        }
    }

    private void ReadDevice(ref Utf8JsonReader reader, ref EventEnvelope e)
    {
        var env = _rules.Catalog.Envelope;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = IdentifyDevice(ref reader);
            reader.Read();
            if (e.Failed)
            {
                reader.Skip();
                continue;
            }

            if (property != EnvelopeProperty.Unknown && !e.Mark(property))
            {
                e.Fail(RejectionCode.InvalidEnvelope, $"'{property.Wire()}' appears more than once.");
            }
            else
            {
                switch (property)
                {
                    case EnvelopeProperty.DeviceId:
                        if (!TryReadGuid(ref reader, out e.DeviceId))
                        {
                            e.Fail(RejectionCode.InvalidEnvelope, "'device.id' must be a UUID string.");
                        }

                        break;
                    case EnvelopeProperty.DeviceClass:
                        if (reader.TokenType != JsonTokenType.String || !TryChars(ref reader, out var deviceClass))
                        {
                            EventAcceptance.RejectDeviceClass(ref e);
                        }
                        else
                        {
                            _accept.SetDeviceClass(deviceClass, ref e);
                        }

                        break;
                    case EnvelopeProperty.Os:
                        ReadEnvelopeString(ref reader, _accept.OsCache, env.Os, ref e, out e.Os);
                        break;
                    case EnvelopeProperty.OsVersion:
                        ReadEnvelopeString(ref reader, _accept.OsVersionCache, env.OsVersion, ref e, out e.OsVersion);
                        break;
                    case EnvelopeProperty.Arch:
                        ReadEnvelopeString(ref reader, _accept.ArchCache, env.Arch, ref e, out e.Arch);
                        break;
                    case EnvelopeProperty.Locale:
                        ReadEnvelopeString(ref reader, _accept.LocaleCache, env.Locale, ref e, out e.Locale);
                        break;
                    default:
                        e.Fail(RejectionCode.InvalidEnvelope, "'device' has a property the envelope does not define.");
                        break;
                }
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }
    }

    private void ReadEnvelopeString(ref Utf8JsonReader reader, CachedEnvelopeString cache, EnvelopeString rule, ref EventEnvelope e,
        out string? value)
    {
        if (!TryReadCached(ref reader, cache, rule.MaxLength, out value))
        {
            EventAcceptance.RejectEnvelopeString(rule, ref e);
            return;
        }

        _accept.ScanEnvelopeString(rule, cache, ref e, out value);
    }

    /// <summary>The current string decoded into a reused buffer; false when it is too long to be any catalog name.</summary>
    private bool TryChars(ref Utf8JsonReader reader, out ReadOnlySpan<char> chars)
    {
        // An escaped value is never longer in characters than it is in bytes, so this bound is safe for both.
        if (reader.ValueSpan.Length > _chars.Length)
        {
            chars = default;
            return false;
        }

        var n = reader.CopyString(_chars);
        chars = _chars.AsSpan(0, n);
        return true;
    }

    private static bool TryReadGuid(ref Utf8JsonReader reader, out Guid value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            var span = reader.ValueSpan;
            return span.Length == 36 && Utf8Parser.TryParse(span, out value, out var consumed, 'D') && consumed == 36;
        }

        return Guid.TryParseExact(reader.GetString(), "D", out value);
    }

    /// <summary>The current string, taken from <paramref name="cache"/> when its bytes are a kept value's (no
    /// decoding, no string); false when it is not a string or is longer than <paramref name="maxLength"/>.</summary>
    private static bool TryReadCached(ref Utf8JsonReader reader, CachedEnvelopeString cache, int maxLength, out string? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        var span = reader.ValueSpan;
        if (!reader.ValueIsEscaped && cache.TrySelect(span))
        {
            value = cache.Value;
            return true;
        }

        if (span.Length > maxLength * 6)
        {
            return false;
        }

        var text = reader.GetString()!;
        if (text.Length > maxLength)
        {
            return false;
        }

        cache.Set(span, comparable: !reader.ValueIsEscaped, text);
        value = text;
        return true;
    }
}

using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Candor.Server.Otlp.Proto;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Server.Otlp;

/// <summary>Writes mapped records as one <c>/v1/events</c> batch, so that they pass through exactly the acceptance
/// rules of <c>/v1/events</c> (envelope, product, event, expiry, level and category policy, age, declared and valid
/// fields, PII redaction or rejection) in <see cref="Ingestion.BatchReader"/>. An attribute value is written as the
/// JSON value of its type; a value no field type accepts (bytes, an array, a map, a non-finite number) is written as
/// null, which the rules refuse as <c>invalid_field</c>.</summary>
internal static class OtlpEventBatch
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(IReadOnlyList<OtlpEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * Math.Max(1, events.Count));
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteStartArray(EnvelopeName.Events);
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteString(EnvelopeName.Id, e.Id);
                w.WriteString(EnvelopeName.Name, e.Name);
                w.WriteString(EnvelopeName.Time, e.Time.ToString("O", CultureInfo.InvariantCulture));

                // OTLP records carry no sequence number: 0, which no analysis reads as a position.
                w.WriteNumber(EnvelopeName.Seq, 0);
                w.WriteString(EnvelopeName.Product, e.Product);
                w.WriteString(EnvelopeName.AppVersion, e.AppVersion);
                w.WriteString(EnvelopeName.Sdk, e.Sdk);
                w.WriteString(EnvelopeName.Session, e.Session);
                w.WriteStartObject(EnvelopeName.Device);
                w.WriteString(EnvelopeName.Id, e.DeviceId);
                w.WriteString(EnvelopeName.Class, e.DeviceClass);
                w.WriteString(EnvelopeName.Os, e.Os);
                w.WriteString(EnvelopeName.OsVersion, e.OsVersion);
                w.WriteString(EnvelopeName.Arch, e.Arch);

                // No semantic convention names the device's language: "und" is BCP 47's "undetermined", as the SDK sends.
                w.WriteString(EnvelopeName.Locale, "und");
                w.WriteEndObject();
                w.WriteStartObject(EnvelopeName.Data);
                foreach (var (name, value) in e.Fields)
                {
                    w.WritePropertyName(name);
                    WriteValue(w, value);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter w, AnyValue value)
    {
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                w.WriteStringValue(value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                w.WriteBooleanValue(value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                w.WriteNumberValue(value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue):
                w.WriteNumberValue(value.DoubleValue);
                break;
            default:
                w.WriteNullValue();
                break;
        }
    }
}

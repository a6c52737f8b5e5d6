using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Candor.Server.Otlp.Proto;

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
            w.WriteStartArray("events"u8);
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteString("id"u8, e.Id);
                w.WriteString("name"u8, e.Name);
                w.WriteString("time"u8, e.Time.ToString("O", CultureInfo.InvariantCulture));

                // OTLP records carry no sequence number: 0, which no analysis reads as a position.
                w.WriteNumber("seq"u8, 0);
                w.WriteString("product"u8, e.Product);
                w.WriteString("appVersion"u8, e.AppVersion);
                w.WriteString("sdk"u8, e.Sdk);
                w.WriteString("session"u8, e.Session);
                w.WriteStartObject("device"u8);
                w.WriteString("id"u8, e.DeviceId);
                w.WriteString("class"u8, e.DeviceClass);
                w.WriteString("os"u8, e.Os);
                w.WriteString("osVersion"u8, e.OsVersion);
                w.WriteString("arch"u8, e.Arch);

                // No semantic convention names the device's language: "und" is BCP 47's "undetermined", as the SDK sends.
                w.WriteString("locale"u8, "und");
                w.WriteEndObject();
                w.WriteStartObject("data"u8);
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

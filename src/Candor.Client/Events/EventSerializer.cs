using System.Globalization;
using System.Text.Json;
using Candor.Client.Context;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Client.Events;

/// <summary>Writes one event as the protocol's JSON object (envelope and <c>data</c>), with
/// <see cref="Utf8JsonWriter"/> and no object graph.</summary>
internal static class EventSerializer
{
    public static byte[] Serialize(
        EventSlot slot, FieldValue[] values, string id, DateTimeOffset time, long seq, string product, string appVersion,
        string session, DeviceContext device)
    {
        using var buffer = new MemoryStream(256 + (values.Length * 32));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(EnvelopeName.Id, id);
            writer.WriteString(EnvelopeName.Name, slot.Name);
            writer.WriteString(EnvelopeName.Time, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteNumber(EnvelopeName.Seq, seq);
            writer.WriteString(EnvelopeName.Product, product);
            writer.WriteString(EnvelopeName.AppVersion, appVersion);
            writer.WriteString(EnvelopeName.Sdk, ClientInfo.SdkName);
            writer.WriteString(EnvelopeName.Session, session);
            writer.WriteStartObject(EnvelopeName.Device);
            writer.WriteString(EnvelopeName.Id, device.DeviceId);
            writer.WriteString(EnvelopeName.Class, device.DeviceClass);
            writer.WriteString(EnvelopeName.Os, device.Os);
            writer.WriteString(EnvelopeName.OsVersion, device.OsVersion);
            writer.WriteString(EnvelopeName.Arch, device.Arch);
            writer.WriteString(EnvelopeName.Locale, device.Locale);
            writer.WriteEndObject();
            writer.WriteStartObject(EnvelopeName.Data);
            for (var i = 0; i < slot.Fields.Length && i < values.Length; i++)
            {
                var value = values[i];
                var name = slot.Fields[i].Name;
                switch (value.Kind)
                {
                    case FieldValueKind.String: writer.WriteString(name, value.Text); break;
                    case FieldValueKind.Integer: writer.WriteNumber(name, value.Integer); break;
                    case FieldValueKind.Double: writer.WriteNumber(name, value.Number); break;
                    case FieldValueKind.Bool: writer.WriteBoolean(name, value.Integer != 0); break;
                    default: break;
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

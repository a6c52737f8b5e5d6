using System.Globalization;
using System.Text.Json;
using Candor.Client.Context;

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
            writer.WriteString("id", id);
            writer.WriteString("name", slot.Name);
            writer.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteNumber("seq", seq);
            writer.WriteString("product", product);
            writer.WriteString("appVersion", appVersion);
            writer.WriteString("sdk", ClientInfo.SdkName);
            writer.WriteString("session", session);
            writer.WriteStartObject("device");
            writer.WriteString("id", device.DeviceId);
            writer.WriteString("class", device.DeviceClass);
            writer.WriteString("os", device.Os);
            writer.WriteString("osVersion", device.OsVersion);
            writer.WriteString("arch", device.Arch);
            writer.WriteString("locale", device.Locale);
            writer.WriteEndObject();
            writer.WriteStartObject("data");
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

using System.Buffers;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Fleet.Events;
using Candor.Fleet.Simulation;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Fleet.Wire;

/// <summary>Writes the fleet's events as protocol batches (docs/protocol.md) with <see cref="Utf8JsonWriter"/>:
/// the envelope in the protocol's order, then <c>data</c> with the values the event carries. The output depends
/// only on the events and the seed, so the same fleet gives the same bytes.</summary>
internal static class BatchWriter
{
    /// <summary>The SDK name the fleet reports in every envelope.</summary>
    public const string Sdk = "candor-fleet/1.0.0";

    private static readonly JsonEncodedText SdkValue = JsonEncodedText.Encode(Sdk);

    /// <summary>Groups the fleet's events into batches of at most <see cref="FleetOptions.BatchSize"/>, lazily.</summary>
    /// <param name="fleet">The fleet to run.</param>
    /// <param name="observe">Called with every event before it is written (for statistics), or null.</param>
    public static IEnumerable<FleetBatch> Batches(FleetSimulator fleet, Action<SimEvent>? observe = null)
    {
        var batchIds = new Random(Distributions.DeriveSeed(fleet.Options.Seed, -3));
        var size = fleet.Options.BatchSize;
        var buffer = new ArrayBufferWriter<byte>(size * 700);
        var pending = new List<SimEvent>(size);
        foreach (var ev in fleet.Events())
        {
            observe?.Invoke(ev);
            pending.Add(ev);
            if (pending.Count == size)
            {
                yield return Write(pending, Distributions.Uuid(batchIds), buffer);
                pending.Clear();
            }
        }

        if (pending.Count > 0)
        {
            yield return Write(pending, Distributions.Uuid(batchIds), buffer);
        }
    }

    /// <summary>Serializes one batch; <c>sentAt</c> is the time of its last event.</summary>
    public static FleetBatch Write(IReadOnlyList<SimEvent> events, Guid batchId, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            var last = events[^1].TimeMs;
            writer.WriteStartObject();
            writer.WriteString(EnvelopeName.BatchId, batchId);
            WriteTime(writer, EnvelopeName.SentAt, last);
            writer.WriteStartArray(EnvelopeName.Events);
            foreach (var ev in events)
            {
                WriteEvent(writer, ev);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return new FleetBatch(batchId, events.Count, events[0].TimeMs, events[^1].TimeMs, buffer.WrittenSpan.ToArray());
    }

    private static void WriteEvent(Utf8JsonWriter writer, SimEvent ev)
    {
        var device = ev.Device.Wire;
        writer.WriteStartObject();
        writer.WriteString(EnvelopeName.Id, ev.Id);
        writer.WriteString(EnvelopeName.Name, ev.Template.EncodedName);
        WriteTime(writer, EnvelopeName.Time, ev.TimeMs);
        writer.WriteNumber(EnvelopeName.Seq, ev.Seq);
        writer.WriteString(EnvelopeName.Product, device.Product);
        writer.WriteString(EnvelopeName.AppVersion, ev.AppVersion);
        writer.WriteString(EnvelopeName.Sdk, SdkValue);
        writer.WriteString(EnvelopeName.Session, ev.Session);
        writer.WriteStartObject(EnvelopeName.Device);
        writer.WriteString(EnvelopeName.Id, device.Id);
        writer.WriteString(EnvelopeName.Class, device.Class);
        writer.WriteString(EnvelopeName.Os, device.Os);
        writer.WriteString(EnvelopeName.OsVersion, ev.OsVersion);
        writer.WriteString(EnvelopeName.Arch, device.Arch);
        writer.WriteString(EnvelopeName.Locale, device.Locale);
        writer.WriteEndObject();
        writer.WriteStartObject(EnvelopeName.Data);
        var fields = ev.Template.Fields;
        for (var i = 0; i < fields.Length; i++)
        {
            var value = ev.Values[i];
            var name = fields[i].EncodedName;
            switch (value.Kind)
            {
                case ValueKind.Integer when fields[i].Type == FieldType.Timestamp:
                    WriteTime(writer, name, value.Integer);
                    break;
                case ValueKind.Integer:
                    writer.WriteNumber(name, value.Integer);
                    break;
                case ValueKind.Real:
                    writer.WriteNumber(name, value.Real);
                    break;
                case ValueKind.Boolean:
                    writer.WriteBoolean(name, value.Integer != 0);
                    break;
                case ValueKind.Text:
                    writer.WriteString(name, value.Text);
                    break;
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, JsonEncodedText name, long unixMs)
    {
        Span<byte> text = stackalloc byte[24];
        var utc = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;
        utc.TryFormat(text, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        writer.WriteString(name, text[..written]);
    }
}

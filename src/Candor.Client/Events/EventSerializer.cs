using System.Buffers;
using System.Text.Json;
using Candor.Client.Context;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Client.Events;

/// <summary>Writes one event as the protocol's JSON object (envelope and <c>data</c>), with
/// <see cref="Utf8JsonWriter"/> and no object graph, into a buffer the caller reuses for every event: serialising
/// allocates nothing (the background writer's work per event should not feed the garbage collector, which would
/// pause the app's threads).</summary>
internal sealed class EventSerializer
{
    private readonly ReusableBuffer _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public EventSerializer() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>The event's JSON, valid until the next call.</summary>
    public ReadOnlySpan<byte> Serialize(
        EventSlot slot, FieldValue[] values, string id, DateTimeOffset time, long seq, string product, string appVersion,
        string session, DeviceContext device)
    {
        _buffer.Clear();
        _writer.Reset(_buffer);
        var writer = _writer;
        Span<byte> timeText = stackalloc byte[TimeLength];
        FormatTime(time.UtcDateTime, timeText);
        writer.WriteStartObject();
        writer.WriteString(EnvelopeName.Id, id);
        writer.WriteString(EnvelopeName.Name, slot.Name);
        writer.WriteString(EnvelopeName.Time, timeText);
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
        writer.Flush();
        return _buffer.Written;
    }

    /// <summary>The length of <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    internal const int TimeLength = 24;

    /// <summary>Writes <paramref name="utc"/> as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (what
    /// <c>ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")</c> gives, without the string).</summary>
    internal static void FormatTime(DateTime utc, Span<byte> text)
    {
        Digits(text, 0, utc.Year, 4);
        text[4] = (byte)'-';
        Digits(text, 5, utc.Month, 2);
        text[7] = (byte)'-';
        Digits(text, 8, utc.Day, 2);
        text[10] = (byte)'T';
        Digits(text, 11, utc.Hour, 2);
        text[13] = (byte)':';
        Digits(text, 14, utc.Minute, 2);
        text[16] = (byte)':';
        Digits(text, 17, utc.Second, 2);
        text[19] = (byte)'.';
        Digits(text, 20, utc.Millisecond, 3);
        text[23] = (byte)'Z';
    }

    private static void Digits(Span<byte> text, int at, int value, int width)
    {
        for (var i = at + width - 1; i >= at; i--)
        {
            text[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>A growable byte buffer that keeps its array between events.</summary>
    private sealed class ReusableBuffer(int initial) : IBufferWriter<byte>
    {
        private byte[] _bytes = new byte[initial];
        private int _length;

        public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

        public void Clear() => _length = 0;

        public void Advance(int count) => _length += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _bytes.AsMemory(_length);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _bytes.AsSpan(_length);
        }

        private void Ensure(int sizeHint)
        {
            var need = _length + Math.Max(sizeHint, 1);
            if (need > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(need, _bytes.Length * 2));
            }
        }
    }
}

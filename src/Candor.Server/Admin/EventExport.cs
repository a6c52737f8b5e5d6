using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Storage;
using Microsoft.AspNetCore.Http;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Server.Admin;

/// <summary>Stored events as the exports write them: JSON lines, one event a line, in the envelope's wire names.</summary>
internal static class EventExport
{
    public const string JsonLines = "application/x-ndjson";

    private const int FlushBytes = 64 * 1024;

    /// <summary>Streams events as JSON lines, flushing every 64 KB: memory stays bounded whatever the export's size.
    /// <paramref name="written"/> counts the events sent so far, also when the client goes away.</summary>
    public static async Task WriteJsonLinesAsync(HttpContext context, IAsyncEnumerable<StoredEvent> events, StrongBox<long> written)
    {
        context.Response.ContentType = JsonLines;
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        using var writer = new Utf8JsonWriter(buffer);
        long pending = 0;
        await foreach (var e in events.ConfigureAwait(false))
        {
            writer.Reset(buffer);
            WriteEvent(writer, e);
            writer.Flush();
            buffer.Write("\n"u8);
            pending++;
            if (buffer.WrittenCount >= FlushBytes)
            {
                await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
                buffer.ResetWrittenCount();
                written.Value += pending;
                pending = 0;
            }
        }

        if (buffer.WrittenCount > 0)
        {
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        }

        written.Value += pending;
    }

    /// <summary>One stored event as exported: the envelope as the SDK sent it (wire names) plus what the collector
    /// added (level, category, receivedAt).</summary>
    private static void WriteEvent(Utf8JsonWriter w, StoredEvent e)
    {
        w.WriteStartObject();
        w.WriteString(EnvelopeName.Id, e.EventId);
        w.WriteString(EnvelopeName.Name, e.Name);
        w.WriteString("level", e.Level.ToWire());
        w.WriteString("category", e.Category.ToWire());
        w.WriteString(EnvelopeName.Time, e.Time);
        w.WriteString("receivedAt", e.ReceivedAt);
        w.WriteNumber(EnvelopeName.Seq, e.Seq);
        w.WriteString(EnvelopeName.Product, e.Product);
        w.WriteString(EnvelopeName.AppVersion, e.AppVersion);
        w.WriteString(EnvelopeName.Sdk, e.Sdk);
        w.WriteString(EnvelopeName.Session, e.SessionId);
        w.WriteStartObject(EnvelopeName.Device);
        w.WriteString(EnvelopeName.Id, e.DeviceId);
        w.WriteString(EnvelopeName.Class, e.DeviceClass);
        w.WriteString(EnvelopeName.Os, e.Os);
        w.WriteString(EnvelopeName.OsVersion, e.OsVersion);
        w.WriteString(EnvelopeName.Arch, e.Arch);
        w.WriteString(EnvelopeName.Locale, e.Locale);
        w.WriteEndObject();
        w.WritePropertyName(EnvelopeName.Data);
        w.WriteRawValue(e.Data, skipInputValidation: true);
        w.WriteEndObject();
    }
}

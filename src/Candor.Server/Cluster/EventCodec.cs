using System.Text;
using Candor.Core.Model;
using Candor.Storage;

namespace Candor.Server.Cluster;

/// <summary>One accepted event as a message of the ingest log: a version byte, then every <see cref="StoredEvent"/>
/// field in a fixed order (GUIDs as 16 bytes, strings length-prefixed UTF-8, times as UTC ticks). The collector has
/// validated and PII-scanned the event already; the loader stores exactly what was acknowledged. Stateless and
/// thread-safe.</summary>
internal static class EventCodec
{
    private const byte Version = 1;

    public static byte[] Encode(StoredEvent e)
    {
        using var buffer = new MemoryStream(256 + e.Data.Length);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            w.Write(e.TenantId.ToByteArray());
            w.Write(e.EventId.ToByteArray());
            w.Write(e.Name);
            w.Write((byte)e.Level);
            w.Write((byte)e.Category);
            w.Write(e.Product);
            w.Write(e.AppVersion);
            w.Write(e.Sdk);
            w.Write(e.SessionId.ToByteArray());
            w.Write(e.DeviceId.ToByteArray());
            w.Write(e.DeviceClass);
            w.Write(e.Os);
            w.Write(e.OsVersion);
            w.Write(e.Arch);
            w.Write(e.Locale);
            w.Write(e.Seq);
            w.Write(e.Time.UtcTicks);
            w.Write(e.ReceivedAt.UtcTicks);
            w.Write(e.Data);
        }

        return buffer.ToArray();
    }

    /// <summary>The event a message holds. Throws <see cref="FormatException"/> when it is not one this version
    /// wrote (a loader terminates such a message rather than retry it for ever).</summary>
    public static StoredEvent Decode(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var stream = new MemoryStream(message.ToArray(), writable: false);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (r.ReadByte() != Version)
            {
                throw new FormatException("The message is not a version-1 Candor event.");
            }

            var e = new StoredEvent
            {
                TenantId = ReadGuid(r),
                EventId = ReadGuid(r),
                Name = r.ReadString(),
                Level = Level(r.ReadByte()),
                Category = Category(r.ReadByte()),
                Product = r.ReadString(),
                AppVersion = r.ReadString(),
                Sdk = r.ReadString(),
                SessionId = ReadGuid(r),
                DeviceId = ReadGuid(r),
                DeviceClass = r.ReadString(),
                Os = r.ReadString(),
                OsVersion = r.ReadString(),
                Arch = r.ReadString(),
                Locale = r.ReadString(),
                Seq = r.ReadInt64(),
                Time = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero),
                ReceivedAt = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero),
                Data = r.ReadString(),
            };
            if (stream.Position != stream.Length)
            {
                throw new FormatException("The message has bytes after the event.");
            }

            return e;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentOutOfRangeException)
        {
            throw new FormatException("The message is not a whole Candor event.", ex);
        }
    }

    /// <summary>The message id JetStream deduplicates on: the tenant and the event id, as the store does.</summary>
    public static string MessageId(StoredEvent e) => e.TenantId.ToString("N") + "/" + e.EventId.ToString("N");

    /// <summary>The subject of a tenant's events.</summary>
    public static string Subject(Guid tenantId) => IngestLogOptions.SubjectPrefix + tenantId.ToString("N");

    private static Guid ReadGuid(BinaryReader r)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (r.Read(bytes) != 16)
        {
            throw new EndOfStreamException();
        }

        return new Guid(bytes);
    }

    private static DataLevel Level(byte value) =>
        Enum.IsDefined((DataLevel)value) ? (DataLevel)value : throw new FormatException($"Unknown level {value}.");

    private static DataCategory Category(byte value) =>
        Enum.IsDefined((DataCategory)value) ? (DataCategory)value : throw new FormatException($"Unknown category {value}.");
}

using System.Security.Cryptography;
using Candor.Core.Model;
using Candor.Core.Privacy;
using Candor.Server.Ingestion;
using Candor.Server.Otlp.Proto;
using Google.Protobuf;

namespace Candor.Server.Otlp;

/// <summary>One log record put onto Candor's envelope, before the acceptance rules (the same as
/// <c>/v1/events</c>) check it.</summary>
internal sealed class OtlpEvent
{
    /// <summary>The record's position in the request, counted across resources and scopes.</summary>
    public required int Record { get; init; }

    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string Product { get; init; }

    public required string AppVersion { get; init; }

    public required string Sdk { get; init; }

    public required Guid Session { get; init; }

    public required Guid DeviceId { get; init; }

    public required string DeviceClass { get; init; }

    public required string Os { get; init; }

    public required string OsVersion { get; init; }

    public required string Arch { get; init; }

    /// <summary>The attributes the catalog declares for the event (and the crash fields an exception gave), by name.</summary>
    public List<KeyValuePair<string, AnyValue>> Fields { get; } = [];
}

/// <summary>What a request's records became: events for the acceptance rules, and the records that map to no event.</summary>
internal sealed class OtlpMapping
{
    public List<OtlpEvent> Events { get; } = [];

    /// <summary>Records rejected before the acceptance rules, with their record index.</summary>
    public List<Rejection> Rejected { get; } = [];

    public int Records { get; set; }

    /// <summary>Attributes dropped because the catalog does not declare them for the record's event.</summary>
    public int DroppedAttributes { get; set; }
}

/// <summary>Maps OTLP log records to Candor events (docs/otlp.md): the event from <c>event_name</c> (or the
/// <c>event.name</c> attribute), its fields from the attributes the catalog declares for it (the others are dropped
/// and counted, never stored), the envelope from the resource, the id from <c>log.record.uid</c> or derived from the
/// record's time and content, and an unhandled exception (severity FATAL, no event name) to the catalog's crash
/// event with the same signature as the Candor SDK computes. The body and <c>exception.message</c> are never read.
/// One instance per request; not thread-safe.</summary>
internal sealed class OtlpMapper(CatalogIndex catalog)
{
    /// <summary>The crash event every Candor catalog declares for the SDK (docs/catalog.md, common events).</summary>
    public const string CrashEvent = "app.crashed";

    private const string ExceptionTypeField = "exceptionType";
    private const string StackSignatureField = "stackSignature";
    private const int MaxExceptionTypeLength = 128;

    /// <summary>Attributes the mapping reads itself; they are not event fields, and not counted as dropped.</summary>
    private static readonly HashSet<string> Consumed = new(StringComparer.Ordinal)
    {
        "event.name", "log.record.uid", "session.id", "exception.type", "exception.message", "exception.stacktrace",
    };

    public OtlpMapping Map(ExportLogsServiceRequest request)
    {
        var mapping = new OtlpMapping();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = OtlpResource.From(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scopeBytes = scopeLogs.Scope?.ToByteArray() ?? [];
                foreach (var record in scopeLogs.LogRecords)
                {
                    MapRecord(record, mapping.Records++, resource, scopeBytes, mapping);
                }
            }
        }

        return mapping;
    }

    /// <summary>How many records a request holds, counted before anything is mapped.</summary>
    public static int CountRecords(ExportLogsServiceRequest request)
    {
        var count = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                count += scopeLogs.LogRecords.Count;
            }
        }

        return count;
    }

    private void MapRecord(LogRecord record, int index, OtlpResource resource, byte[] scopeBytes, OtlpMapping mapping)
    {
        var nanos = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
        var id = RecordId(record, nanos, resource, scopeBytes);
        void Reject(RejectionCode code, string message) => mapping.Rejected.Add(new Rejection(index, id, code, message));

        if (nanos == 0)
        {
            Reject(RejectionCode.InvalidEnvelope, "The record has neither time_unix_nano nor observed_time_unix_nano.");
            return;
        }

        if (resource.Product is null || resource.AppVersion is null || resource.DeviceId is null)
        {
            Reject(RejectionCode.InvalidEnvelope, resource.Product is null ? "The resource has no service.name (or candor.product) naming the product."
                : resource.AppVersion is null ? "The resource has no service.version."
                : "The resource has no app.installation.id (or device.id) that is a random UUID.");
            return;
        }

        var session = OtlpResource.Uuid(record.Attributes, "session.id") ?? resource.Session;
        if (session is null)
        {
            Reject(RejectionCode.InvalidEnvelope, "Neither the record nor the resource has a session.id (or service.instance.id) that is a UUID.");
            return;
        }

        var name = record.EventName is { Length: > 0 } n ? n : OtlpResource.Text(record.Attributes, "event.name");
        var stackText = OtlpResource.Text(record.Attributes, "exception.stacktrace");
        if (name is null && stackText is not null && record.SeverityNumber >= SeverityNumber.Fatal)
        {
            name = CrashEvent;
        }

        if (name is null)
        {
            Reject(RejectionCode.UnknownEvent, stackText is null
                ? "The record names no event: set event_name (or the event.name attribute) to an event of the catalog."
                : "An exception below severity FATAL is not a crash: name the catalog's failure event in event_name to record it.");
            return;
        }

        var mapped = new OtlpEvent
        {
            Record = index,
            Id = id,
            Name = name,
            Time = DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100)),
            Product = resource.Product,
            AppVersion = resource.AppVersion,
            Sdk = resource.Sdk,
            Session = session.Value,
            DeviceId = resource.DeviceId.Value,
            DeviceClass = DeviceClass(resource.Product),
            Os = resource.Os,
            OsVersion = resource.OsVersion,
            Arch = resource.Arch,
        };

        // An unknown event is left to the acceptance rules, which reject it as /v1/events does; its attributes are
        // not counted as dropped, since the whole record is refused.
        if (catalog.TryGetEvent(name, out var rule))
        {
            AddFields(record, rule, mapped, mapping);
            if (stackText is not null)
            {
                AddCrashFields(rule, stackText, OtlpResource.Text(record.Attributes, "exception.type"), mapped);
            }
        }

        mapping.Events.Add(mapped);
    }

    private static void AddFields(LogRecord record, EventRule rule, OtlpEvent mapped, OtlpMapping mapping)
    {
        foreach (var attribute in record.Attributes)
        {
            if (Consumed.Contains(attribute.Key))
            {
                continue;
            }

            if (rule.TryGetField(attribute.Key, out _))
            {
                mapped.Fields.Add(new(attribute.Key, attribute.Value ?? new AnyValue()));
            }
            else
            {
                mapping.DroppedAttributes++;
            }
        }
    }

    /// <summary>The exception's type and signature, computed from its text by the same Core code as the SDK uses on
    /// the exception, into the event's crash fields when it declares them and the record did not set them.</summary>
    private static void AddCrashFields(EventRule rule, string stackText, string? shortType, OtlpEvent mapped)
    {
        var report = CrashSignature.FromText(stackText, shortType);
        if (rule.TryGetField(ExceptionTypeField, out var typeField) && !mapped.Fields.Exists(f => f.Key == ExceptionTypeField))
        {
            var max = typeField.MaxLength ?? MaxExceptionTypeLength;
            var type = report.ExceptionType.Length <= max ? report.ExceptionType : report.ExceptionType[..max];
            mapped.Fields.Add(new(ExceptionTypeField, new AnyValue { StringValue = type }));
        }

        if (rule.TryGetField(StackSignatureField, out var signatureField) && !mapped.Fields.Exists(f => f.Key == StackSignatureField))
        {
            var signature = CrashSignature.Shorten(report.StackSignature, signatureField.MaxLength ?? MaxExceptionTypeLength);
            mapped.Fields.Add(new(StackSignatureField, new AnyValue { StringValue = signature }));
        }
    }

    /// <summary>The product's device class in the catalog (what the Candor SDK sends by default); for a product the
    /// catalog lacks, any declared class, so that the record is refused as <c>unknown_product</c>.</summary>
    private string DeviceClass(string product)
    {
        foreach (var p in catalog.Catalog.Products)
        {
            if (p.Id == product)
            {
                return p.DeviceClass;
            }
        }

        return catalog.Catalog.Products.Count > 0 ? catalog.Catalog.Products[0].DeviceClass : "desktop";
    }

    /// <summary><c>log.record.uid</c> when it is a UUID or a ULID; otherwise a UUIDv7 of the record's time whose other
    /// bits are a SHA-256 of the resource, the scope and the record (which holds the uid, if any): an exporter's retry
    /// sends the same bytes and so gets the same id, which the store deduplicates.</summary>
    private static Guid RecordId(LogRecord record, ulong nanos, OtlpResource resource, byte[] scopeBytes)
    {
        var uid = OtlpResource.Text(record.Attributes, "log.record.uid");
        if (uid is not null && (Guid.TryParse(uid, out var given) || TryParseUlid(uid, out given)))
        {
            return given;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(resource.Hash);
        hash.AppendData(BitConverter.GetBytes(scopeBytes.Length));
        hash.AppendData(scopeBytes);
        hash.AppendData(record.ToByteArray());
        var bits = hash.GetHashAndReset();
        var time = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Min(nanos / 100, (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks));
        return Uuid7.Create(time, bits);
    }

    /// <summary>A ULID (26 characters of Crockford's base32, 128 bits), which the semantic conventions suggest for
    /// <c>log.record.uid</c>, as the UUID of the same bits.</summary>
    internal static bool TryParseUlid(string text, out Guid id)
    {
        const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        id = default;
        if (text.Length != 26 || text[0] > '7')
        {
            return false;
        }

        UInt128 value = 0;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 5) | (uint)digit;
        }

        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        id = new Guid(bytes, bigEndian: true);
        return true;
    }
}

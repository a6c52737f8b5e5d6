using System.Security.Cryptography;
using Candor.Core.Model;
using Candor.Core.Privacy;
using Candor.Server.Catalogs;
using Candor.Server.Ingestion;
using Candor.Server.Otlp.Proto;
using Google.Protobuf;

namespace Candor.Server.Otlp;

/// <summary>Maps OTLP log records to Candor events (docs/otlp.md) as <see cref="ParsedEvent"/>s for
/// <see cref="EventAcceptance"/>: the event from <c>event_name</c> (or the <c>event.name</c> attribute), its data from
/// the attributes the catalog declares for it (the others are dropped and counted, never stored), the envelope from
/// the resource, the id from <c>log.record.uid</c> or derived from the record's time and content, and an unhandled
/// exception (severity FATAL, no event name) to the catalog's crash event with the same signature as the Candor SDK
/// computes. The body and <c>exception.message</c> are never read. One instance per request; not thread-safe.</summary>
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

    /// <summary>Maps every record: a record that maps to no event is added to <paramref name="rejected"/> with its index;
    /// the others are handed to <paramref name="accept"/> with theirs, one at a time (the event is reused).</summary>
    /// <returns>How many attributes were dropped because the catalog does not declare them for their event.</returns>
    public int Map(ExportLogsServiceRequest request, List<Rejection> rejected, Action<ParsedEvent, int> accept)
    {
        var parsed = new ParsedEvent();
        var index = 0;
        var dropped = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = OtlpResource.From(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scopeBytes = scopeLogs.Scope?.ToByteArray() ?? [];
                foreach (var record in scopeLogs.LogRecords)
                {
                    parsed.Reset();
                    if (MapRecord(record, index, resource, scopeBytes, parsed, rejected, ref dropped))
                    {
                        accept(parsed, index);
                    }

                    index++;
                }
            }
        }

        return dropped;
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

    private bool MapRecord(LogRecord record, int index, OtlpResource resource, byte[] scopeBytes, ParsedEvent parsed,
        List<Rejection> rejected, ref int dropped)
    {
        var nanos = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
        var id = RecordId(record, nanos, resource, scopeBytes);
        var name = record.EventName is { Length: > 0 } n ? n : OtlpResource.Text(record.Attributes, "event.name");
        var stackText = OtlpResource.Text(record.Attributes, "exception.stacktrace");
        if (name is null && stackText is not null && record.SeverityNumber >= SeverityNumber.Fatal)
        {
            name = CrashEvent;
        }

        if (name is null)
        {
            rejected.Add(new Rejection(index, id, RejectionCode.UnknownEvent, stackText is null
                ? "The record names no event: set event_name (or the event.name attribute) to an event of the catalog."
                : "An exception below severity FATAL is not a crash: name the catalog's failure event in event_name to record it."));
            return false;
        }

        parsed.Id = id;
        parsed.Name = name;
        parsed.Time = nanos == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));

        // OTLP records carry no sequence number; no analysis reads seq as a position.
        parsed.Seq = 0;
        parsed.Product = resource.Product;
        parsed.AppVersion = resource.AppVersion;
        parsed.Sdk = resource.Sdk;
        parsed.Session = OtlpResource.Uuid(record.Attributes, "session.id") ?? resource.Session;
        parsed.DeviceId = resource.DeviceId;
        parsed.DeviceClass = DeviceClass(resource.Product);
        parsed.Os = resource.Os;
        parsed.OsVersion = resource.OsVersion;
        parsed.Arch = resource.Arch;

        // No semantic convention names the device's language: "und" is BCP 47's "undetermined", as the SDK sends.
        parsed.Locale = "und";

        // What the acceptance rules would call "the envelope lacks ...", said in OpenTelemetry's names.
        parsed.EnvelopeError = nanos == 0 ? "The record has neither time_unix_nano nor observed_time_unix_nano."
            : resource.Product is null ? "The resource has no service.name (or candor.product) naming the product."
            : resource.AppVersion is null ? "The resource has no service.version."
            : resource.DeviceId is null ? "The resource has no app.installation.id (or device.id) that is a random UUID."
            : parsed.Session is null ? "Neither the record nor the resource has a session.id (or service.instance.id) that is a UUID."
            : null;

        // An unknown event is left to the acceptance rules, which reject it as /v1/events does; its attributes are
        // not counted as dropped, since the whole record is refused.
        if (catalog.TryGetEvent(name, out var rule))
        {
            dropped += AddFields(record, rule, parsed);
            if (stackText is not null)
            {
                AddCrashFields(rule, stackText, OtlpResource.Text(record.Attributes, "exception.type"), parsed);
            }
        }

        return true;
    }

    /// <summary>Adds the attributes the event declares as its data; returns how many others were dropped.</summary>
    private static int AddFields(LogRecord record, EventRule rule, ParsedEvent parsed)
    {
        var dropped = 0;
        foreach (var attribute in record.Attributes)
        {
            if (Consumed.Contains(attribute.Key))
            {
                continue;
            }

            if (rule.TryGetField(attribute.Key, out _))
            {
                parsed.Data.Add(Value(attribute.Key, attribute.Value));
            }
            else
            {
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>An attribute as a data value of its type. A value no field type accepts (bytes, an array, a map, none)
    /// becomes a non-finite number, which every field's rule refuses as <c>invalid_field</c>.</summary>
    private static DataValue Value(string name, AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => DataValue.String(name, value.StringValue),
        AnyValue.ValueOneofCase.BoolValue => DataValue.Of(name, value.BoolValue),
        AnyValue.ValueOneofCase.IntValue => DataValue.Of(name, value.IntValue),
        AnyValue.ValueOneofCase.DoubleValue => DataValue.Of(name, value.DoubleValue),
        _ => DataValue.Of(name, double.NaN),
    };

    /// <summary>The exception's type and signature, computed from its text by the same Core code as the SDK uses on
    /// the exception, into the event's crash fields when it declares them and the record did not set them.</summary>
    private static void AddCrashFields(EventRule rule, string stackText, string? shortType, ParsedEvent parsed)
    {
        var report = CrashSignature.FromText(stackText, shortType);
        if (rule.TryGetField(ExceptionTypeField, out var typeField) && !parsed.Data.Exists(f => f.Name == ExceptionTypeField))
        {
            var max = typeField.MaxLength ?? MaxExceptionTypeLength;
            var type = report.ExceptionType.Length <= max ? report.ExceptionType : report.ExceptionType[..max];
            parsed.Data.Add(DataValue.String(ExceptionTypeField, type));
        }

        if (rule.TryGetField(StackSignatureField, out var signatureField) && !parsed.Data.Exists(f => f.Name == StackSignatureField))
        {
            var signature = CrashSignature.Shorten(report.StackSignature, signatureField.MaxLength ?? MaxExceptionTypeLength);
            parsed.Data.Add(DataValue.String(StackSignatureField, signature));
        }
    }

    /// <summary>The product's device class in the catalog (what the Candor SDK sends by default); for a product the
    /// catalog lacks, any declared class, so that the record is refused as <c>unknown_product</c>.</summary>
    private string DeviceClass(string? product)
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

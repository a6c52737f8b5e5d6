using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Core.Policy;
using Candor.Core.Privacy;
using Candor.Storage;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Server.Ingestion;

/// <summary>What one request's events are checked against.</summary>
internal sealed record BatchRules(
    CatalogIndex Catalog, TenantPolicy Policy, Guid TenantId, DateTimeOffset Now, IngestionLimits Limits, PiiGuard Pii);

/// <summary>A batch that cannot be read at all (the whole request fails with this status and code).</summary>
internal sealed record BatchError(int Status, string Code, string Detail);

/// <summary>The outcome of reading one batch: the events to store (with their index in the batch) and the
/// rejected ones, or an error for the whole batch.</summary>
internal sealed class BatchResult
{
    public List<StoredEvent> Accepted { get; } = [];

    public List<int> AcceptedIndexes { get; } = [];

    public List<Rejection> Rejected { get; } = [];

    /// <summary>How many events the batch held.</summary>
    public int Count { get; set; }

    /// <summary>How many string values were redacted because the PII detectors flagged them.</summary>
    public int Redacted { get; set; }

    public BatchError? Error { get; set; }
}

/// <summary>Reads a batch straight from its UTF-8 bytes with <see cref="Utf8JsonReader"/> and validates every
/// event against the tenant's compiled catalog and policy, writing each accepted event's <c>data</c> back out
/// compactly with <see cref="Utf8JsonWriter"/>. No document or object graph is built per event; envelope
/// strings that repeat within a batch (SDK, OS, locale...) are decoded once. One instance per request; not
/// thread-safe.</summary>
internal sealed class BatchReader
{
    private const int MaxDepth = 16;

    // Never echo a client-chosen name back unless it looks like an identifier: a property name can itself be
    // personal data, and responses must not become a way to reflect it.
    private const int MaxEchoedNameLength = 64;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly BatchRules _rules;
    private readonly ArrayBufferWriter<byte> _data = new(1024);
    private readonly Utf8JsonWriter _writer;
    private readonly char[] _chars = new char[256];
    private char[] _value = new char[256];
    private bool[] _seen = new bool[16];
    private readonly CachedString _appVersion = new();
    private readonly CachedString _sdk = new();
    private readonly CachedString _os = new();
    private readonly CachedString _osVersion = new();
    private readonly CachedString _arch = new();
    private readonly CachedString _locale = new();
    private readonly DateTimeOffset _oldest;
    private readonly DateTimeOffset _newest;
    private readonly DateOnly _today;

    public BatchReader(BatchRules rules)
    {
        _rules = rules;
        _writer = new Utf8JsonWriter(_data, WriterOptions);
        _oldest = rules.Now - rules.Limits.MaxEventAge;
        _newest = rules.Now + rules.Limits.MaxClockSkew;
        _today = DateOnly.FromDateTime(rules.Now.UtcDateTime);
    }

    /// <summary>Reads and validates a whole batch. The bytes must be valid UTF-8 (the caller checks).</summary>
    public static BatchResult Read(ReadOnlySpan<byte> json, BatchRules rules) => new BatchReader(rules).ReadBatch(json);

    private BatchResult ReadBatch(ReadOnlySpan<byte> json)
    {
        var result = new BatchResult();
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                result.Error = NotABatch("The body is not a JSON object.");
                return result;
            }

            var sawEvents = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(EnvelopeName.Events.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (sawEvents || reader.TokenType != JsonTokenType.StartArray)
                    {
                        result.Error = NotABatch("'events' must appear once, as an array.");
                        return result;
                    }

                    sawEvents = true;
                    if (!ReadEvents(ref reader, json, result))
                    {
                        return result;
                    }
                }
                else if (reader.ValueTextEquals(EnvelopeName.BatchId.EncodedUtf8Bytes) || reader.ValueTextEquals(EnvelopeName.SentAt.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        result.Error = NotABatch("'batchId' and 'sentAt' must be strings.");
                        return result;
                    }
                }
                else
                {
                    // Unknown batch-level properties are ignored so that newer clients can add metadata.
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                result.Error = NotABatch("The batch object is followed by more content.");
                return result;
            }

            if (!sawEvents)
            {
                result.Error = NotABatch("The batch has no 'events' array.");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with an escaped lone surrogate is well-formed JSON but no text.
            // The reader's message names the line and byte position, never the offending value.
            result.Error = new BatchError(400, "invalid_json", $"The body is not valid JSON: {ex.Message}");
            result.Accepted.Clear();
            result.AcceptedIndexes.Clear();
            result.Rejected.Clear();
        }

        return result;
    }

    private static BatchError NotABatch(string detail) => new(400, "invalid_batch", detail);

    private bool ReadEvents(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, BatchResult result)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index >= _rules.Limits.MaxEventsPerBatch)
            {
                result.Error = new BatchError(413, "too_many_events",
                    $"A batch may hold at most {_rules.Limits.MaxEventsPerBatch} events.");
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                result.Rejected.Add(new Rejection(index, null, RejectionCode.InvalidEnvelope, "The event is not a JSON object."));
            }
            else
            {
                ReadEvent(ref reader, json, index, result);
            }

            index++;
        }

        result.Count = index;
        return true;
    }

    private void ReadEvent(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int index, BatchResult result)
    {
        var e = new Envelope();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = Identify(ref reader);
            reader.Read();
            if (e.Failed)
            {
                reader.Skip();
                continue;
            }

            if (property != EnvelopeProperty.Unknown && !e.Mark(property))
            {
                e.Fail(RejectionCode.InvalidEnvelope, $"'{Wire(property)}' appears more than once.");
            }
            else
            {
                ReadEnvelopeValue(ref reader, property, ref e);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        if (!e.Failed)
        {
            Validate(ref e, json);
        }

        if (e.Failed)
        {
            result.Rejected.Add(new Rejection(index, e.HasId ? e.Id : null, e.Code, e.Message!));
            return;
        }

        result.Redacted += e.Redactions;
        result.AcceptedIndexes.Add(index);
        result.Accepted.Add(new StoredEvent
        {
            TenantId = _rules.TenantId,
            EventId = e.Id,
            Name = e.Rule!.Name,
            Level = e.Rule.Level,
            Category = e.Rule.Category,
            Product = e.Product!,
            AppVersion = e.AppVersion!,
            Sdk = e.Sdk!,
            SessionId = e.Session,
            DeviceId = e.DeviceId,
            DeviceClass = e.DeviceClass!,
            Os = e.Os!,
            OsVersion = e.OsVersion!,
            Arch = e.Arch!,
            Locale = e.Locale!,
            Seq = e.Seq,
            Time = e.Time,
            ReceivedAt = _rules.Now,
            Data = e.Data!,
        });
    }

    private static EnvelopeProperty Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals(EnvelopeName.Id.EncodedUtf8Bytes)) return EnvelopeProperty.Id;
        if (reader.ValueTextEquals(EnvelopeName.Name.EncodedUtf8Bytes)) return EnvelopeProperty.Name;
        if (reader.ValueTextEquals(EnvelopeName.Time.EncodedUtf8Bytes)) return EnvelopeProperty.Time;
        if (reader.ValueTextEquals(EnvelopeName.Seq.EncodedUtf8Bytes)) return EnvelopeProperty.Seq;
        if (reader.ValueTextEquals(EnvelopeName.Product.EncodedUtf8Bytes)) return EnvelopeProperty.Product;
        if (reader.ValueTextEquals(EnvelopeName.AppVersion.EncodedUtf8Bytes)) return EnvelopeProperty.AppVersion;
        if (reader.ValueTextEquals(EnvelopeName.Sdk.EncodedUtf8Bytes)) return EnvelopeProperty.Sdk;
        if (reader.ValueTextEquals(EnvelopeName.Session.EncodedUtf8Bytes)) return EnvelopeProperty.Session;
        if (reader.ValueTextEquals(EnvelopeName.Device.EncodedUtf8Bytes)) return EnvelopeProperty.Device;
        if (reader.ValueTextEquals(EnvelopeName.Data.EncodedUtf8Bytes)) return EnvelopeProperty.Data;
        return EnvelopeProperty.Unknown;
    }

    private static EnvelopeProperty IdentifyDevice(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals(EnvelopeName.Id.EncodedUtf8Bytes)) return EnvelopeProperty.DeviceId;
        if (reader.ValueTextEquals(EnvelopeName.Class.EncodedUtf8Bytes)) return EnvelopeProperty.DeviceClass;
        if (reader.ValueTextEquals(EnvelopeName.Os.EncodedUtf8Bytes)) return EnvelopeProperty.Os;
        if (reader.ValueTextEquals(EnvelopeName.OsVersion.EncodedUtf8Bytes)) return EnvelopeProperty.OsVersion;
        if (reader.ValueTextEquals(EnvelopeName.Arch.EncodedUtf8Bytes)) return EnvelopeProperty.Arch;
        if (reader.ValueTextEquals(EnvelopeName.Locale.EncodedUtf8Bytes)) return EnvelopeProperty.Locale;
        return EnvelopeProperty.Unknown;
    }

    private static string Wire(EnvelopeProperty p) => p switch
    {
        EnvelopeProperty.Id => EnvelopeNames.Id,
        EnvelopeProperty.Name => EnvelopeNames.Name,
        EnvelopeProperty.Time => EnvelopeNames.Time,
        EnvelopeProperty.Seq => EnvelopeNames.Seq,
        EnvelopeProperty.Product => EnvelopeNames.Product,
        EnvelopeProperty.AppVersion => EnvelopeNames.AppVersion,
        EnvelopeProperty.Sdk => EnvelopeNames.Sdk,
        EnvelopeProperty.Session => EnvelopeNames.Session,
        EnvelopeProperty.Device => EnvelopeNames.Device,
        EnvelopeProperty.Data => EnvelopeNames.Data,
        EnvelopeProperty.DeviceId => EnvelopeNames.DevicePaths.Id,
        EnvelopeProperty.DeviceClass => EnvelopeNames.DevicePaths.Class,
        EnvelopeProperty.Os => EnvelopeNames.DevicePaths.Os,
        EnvelopeProperty.OsVersion => EnvelopeNames.DevicePaths.OsVersion,
        EnvelopeProperty.Arch => EnvelopeNames.DevicePaths.Arch,
        EnvelopeProperty.Locale => EnvelopeNames.DevicePaths.Locale,
        _ => "?",
    };

    private void ReadEnvelopeValue(ref Utf8JsonReader reader, EnvelopeProperty property, ref Envelope e)
    {
        var env = _rules.Catalog.Envelope;
        switch (property)
        {
            case EnvelopeProperty.Id:
                if (TryReadGuid(ref reader, out e.Id))
                {
                    e.HasId = true;
                }
                else
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'id' must be a UUID string.");
                }

                break;
            case EnvelopeProperty.Name:
                if (reader.TokenType != JsonTokenType.String)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'name' must be a string.");
                }
                else if (!TryChars(ref reader, out var chars) || !_rules.Catalog.TryGetEvent(chars, out e.Rule))
                {
                    e.UnknownName = true;
                }

                break;
            case EnvelopeProperty.Time:
                if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var time))
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'time' must be an ISO 8601 timestamp string.");
                }
                else
                {
                    e.Time = time.ToUniversalTime();
                }

                break;
            case EnvelopeProperty.Seq:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out e.Seq) || e.Seq < 0)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'seq' must be a non-negative integer.");
                }

                break;
            case EnvelopeProperty.Product:
                if (reader.TokenType != JsonTokenType.String)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'product' must be a string.");
                }
                else if (!TryChars(ref reader, out var chars) || !_rules.Catalog.TryGetProduct(chars, out e.Product))
                {
                    e.UnknownProduct = true;
                }

                break;
            case EnvelopeProperty.AppVersion:
                if (!TryReadCached(ref reader, _appVersion, 64, out e.AppVersion) || !IsVersion(e.AppVersion))
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'appVersion' must be a dotted version of two to four numbers.");
                }

                break;
            case EnvelopeProperty.Sdk:
                ReadEnvelopeString(ref reader, _sdk, env.Sdk, ref e, out e.Sdk);
                break;
            case EnvelopeProperty.Session:
                if (!TryReadGuid(ref reader, out e.Session))
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'session' must be a UUID string.");
                }

                break;
            case EnvelopeProperty.Device:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'device' must be an object.");
                }
                else
                {
                    ReadDevice(ref reader, ref e);
                }

                break;
            case EnvelopeProperty.Data:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    e.Fail(RejectionCode.InvalidEnvelope, "'data' must be an object.");
                }
                else
                {
                    // The data is validated once the event's definition is known, which may come later in the
                    // object: remember where it is and check it in a second, bounded pass.
                    e.DataStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    e.DataLength = (int)reader.BytesConsumed - e.DataStart;
                }

                break;
            default:
                e.Fail(RejectionCode.InvalidEnvelope, "The event has a property the envelope does not define.");
                break;
        }
    }

    private void ReadDevice(ref Utf8JsonReader reader, ref Envelope e)
    {
        var env = _rules.Catalog.Envelope;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = IdentifyDevice(ref reader);
            reader.Read();
            if (e.Failed)
            {
                reader.Skip();
                continue;
            }

            if (property != EnvelopeProperty.Unknown && !e.Mark(property))
            {
                e.Fail(RejectionCode.InvalidEnvelope, $"'{Wire(property)}' appears more than once.");
            }
            else
            {
                switch (property)
                {
                    case EnvelopeProperty.DeviceId:
                        if (!TryReadGuid(ref reader, out e.DeviceId))
                        {
                            e.Fail(RejectionCode.InvalidEnvelope, "'device.id' must be a UUID string.");
                        }

                        break;
                    case EnvelopeProperty.DeviceClass:
                        if (reader.TokenType != JsonTokenType.String || !TryChars(ref reader, out var chars)
                            || !env.TryGetDeviceClass(chars, out e.DeviceClass))
                        {
                            e.Fail(RejectionCode.InvalidEnvelope, "'device.class' is not one of the declared device classes.");
                        }

                        break;
                    case EnvelopeProperty.Os:
                        ReadEnvelopeString(ref reader, _os, env.Os, ref e, out e.Os);
                        break;
                    case EnvelopeProperty.OsVersion:
                        ReadEnvelopeString(ref reader, _osVersion, env.OsVersion, ref e, out e.OsVersion);
                        break;
                    case EnvelopeProperty.Arch:
                        ReadEnvelopeString(ref reader, _arch, env.Arch, ref e, out e.Arch);
                        break;
                    case EnvelopeProperty.Locale:
                        ReadEnvelopeString(ref reader, _locale, env.Locale, ref e, out e.Locale);
                        break;
                    default:
                        e.Fail(RejectionCode.InvalidEnvelope, "'device' has a property the envelope does not define.");
                        break;
                }
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }
    }

    private void ReadEnvelopeString(ref Utf8JsonReader reader, CachedString cache, EnvelopeString rule, ref Envelope e, out string? value)
    {
        if (!TryReadCached(ref reader, cache, rule.MaxLength, out value))
        {
            e.Fail(RejectionCode.InvalidEnvelope, $"'{rule.WireName}' must be a string of at most {rule.MaxLength} characters.");
            return;
        }

        // The scan result is cached with the string: a batch from one device repeats the same values.
        if (!cache.Scanned)
        {
            cache.Scanned = true;
            cache.Hit = _rules.Pii.TryFindFirst(cache.Value!, out var kind);
            cache.Kind = kind;
            cache.Redacted = cache.Hit && PiiGuard.Redacts(rule.Classification) ? _rules.Pii.Redact(cache.Value!) : null;
        }

        if (!cache.Hit)
        {
            return;
        }

        if (cache.Redacted is null)
        {
            e.Fail(RejectionCode.PiiDetected, $"'{rule.WireName}' holds a value the PII detectors flag ({cache.Kind}).");
            return;
        }

        value = cache.Redacted;
        e.Redactions++;
    }

    private void Validate(ref Envelope e, ReadOnlySpan<byte> json)
    {
        if (!e.Has(EnvelopeProperty.Id) || !e.Has(EnvelopeProperty.Name) || !e.Has(EnvelopeProperty.Time)
            || !e.Has(EnvelopeProperty.Seq) || !e.Has(EnvelopeProperty.Product) || !e.Has(EnvelopeProperty.AppVersion)
            || !e.Has(EnvelopeProperty.Sdk) || !e.Has(EnvelopeProperty.Session) || !e.Has(EnvelopeProperty.Device)
            || !e.Has(EnvelopeProperty.DeviceId) || !e.Has(EnvelopeProperty.DeviceClass) || !e.Has(EnvelopeProperty.Os)
            || !e.Has(EnvelopeProperty.OsVersion) || !e.Has(EnvelopeProperty.Arch) || !e.Has(EnvelopeProperty.Locale))
        {
            e.Fail(RejectionCode.InvalidEnvelope, $"The envelope lacks '{Wire(e.FirstMissing())}'.");
            return;
        }

        if (e.UnknownProduct)
        {
            e.Fail(RejectionCode.UnknownProduct, $"The product is not one of family {_rules.Catalog.Family}.");
            return;
        }

        if (e.UnknownName)
        {
            e.Fail(RejectionCode.UnknownEvent, $"The event name is not in the catalog of family {_rules.Catalog.Family}.");
            return;
        }

        var rule = e.Rule!;
        if (!rule.AppliesTo(e.Product!))
        {
            e.Fail(RejectionCode.UnknownEvent, $"'{rule.Name}' is not declared for product '{e.Product}'.");
            return;
        }

        if (rule.Expires is { } expires && _today > expires)
        {
            e.Fail(RejectionCode.ExpiredEvent, $"'{rule.Name}' expired on {expires:yyyy-MM-dd} and may no longer be collected.");
            return;
        }

        if (!EnumSet.Contains(_rules.Catalog.FamilyLevels, rule.Level))
        {
            e.Fail(RejectionCode.LevelNotAllowed, $"Family {_rules.Catalog.Family} does not collect {rule.Level.ToWire()} data.");
            return;
        }

        if (!EnumSet.Contains(_rules.Policy.Levels, rule.Level))
        {
            e.Fail(RejectionCode.LevelNotAllowed, $"The organisation's policy does not allow {rule.Level.ToWire()} data.");
            return;
        }

        if (!EnumSet.Contains(_rules.Policy.Categories, rule.Category))
        {
            e.Fail(RejectionCode.CategoryNotAllowed, $"The organisation's policy does not allow {rule.Category.ToWire()} data.");
            return;
        }

        if (e.Time < _oldest)
        {
            e.Fail(RejectionCode.TooOld, $"The event happened more than {_rules.Limits.MaxEventAge.TotalDays:0} days ago.");
            return;
        }

        if (e.Time > _newest)
        {
            e.Fail(RejectionCode.InFuture, "The event's time is ahead of the collector's clock by more than the allowed skew.");
            return;
        }

        ValidateData(ref e, e.DataStart < 0 ? "{}"u8 : json.Slice(e.DataStart, e.DataLength), rule);
    }

    private void ValidateData(ref Envelope e, ReadOnlySpan<byte> data, EventRule rule)
    {
        if (_seen.Length < rule.Fields.Count)
        {
            _seen = new bool[rule.Fields.Count];
        }

        Array.Clear(_seen, 0, rule.Fields.Count);
        _data.ResetWrittenCount();
        _writer.Reset(_data);
        _writer.WriteStartObject();
        var reader = new Utf8JsonReader(data, ReaderOptions);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!TryChars(ref reader, out var name) || !rule.TryGetField(name, out var field))
            {
                var shown = TryChars(ref reader, out var n) && IsEchoable(n) ? $"'data.{n}'" : "A property of 'data'";
                e.Fail(RejectionCode.UndeclaredField, $"{shown} is not declared by '{rule.Name}'.");
                return;
            }

            reader.Read();
            if (_seen[field.Index])
            {
                e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' appears more than once.");
                return;
            }

            _seen[field.Index] = true;
            if (!WriteValue(ref reader, field, ref e))
            {
                return;
            }
        }

        foreach (var field in rule.Fields)
        {
            if (field.Required && !_seen[field.Index])
            {
                e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' is required by '{rule.Name}'.");
                return;
            }
        }

        _writer.WriteEndObject();
        _writer.Flush();
        e.Data = Encoding.UTF8.GetString(_data.WrittenSpan);
    }

    private bool WriteValue(ref Utf8JsonReader reader, FieldRule field, ref Envelope e)
    {
        var token = reader.TokenType;
        switch (field.Type)
        {
            case FieldType.String:
                return WriteString(ref reader, field, ref e);
            case FieldType.Int when token == JsonTokenType.Number && reader.TryGetInt32(out var i):
                _writer.WriteNumber(field.EncodedName, i);
                return true;
            case FieldType.Long when token == JsonTokenType.Number && reader.TryGetInt64(out var l):
                _writer.WriteNumber(field.EncodedName, l);
                return true;
            case FieldType.Duration when token == JsonTokenType.Number && reader.TryGetInt64(out var ms) && ms >= 0:
                _writer.WriteNumber(field.EncodedName, ms);
                return true;
            case FieldType.Double when token == JsonTokenType.Number && reader.TryGetDouble(out var d) && double.IsFinite(d):
                _writer.WriteNumber(field.EncodedName, d);
                return true;
            case FieldType.Bool when token is JsonTokenType.True or JsonTokenType.False:
                _writer.WriteBoolean(field.EncodedName, token == JsonTokenType.True);
                return true;
            case FieldType.Timestamp when token == JsonTokenType.String && reader.TryGetDateTimeOffset(out var t):
                _writer.WriteString(field.EncodedName, t.ToUniversalTime());
                return true;
            case FieldType.Version when token == JsonTokenType.String && !reader.ValueIsEscaped && IsVersion(reader.ValueSpan):
                _writer.WriteString(field.EncodedName, reader.ValueSpan);
                return true;
            case FieldType.Hash when token == JsonTokenType.String && !reader.ValueIsEscaped && IsSha256Hex(reader.ValueSpan):
                _writer.WriteString(field.EncodedName, reader.ValueSpan);
                return true;
            case FieldType.Enum when token == JsonTokenType.String && TryChars(ref reader, out var chars) && field.IsAllowedValue(chars):
                _writer.WriteString(field.EncodedName, chars);
                return true;
            default:
                e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' must be {Describe(field)}.");
                return false;
        }
    }

    private bool WriteString(ref Utf8JsonReader reader, FieldRule field, ref Envelope e)
    {
        var max = field.MaxLength ?? _rules.Limits.DefaultMaxStringLength;
        if (reader.TokenType != JsonTokenType.String)
        {
            e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' must be {Describe(field)}.");
            return false;
        }

        // UTF-8 never has fewer bytes than UTF-16 code units, and an escape never more than six bytes per unit:
        // short values need no counting, and a value that is surely over-long is refused before it is decoded.
        var span = reader.ValueSpan;
        if (span.Length > max)
        {
            var tooLong = reader.ValueIsEscaped ? span.Length > (long)max * 6 : Encoding.UTF8.GetCharCount(span) > max;
            if (tooLong)
            {
                e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' is longer than {max} characters.");
                return false;
            }
        }

        // Decoded into a reused buffer: a clean value (the usual case) is scanned and written without a string.
        if (_value.Length < span.Length)
        {
            _value = new char[Math.Max(span.Length, _value.Length * 2)];
        }

        var length = reader.CopyString(_value);
        if (length > max)
        {
            e.Fail(RejectionCode.InvalidField, $"'data.{field.Name}' is longer than {max} characters.");
            return false;
        }

        var chars = _value.AsSpan(0, length);
        if (_rules.Pii.TryFindFirst(chars, out var kind))
        {
            if (!PiiGuard.Redacts(field.Classification))
            {
                e.Fail(RejectionCode.PiiDetected, $"'data.{field.Name}' holds a value the PII detectors flag ({kind}).");
                return false;
            }

            _writer.WriteString(field.EncodedName, _rules.Pii.Redact(chars.ToString()));
            e.Redactions++;
            return true;
        }

        _writer.WriteString(field.EncodedName, chars);
        return true;
    }

    private static string Describe(FieldRule field) => field.Type switch
    {
        FieldType.String => "a string",
        FieldType.Int => "an integer within 32 bits",
        FieldType.Long => "an integer within 64 bits",
        FieldType.Double => "a finite number",
        FieldType.Bool => "true or false",
        FieldType.Timestamp => "an ISO 8601 timestamp string",
        FieldType.Duration => "a non-negative integer number of milliseconds",
        FieldType.Version => "a dotted version string of two to four numbers",
        FieldType.Enum => "one of the declared values",
        FieldType.Hash => "a lowercase hexadecimal SHA-256 (64 characters)",
        _ => "a valid value",
    };

    private bool TryChars(ref Utf8JsonReader reader, out ReadOnlySpan<char> chars)
    {
        // An escaped value is never longer in characters than it is in bytes, so this bound is safe for both.
        if (reader.ValueSpan.Length > _chars.Length)
        {
            chars = default;
            return false;
        }

        var n = reader.CopyString(_chars);
        chars = _chars.AsSpan(0, n);
        return true;
    }

    private static bool TryReadGuid(ref Utf8JsonReader reader, out Guid value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            var span = reader.ValueSpan;
            return span.Length == 36 && Utf8Parser.TryParse(span, out value, out var consumed, 'D') && consumed == 36;
        }

        return Guid.TryParseExact(reader.GetString(), "D", out value);
    }

    private static bool TryReadCached(ref Utf8JsonReader reader, CachedString cache, int maxLength, out string? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        var span = reader.ValueSpan;
        if (!reader.ValueIsEscaped && cache.Comparable && span.SequenceEqual(cache.Bytes))
        {
            value = cache.Value;
            return true;
        }

        if (span.Length > maxLength * 6)
        {
            return false;
        }

        var text = reader.GetString()!;
        if (text.Length > maxLength)
        {
            return false;
        }

        cache.Set(span, comparable: !reader.ValueIsEscaped, text);
        value = text;
        return true;
    }

    internal static bool IsVersion(ReadOnlySpan<byte> text)
    {
        var parts = 1;
        var digits = 0;
        foreach (var b in text)
        {
            if (b == (byte)'.')
            {
                if (digits == 0)
                {
                    return false;
                }

                parts++;
                digits = 0;
            }
            else if (b is >= (byte)'0' and <= (byte)'9' && digits < 10)
            {
                digits++;
            }
            else
            {
                return false;
            }
        }

        return digits > 0 && parts is >= 2 and <= 4;
    }

    internal static bool IsVersion(string? text)
    {
        if (text is null || text.Length > 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[64];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 127)
            {
                return false;
            }

            bytes[i] = (byte)text[i];
        }

        return IsVersion(bytes[..text.Length]);
    }

    internal static bool IsSha256Hex(ReadOnlySpan<byte> text)
    {
        if (text.Length != 64)
        {
            return false;
        }

        foreach (var b in text)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsEchoable(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxEchoedNameLength || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private enum EnvelopeProperty
    {
        Unknown = 0,
        Id,
        Name,
        Time,
        Seq,
        Product,
        AppVersion,
        Sdk,
        Session,
        Device,
        Data,
        DeviceId,
        DeviceClass,
        Os,
        OsVersion,
        Arch,
        Locale,
    }

    /// <summary>The envelope as it is read: one mutable struct per event, on the stack.</summary>
    private struct Envelope
    {
        public Guid Id;
        public bool HasId;
        public EventRule? Rule;
        public bool UnknownName;
        public DateTimeOffset Time;
        public long Seq;
        public string? Product;
        public bool UnknownProduct;
        public string? AppVersion;
        public string? Sdk;
        public Guid Session;
        public Guid DeviceId;
        public string? DeviceClass;
        public string? Os;
        public string? OsVersion;
        public string? Arch;
        public string? Locale;
        public int DataStart;
        public int DataLength;
        public string? Data;
        public int Redactions;
        public bool Failed;
        public RejectionCode Code;
        public string? Message;
        private int _present;

        public Envelope()
        {
            DataStart = -1;
        }

        public readonly bool Has(EnvelopeProperty p) => (_present & (1 << (int)p)) != 0;

        /// <summary>Marks a property as present; false when it already was.</summary>
        public bool Mark(EnvelopeProperty p)
        {
            var bit = 1 << (int)p;
            if ((_present & bit) != 0)
            {
                return false;
            }

            _present |= bit;
            return true;
        }

        public readonly EnvelopeProperty FirstMissing()
        {
            for (var p = EnvelopeProperty.Id; p <= EnvelopeProperty.Locale; p++)
            {
                if (p != EnvelopeProperty.Data && !Has(p))
                {
                    return p;
                }
            }

            return EnvelopeProperty.Unknown;
        }

        public void Fail(RejectionCode code, string message)
        {
            if (!Failed)
            {
                Failed = true;
                Code = code;
                Message = message;
            }
        }
    }

    /// <summary>The last value of one envelope string in this batch, with its PII verdict.</summary>
    private sealed class CachedString
    {
        private byte[] _bytes = [];
        private int _length;

        public string? Value { get; private set; }

        public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

        public bool Scanned { get; set; }

        public bool Hit { get; set; }

        public string? Kind { get; set; }

        public string? Redacted { get; set; }

        public bool Comparable { get; private set; }

        public void Set(ReadOnlySpan<byte> bytes, bool comparable, string value)
        {
            Comparable = comparable;
            if (_bytes.Length < bytes.Length)
            {
                _bytes = new byte[Math.Max(bytes.Length, 32)];
            }

            bytes.CopyTo(_bytes);
            _length = bytes.Length;
            Value = value;
            Scanned = false;
            Hit = false;
            Kind = null;
            Redacted = null;
        }
    }
}

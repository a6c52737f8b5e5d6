using System.Text.Json;

namespace Candor.Core.Model;

/// <summary>The property names of the event protocol (docs/protocol.md): the batch, each event's envelope and its
/// <c>device</c> object. The SDK and the fleet write them, the collector reads them and the admin export writes
/// them back, all from this one spelling. Thread-safe (constants and immutable values).</summary>
public static class EnvelopeNames
{
    /// <summary>The batch's optional id: <c>batchId</c>.</summary>
    public const string BatchId = "batchId";

    /// <summary>The batch's optional send time: <c>sentAt</c>.</summary>
    public const string SentAt = "sentAt";

    /// <summary>The batch's array of events: <c>events</c>.</summary>
    public const string Events = "events";

    /// <summary>The event's id, and the device's id inside <see cref="Device"/>: <c>id</c>.</summary>
    public const string Id = "id";

    /// <summary>The event's name in the catalog: <c>name</c>.</summary>
    public const string Name = "name";

    /// <summary>When the event happened: <c>time</c>.</summary>
    public const string Time = "time";

    /// <summary>The event's sequence number on its device: <c>seq</c>.</summary>
    public const string Seq = "seq";

    /// <summary>The product that sent the event: <c>product</c>.</summary>
    public const string Product = "product";

    /// <summary>The product's version: <c>appVersion</c>.</summary>
    public const string AppVersion = "appVersion";

    /// <summary>The SDK that wrote the event: <c>sdk</c>.</summary>
    public const string Sdk = "sdk";

    /// <summary>The session the event belongs to: <c>session</c>.</summary>
    public const string Session = "session";

    /// <summary>The object describing the device: <c>device</c>.</summary>
    public const string Device = "device";

    /// <summary>The device's class inside <see cref="Device"/>: <c>class</c>.</summary>
    public const string Class = "class";

    /// <summary>The operating system inside <see cref="Device"/>: <c>os</c>.</summary>
    public const string Os = "os";

    /// <summary>The operating system's version inside <see cref="Device"/>: <c>osVersion</c>.</summary>
    public const string OsVersion = "osVersion";

    /// <summary>The processor architecture inside <see cref="Device"/>: <c>arch</c>.</summary>
    public const string Arch = "arch";

    /// <summary>The locale inside <see cref="Device"/>: <c>locale</c>.</summary>
    public const string Locale = "locale";

    /// <summary>The event's catalog-declared values: <c>data</c>.</summary>
    public const string Data = "data";

    /// <summary>The dotted paths of the device's properties, as the catalog's common fields (their wire name)
    /// and the collector's messages name them.</summary>
    public static class DevicePaths
    {
        /// <summary><c>device.id</c>.</summary>
        public const string Id = Device + "." + EnvelopeNames.Id;

        /// <summary><c>device.class</c>.</summary>
        public const string Class = Device + "." + EnvelopeNames.Class;

        /// <summary><c>device.os</c>.</summary>
        public const string Os = Device + "." + EnvelopeNames.Os;

        /// <summary><c>device.osVersion</c>.</summary>
        public const string OsVersion = Device + "." + EnvelopeNames.OsVersion;

        /// <summary><c>device.arch</c>.</summary>
        public const string Arch = Device + "." + EnvelopeNames.Arch;

        /// <summary><c>device.locale</c>.</summary>
        public const string Locale = Device + "." + EnvelopeNames.Locale;
    }

    /// <summary>The names pre-encoded for <see cref="Utf8JsonWriter"/> (no escaping per write) and, through
    /// <see cref="JsonEncodedText.EncodedUtf8Bytes"/>, as UTF-8 for <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/>
    /// (every name is plain ASCII, so its encoded form is its UTF-8 form). Allocation-free after type
    /// initialisation.</summary>
    public static class Encoded
    {
        /// <summary><see cref="EnvelopeNames.BatchId"/>.</summary>
        public static readonly JsonEncodedText BatchId = JsonEncodedText.Encode(EnvelopeNames.BatchId);

        /// <summary><see cref="EnvelopeNames.SentAt"/>.</summary>
        public static readonly JsonEncodedText SentAt = JsonEncodedText.Encode(EnvelopeNames.SentAt);

        /// <summary><see cref="EnvelopeNames.Events"/>.</summary>
        public static readonly JsonEncodedText Events = JsonEncodedText.Encode(EnvelopeNames.Events);

        /// <summary><see cref="EnvelopeNames.Id"/>.</summary>
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode(EnvelopeNames.Id);

        /// <summary><see cref="EnvelopeNames.Name"/>.</summary>
        public static readonly JsonEncodedText Name = JsonEncodedText.Encode(EnvelopeNames.Name);

        /// <summary><see cref="EnvelopeNames.Time"/>.</summary>
        public static readonly JsonEncodedText Time = JsonEncodedText.Encode(EnvelopeNames.Time);

        /// <summary><see cref="EnvelopeNames.Seq"/>.</summary>
        public static readonly JsonEncodedText Seq = JsonEncodedText.Encode(EnvelopeNames.Seq);

        /// <summary><see cref="EnvelopeNames.Product"/>.</summary>
        public static readonly JsonEncodedText Product = JsonEncodedText.Encode(EnvelopeNames.Product);

        /// <summary><see cref="EnvelopeNames.AppVersion"/>.</summary>
        public static readonly JsonEncodedText AppVersion = JsonEncodedText.Encode(EnvelopeNames.AppVersion);

        /// <summary><see cref="EnvelopeNames.Sdk"/>.</summary>
        public static readonly JsonEncodedText Sdk = JsonEncodedText.Encode(EnvelopeNames.Sdk);

        /// <summary><see cref="EnvelopeNames.Session"/>.</summary>
        public static readonly JsonEncodedText Session = JsonEncodedText.Encode(EnvelopeNames.Session);

        /// <summary><see cref="EnvelopeNames.Device"/>.</summary>
        public static readonly JsonEncodedText Device = JsonEncodedText.Encode(EnvelopeNames.Device);

        /// <summary><see cref="EnvelopeNames.Class"/>.</summary>
        public static readonly JsonEncodedText Class = JsonEncodedText.Encode(EnvelopeNames.Class);

        /// <summary><see cref="EnvelopeNames.Os"/>.</summary>
        public static readonly JsonEncodedText Os = JsonEncodedText.Encode(EnvelopeNames.Os);

        /// <summary><see cref="EnvelopeNames.OsVersion"/>.</summary>
        public static readonly JsonEncodedText OsVersion = JsonEncodedText.Encode(EnvelopeNames.OsVersion);

        /// <summary><see cref="EnvelopeNames.Arch"/>.</summary>
        public static readonly JsonEncodedText Arch = JsonEncodedText.Encode(EnvelopeNames.Arch);

        /// <summary><see cref="EnvelopeNames.Locale"/>.</summary>
        public static readonly JsonEncodedText Locale = JsonEncodedText.Encode(EnvelopeNames.Locale);

        /// <summary><see cref="EnvelopeNames.Data"/>.</summary>
        public static readonly JsonEncodedText Data = JsonEncodedText.Encode(EnvelopeNames.Data);
    }
}

using Candor.Core.Model;
using Candor.Server.Catalogs;

namespace Candor.Server.Ingestion;

/// <summary>The envelope's properties (docs/protocol.md). The order is the order in which a missing one is named.</summary>
internal enum EnvelopeProperty
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

internal static class EnvelopeProperties
{
    /// <summary>The property's path on the wire, as rejection messages name it.</summary>
    public static string Wire(this EnvelopeProperty p) => p switch
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
}

/// <summary>One event's envelope as it is read, whatever the wire format, and the verdict on it: one mutable struct
/// per event, on the stack. The first failure wins; later ones are not recorded.</summary>
internal struct EventEnvelope
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

    /// <summary>The declared data as stored: compact JSON written by <see cref="EventAcceptance"/>.</summary>
    public string? Data;
    public int Redactions;
    public bool Failed;
    public RejectionCode Code;
    public string? Message;
    private int _present;

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

/// <summary>The recent values of one envelope string in a request, each with its PII verdict, so that each value is
/// decoded and scanned once per request. A batch from one device (what the SDK sends) repeats one SDK, OS and locale;
/// a batch that mixes devices (a gateway, the load generator's time-ordered fleet) cycles through a few of each, so
/// the last <see cref="Capacity"/> distinct values are kept, the oldest replaced first. The properties describe the
/// value last set or selected. One per property and request; not thread-safe.</summary>
internal sealed class CachedEnvelopeString
{
    /// <summary>How many distinct values are kept: enough for the OS versions, locales and app versions a mixed batch
    /// cycles through, few enough that a miss (a linear scan of length-checked spans) costs little.</summary>
    internal const int Capacity = 16;

    private readonly Entry[] _entries = new Entry[Capacity];
    private int _count;
    private int _next;
    private Entry _current = new();

    public string? Value => _current.Value;

    /// <summary>The UTF-8 bytes the value was decoded from, when <see cref="Comparable"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _current.Bytes;

    /// <summary>Whether <see cref="Bytes"/> can stand for the value (they held no JSON escape).</summary>
    public bool Comparable => _current.Comparable;

    public bool Scanned { get => _current.Scanned; set => _current.Scanned = value; }

    /// <summary>Whether the value holds a character <see cref="EnvelopeText"/> refuses (set with the scan).</summary>
    public bool Forbidden { get => _current.Forbidden; set => _current.Forbidden = value; }

    public bool Hit { get => _current.Hit; set => _current.Hit = value; }

    public string? Kind { get => _current.Kind; set => _current.Kind = value; }

    public string? Redacted { get => _current.Redacted; set => _current.Redacted = value; }

    /// <summary>Makes the kept value decoded from exactly these unescaped UTF-8 bytes the current one; false when
    /// none was.</summary>
    public bool TrySelect(ReadOnlySpan<byte> bytes)
    {
        // The current value first: consecutive events of one device repeat it.
        if (_current.Comparable && bytes.SequenceEqual(_current.Bytes))
        {
            return true;
        }

        for (var i = 0; i < _count; i++)
        {
            var entry = _entries[i];
            if (entry.Comparable && bytes.SequenceEqual(entry.Bytes))
            {
                _current = entry;
                return true;
            }
        }

        return false;
    }

    /// <summary>A value decoded from UTF-8 bytes (the JSON reader compares the next values' bytes with these).</summary>
    public void Set(ReadOnlySpan<byte> bytes, bool comparable, string value) => Take().Set(bytes, comparable, value);

    /// <summary>A value that arrived as a string (a wire format other than JSON); a kept one is reused.</summary>
    public void Set(string value)
    {
        if (string.Equals(_current.Value, value, StringComparison.Ordinal))
        {
            return;
        }

        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_entries[i].Value, value, StringComparison.Ordinal))
            {
                _current = _entries[i];
                return;
            }
        }

        Take().Set([], comparable: false, value);
    }

    /// <summary>A free entry, or the oldest one, made current.</summary>
    private Entry Take()
    {
        if (_count < Capacity)
        {
            _current = _entries[_count++] = new Entry();
        }
        else
        {
            _current = _entries[_next];
            _next = (_next + 1) % Capacity;
        }

        return _current;
    }

    private sealed class Entry
    {
        private byte[] _bytes = [];
        private int _length;

        public string? Value { get; private set; }

        public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

        public bool Comparable { get; private set; }

        public bool Scanned { get; set; }

        public bool Forbidden { get; set; }

        public bool Hit { get; set; }

        public string? Kind { get; set; }

        public string? Redacted { get; set; }

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
            Forbidden = false;
            Hit = false;
            Kind = null;
            Redacted = null;
        }
    }
}

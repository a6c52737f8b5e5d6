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

/// <summary>The last value of one envelope string in a request, with its PII verdict: the events of a batch come
/// from few devices and repeat the same SDK, OS and locale, so each value is decoded and scanned once.</summary>
internal sealed class CachedEnvelopeString
{
    private byte[] _bytes = [];
    private int _length;

    public string? Value { get; private set; }

    /// <summary>The UTF-8 bytes the value was decoded from, when <see cref="Comparable"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

    /// <summary>Whether <see cref="Bytes"/> can stand for the value (they held no JSON escape).</summary>
    public bool Comparable { get; private set; }

    public bool Scanned { get; set; }

    /// <summary>Whether the value holds a character <see cref="EnvelopeText"/> refuses (set with the scan).</summary>
    public bool Forbidden { get; set; }

    public bool Hit { get; set; }

    public string? Kind { get; set; }

    public string? Redacted { get; set; }

    /// <summary>A value decoded from UTF-8 bytes (the JSON reader compares the next value's bytes with these).</summary>
    public void Set(ReadOnlySpan<byte> bytes, bool comparable, string value)
    {
        Comparable = comparable;
        if (_bytes.Length < bytes.Length)
        {
            _bytes = new byte[Math.Max(bytes.Length, 32)];
        }

        bytes.CopyTo(_bytes);
        _length = bytes.Length;
        Reset(value);
    }

    /// <summary>A value that arrived as a string (a wire format other than JSON); kept unless it changed.</summary>
    public void Set(string value)
    {
        if (!string.Equals(Value, value, StringComparison.Ordinal))
        {
            Comparable = false;
            _length = 0;
            Reset(value);
        }
    }

    private void Reset(string value)
    {
        Value = value;
        Scanned = false;
        Forbidden = false;
        Hit = false;
        Kind = null;
        Redacted = null;
    }
}

using Candor.Fleet.Wire;

namespace Candor.Fleet.Simulation;

/// <summary>One installation of one product on one device: its pseudonymous identity, its platform and
/// hardware, and the state that changes during the simulated period (app version, OS version, network).</summary>
internal sealed class FleetDevice
{
    public required int Index { get; init; }

    /// <summary>The pseudonymous device id: random (from the seed), derived from nothing about the device.</summary>
    public required Guid Id { get; init; }

    public required ProductProfile Product { get; init; }

    /// <summary>The catalog platform (<c>windows</c>, <c>android</c>, <c>hololens</c>, ...).</summary>
    public required string Platform { get; init; }

    public required string DeviceClass { get; init; }

    public required string Os { get; init; }

    public required string OsVersion { get; set; }

    public required string Arch { get; init; }

    public required string Locale { get; init; }

    public required int TimeZoneOffsetMinutes { get; init; }

    public required int VersionIndex { get; set; }

    public required string MemoryClass { get; init; }

    public required string DisplayClass { get; init; }

    public required string StorageClass { get; init; }

    public required int ProcessorCount { get; init; }

    public required string RuntimeVersion { get; init; }

    /// <summary>The network at the start of the next session (<c>ethernet</c>, <c>wifi</c>, <c>cellular</c>).</summary>
    public required string NetworkType { get; set; }

    /// <summary>Whether the organisation manages the device (MDM or group policy).</summary>
    public required bool Managed { get; init; }

    public string AppVersion => Product.Versions[VersionIndex];

    /// <summary>The device's unchanging envelope values, JSON-encoded on first use.</summary>
    public DeviceWire Wire => field ??= new DeviceWire(this);

    public bool IsNewest => VersionIndex == Product.Versions.Count - 1;

    public bool IsHoloLens => Platform == "hololens";

    public bool IsMobilePlatform => Platform is "android" or "ios";
}

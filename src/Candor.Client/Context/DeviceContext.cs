using System.Globalization;
using System.Runtime.InteropServices;
using Candor.Client.Storage;

namespace Candor.Client.Context;

/// <summary>The envelope's device facts. Everything here comes from the platform's description of itself or from
/// random values the SDK created: never from the user name, the machine name, hardware serials, network addresses
/// or accounts.</summary>
internal sealed class DeviceContext
{
    private const string DeviceIdFile = "device-id";
    private readonly string _dataFolder;
    private string _deviceId;

    public DeviceContext(string dataFolder, string deviceClass, string? locale)
    {
        _dataFolder = dataFolder;
        DeviceClass = deviceClass;
        Os = DetectOs();
        OsVersion = Truncate(Environment.OSVersion.Version.ToString(), 64);
        Arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        var culture = locale ?? CultureInfo.CurrentUICulture.Name;
        // "und" is BCP 47 for "undetermined": what invariant-globalization hosts report.
        Locale = Truncate(string.IsNullOrEmpty(culture) ? "und" : culture, 35);
        _deviceId = LoadOrCreateDeviceId(out var created);
        DeviceIdCreated = created;
    }

    public string DeviceId => Volatile.Read(ref _deviceId);

    /// <summary>Whether this run created the device id: a first run on this device, or the first after deletion.</summary>
    public bool DeviceIdCreated { get; }

    public string DeviceClass { get; }

    public string Os { get; }

    public string OsVersion { get; }

    public string Arch { get; }

    public string Locale { get; }

    /// <summary>A number in [0, 1) fixed for the device id: an event with sampling <c>s</c> is sent by the devices
    /// whose number is below <c>s</c>, so a device sends all of a sampled event or none of it.</summary>
    public double SampleValue => SampleOf(DeviceId);

    /// <summary>Replaces the device id with a new random one (after local data was deleted).</summary>
    public void Renew()
    {
        var id = Guid.NewGuid().ToString("D");
        DataFolder.WriteAllTextAtomic(Path.Combine(_dataFolder, DeviceIdFile), id);
        Volatile.Write(ref _deviceId, id);
    }

    internal static double SampleOf(string deviceId)
    {
        // FNV-1a: stable across runtimes and processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in deviceId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash / 4294967296.0;
    }

    private string LoadOrCreateDeviceId(out bool created)
    {
        var path = Path.Combine(_dataFolder, DeviceIdFile);
        var text = DataFolder.ReadAllTextOrNull(path)?.Trim();
        if (text is not null && Guid.TryParseExact(text, "D", out var existing))
        {
            created = false;
            return existing.ToString("D");
        }

        created = true;
        var id = Guid.NewGuid().ToString("D");
        DataFolder.WriteAllTextAtomic(path, id);
        return id;
    }

    private static string DetectOs()
    {
#if NET
        if (OperatingSystem.IsAndroid()) return "Android";
        if (OperatingSystem.IsIOS()) return "iOS";
        if (OperatingSystem.IsMacCatalyst()) return "Mac Catalyst";
        if (OperatingSystem.IsTvOS()) return "tvOS";
        if (OperatingSystem.IsBrowser()) return "Browser";
#endif
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return "Windows";
        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return "macOS";
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return "Linux";
        return "Other";
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text.Substring(0, max);
}

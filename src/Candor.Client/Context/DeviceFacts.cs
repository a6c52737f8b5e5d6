using System.Net.NetworkInformation;

namespace Candor.Client.Context;

/// <summary>Coarse device facts for <c>device.configuration</c>, in the catalog's bands. Interface kinds are read,
/// never addresses or names.</summary>
internal static class DeviceFacts
{
    public static long? TotalMemoryBytes()
    {
#if NET
        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return total > 0 ? total : null;
#else
        // .NET Framework has no portable API; .NET Core hosts running the netstandard build have this one.
        var method = typeof(GC).GetMethod("GetGCMemoryInfo", Type.EmptyTypes);
        var info = method?.Invoke(null, null);
        var value = info?.GetType().GetProperty("TotalAvailableMemoryBytes")?.GetValue(info);
        return value is long total && total > 0 ? total : null;
#endif
    }

    public static string MemoryClass(long bytes)
    {
        const long Gb = 1024L * 1024 * 1024;
        return bytes switch
        {
            < 2 * Gb => "under_2gb",
            < 4 * Gb => "from_2_to_4gb",
            < 8 * Gb => "from_4_to_8gb",
            < 16 * Gb => "from_8_to_16gb",
            _ => "over_16gb",
        };
    }

    public static string DisplayClass(string deviceClass) => deviceClass switch
    {
        "mixed_reality" => "head_mounted",
        "mobile" => "phone",
        _ => "small_desktop",
    };

    public static string NetworkType()
    {
        try
        {
            var best = "none";
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                var kind = nic.NetworkInterfaceType switch
                {
                    NetworkInterfaceType.Ethernet or NetworkInterfaceType.GigabitEthernet or NetworkInterfaceType.FastEthernetT => "ethernet",
                    NetworkInterfaceType.Wireless80211 => "wifi",
                    NetworkInterfaceType.Wwanpp or NetworkInterfaceType.Wwanpp2 => "cellular",
                    _ => "other",
                };
                if (kind == "ethernet" || best == "none" || (best == "other" && kind != "other"))
                {
                    best = kind;
                }
            }

            return best;
        }
        catch (Exception ex) when (ex is NetworkInformationException or PlatformNotSupportedException or InvalidOperationException)
        {
            return "other";
        }
    }
}

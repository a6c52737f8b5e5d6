namespace Candor.Fleet.Simulation;

/// <summary>Operating systems, locales and hardware of the fleet's devices, with realistic weights.</summary>
internal static class Platforms
{
    private sealed record OsInfo(string Os, string[] Versions, double[] Weights, (string Arch, double Weight)[] Archs);

    private static readonly Dictionary<string, OsInfo> Os = new(StringComparer.Ordinal)
    {
        ["windows"] = new("Windows", ["10.0.19045", "10.0.22631", "10.0.26100"], [.3, .45, .25], [("x64", .9), ("arm64", .1)]),
        ["macos"] = new("macOS", ["14.7.1", "15.1.1"], [.4, .6], [("arm64", .8), ("x64", .2)]),
        ["linux"] = new("Linux", ["6.8.0", "6.11.0"], [.6, .4], [("x64", 1)]),
        ["android"] = new("Android", ["12", "13", "14", "15"], [.12, .23, .4, .25], [("arm64", 1)]),
        ["ios"] = new("iOS", ["17.7", "18.0.1", "18.1"], [.3, .25, .45], [("arm64", 1)]),
        ["hololens"] = new("Windows Holographic", ["10.0.20348.2849", "10.0.22621.1399", "10.0.22621.4460"], [.2, .35, .45], [("arm64", 1)]),
        ["web"] = new("Windows", ["10.0.19045", "10.0.22631", "10.0.26100"], [.3, .45, .25], [("x64", 1)]),
    };

    private static readonly (string Locale, int Offset, double Weight)[] Locales =
    [
        ("en-US", -300, .22), ("en-US", -480, .1), ("en-GB", 0, .12), ("de-DE", 60, .1), ("fr-FR", 60, .07),
        ("nl-NL", 60, .05), ("es-ES", 60, .05), ("ja-JP", 540, .06), ("en-AU", 600, .05), ("pt-BR", -180, .06),
        ("en-IN", 330, .07), ("da-DK", 60, .02), ("it-IT", 60, .03),
    ];

    public static FleetDevice CreateDevice(int index, ProductProfile product, Random rng)
    {
        var id = Distributions.Uuid(rng);
        var platform = product.Platforms[Distributions.Weighted(rng, [.. product.Platforms.Select(p => p.Weight)])].Platform;
        var os = Os.GetValueOrDefault(platform) ?? Os["windows"];
        var osVersion = os.Versions[Distributions.Weighted(rng, os.Weights)];
        var arch = os.Archs[Distributions.Weighted(rng, [.. os.Archs.Select(a => a.Weight)])].Arch;
        var locale = Locales[Distributions.Weighted(rng, [.. Locales.Select(l => l.Weight)])];
        var version = Distributions.Weighted(rng, [.. product.InitialShare]);
        var deviceClass = platform switch
        {
            "hololens" => "mixed_reality",
            "web" => "browser",
            "android" or "ios" => "mobile",
            _ => "desktop",
        };
        var (memory, display, storage, cpus) = deviceClass switch
        {
            "mixed_reality" => ("from_2_to_4gb", "head_mounted", "from_16_to_64gb", 8),
            "mobile" => (Pick(rng, ["from_2_to_4gb", "from_4_to_8gb", "from_8_to_16gb"], [.25, .55, .2]),
                Pick(rng, ["phone", "tablet"], [.7, .3]),
                Pick(rng, ["from_16_to_64gb", "from_64_to_256gb", "over_256gb"], [.2, .6, .2]),
                8),
            _ => (Pick(rng, ["from_4_to_8gb", "from_8_to_16gb", "over_16gb"], [.15, .5, .35]),
                Pick(rng, ["small_desktop", "large_desktop"], [.55, .45]),
                Pick(rng, ["from_64_to_256gb", "over_256gb"], [.35, .65]),
                Pick(rng, [4, 8, 12, 16], [.2, .45, .2, .15])),
        };
        var network = deviceClass switch
        {
            "mobile" => Pick(rng, ["wifi", "cellular"], [.55, .45]),
            "mixed_reality" => "wifi",
            _ => Pick(rng, ["ethernet", "wifi"], [.5, .5]),
        };
        var runtime = platform switch
        {
            "windows" or "web" => Pick(rng, ["4.8.1", "8.0.11", "9.0.0"], [.35, .45, .2]),
            _ => Pick(rng, ["8.0.11", "9.0.0"], [.6, .4]),
        };

        return new FleetDevice
        {
            Index = index,
            Id = id,
            Product = product,
            Platform = platform,
            DeviceClass = deviceClass,
            Os = os.Os,
            OsVersion = osVersion,
            Arch = arch,
            Locale = locale.Locale,
            TimeZoneOffsetMinutes = locale.Offset,
            VersionIndex = version,
            MemoryClass = memory,
            DisplayClass = display,
            StorageClass = storage,
            ProcessorCount = cpus,
            RuntimeVersion = runtime,
            NetworkType = network,
            Managed = Distributions.Chance(rng, deviceClass == "desktop" ? .6 : .35),
        };
    }

    /// <summary>The next OS version after the device's current one on its platform, or null when it is the newest.</summary>
    public static string? NextOsVersion(FleetDevice device)
    {
        var os = Os.GetValueOrDefault(device.Platform);
        if (os is null)
        {
            return null;
        }

        var i = Array.IndexOf(os.Versions, device.OsVersion);
        return i >= 0 && i < os.Versions.Length - 1 ? os.Versions[i + 1] : null;
    }

    /// <summary>Where an installation comes from, as <c>app.inventory.reported</c> reports it.</summary>
    public static string InstallType(FleetDevice device) => device.Platform switch
    {
        "android" => device.Managed ? "mdm_managed" : "google_play",
        "ios" => device.Managed ? "mdm_managed" : "app_store",
        "macos" => "app_store",
        "hololens" => device.Managed ? "mdm_managed" : "microsoft_store",
        "web" => "msix",
        _ => device.DeviceClass == "desktop" && device.Product.Definition.DeviceClass != "desktop"
            ? "microsoft_store"
            : device.Product.InstallType,
    };

    /// <summary>Where updates come from, as <c>app.update.available</c> reports it.</summary>
    public static string UpdateSource(FleetDevice device) => InstallType(device) switch
    {
        "google_play" => "google_play",
        "app_store" => "app_store",
        "mdm_managed" => "mdm_managed",
        "microsoft_store" or "msix" => "microsoft_store",
        _ => device.Product.Id is "d365.outlook" or "d365.psa-addin" ? "office_store" : "installer",
    };

    private static T Pick<T>(Random rng, T[] items, double[] weights) => items[Distributions.Weighted(rng, weights)];
}

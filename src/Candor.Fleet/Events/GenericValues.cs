using System.Globalization;
using Candor.Core.Model;
using Candor.Fleet.Simulation;

namespace Candor.Fleet.Events;

/// <summary>Plausible values for any declared field, chosen by its type and name: the fleet fills every event this
/// way and then sets the values its model controls (durations of timed operations, crash signatures, versions).
/// Every value fits the declaration: enum values come from the catalog, strings are cut to their maximum length.</summary>
internal static class GenericValues
{
    /// <summary>The probability that a device fills an optional field.</summary>
    public const double OptionalFill = 0.8;

    private static readonly Dictionary<string, string[]> Strings = new(StringComparer.Ordinal)
    {
        ["entityType"] = ["account", "contact", "opportunity", "lead", "incident", "msdyn_workorder", "bookableresourcebooking", "task", "appointment", "custom"],
        ["commandId"] = ["save", "save_and_close", "new", "refresh", "assign", "share", "qualify_lead", "resolve_case", "export_to_excel", "custom"],
        ["settingId"] = ["offline_sync_interval", "default_dashboard", "language", "notifications", "tracking_folder", "theme", "auto_sync"],
        ["componentId"] = ["form_renderer", "grid_control", "sync_engine", "webview_host", "addin_host", "search_index", "hologram_renderer"],
        ["workspaceId"] = ["vendor_payments", "customer_credit", "general_journal_processing", "cost_administration", "warehouse_management"],
        ["feature"] = ["record_retrieve", "record_save", "offline_sync"],
        ["operation"] = ["service_call"],
        ["errorCode"] = ["0x80070643", "0x80070005", "0x800f0922", "1603"],
        ["exceptionType"] = ["System.InvalidOperationException"],
        ["stackSignature"] = ["Microsoft.Dynamics.Client.Platform!Shell.Run"],
    };

    private static readonly Dictionary<string, string[]> Versions = new(StringComparer.Ordinal)
    {
        ["runtimeVersion"] = ["8.0.11", "9.0.0"],
        ["dotnetRuntimeVersion"] = ["4.8.1", "8.0.11", "9.0.0"],
        ["outlookVersion"] = ["16.0.17928.20156", "16.0.18129.20116", "16.0.14332.20771"],
        ["teamsVersion"] = ["24295.606.3238.6194", "24335.206.3315.1210"],
        ["webView2Version"] = ["130.0.2849.80", "131.0.2903.70"],
        ["solutionVersion"] = ["9.2.24104.186", "9.2.24111.190", "9.1.24083.150"],
    };

    /// <summary>For outcome-like enums, the value most events have (the rest share what is left).</summary>
    private static readonly Dictionary<string, (string Value, double Share)> UsualEnum = new(StringComparer.Ordinal)
    {
        ["result"] = ("success", .92),
        ["endReason"] = ("normal", .9),
        ["trackingState"] = ("full", .6),
        ["releaseChannel"] = ("production", .9),
        ["tlsVersion"] = ("tls1_2", .6),
        ["httpVersion"] = ("http2", .7),
        ["transport"] = ("udp", .7),
        ["proxyType"] = ("system_default", .5),
        ["launchType"] = ("cold", .6),
        ["severity"] = ("moderate", .7),
        ["videoQuality"] = ("standard", .6),
        ["encryptionAlgorithm"] = ("aes_gcm", .8),
        ["officeChannel"] = ("monthly_enterprise", .5),
        ["managementSource"] = ("intune", .7),
    };

    private static readonly Dictionary<string, double> BoolTrue = new(StringComparer.Ordinal)
    {
        ["hardwareAcceleration"] = .9, ["is64BitProcess"] = .95, ["cachedMode"] = .85, ["handTracking"] = .9, ["eyeTracking"] = .6,
        ["spatialMapping"] = .95, ["recovered"] = .8, ["success"] = .97, ["throttled"] = .02, ["fromCache"] = .6, ["offline"] = .15,
        ["videoEnabled"] = .8, ["snapEnabled"] = .7, ["managed"] = .9, ["vcRuntimePresent"] = .97, ["mandatory"] = .1,
        ["isMetered"] = .3, ["authenticationRequired"] = .3, ["relayUsed"] = .25, ["localDataRemoved"] = .5, ["batterySaver"] = .3,
    };

    private static readonly Dictionary<string, (double Median, double Sigma)> Durations = new(StringComparer.Ordinal)
    {
        ["latencyMs"] = (120, .6), ["offlineDurationMs"] = (600_000, 1), ["previousStateDurationMs"] = (30_000, 1),
        ["windowMs"] = (10_000, .01), ["callDurationMs"] = (420_000, .7), ["averageRttMs"] = (90, .5), ["dwellMs"] = (25_000, .7),
    };

    public static void Fill(SimEvent ev, Random rng)
    {
        var fields = ev.Template.Fields;
        for (var i = 0; i < fields.Length; i++)
        {
            var slot = fields[i];
            if (!slot.Required && !Distributions.Chance(rng, OptionalFill))
            {
                continue;
            }

            ev.Values[i] = Generate(slot, ev, rng);
        }
    }

    private static FieldValue Generate(FieldSlot slot, SimEvent ev, Random rng)
    {
        var device = ev.Device;
        var name = slot.Name;
        switch (slot.Type)
        {
            case FieldType.Enum:
                return FieldValue.Of(EnumValue(slot, device, rng));
            case FieldType.Bool:
                return FieldValue.Of(Distributions.Chance(rng, BoolTrue.GetValueOrDefault(name, .5)));
            case FieldType.Duration:
                var (median, sigma) = Durations.GetValueOrDefault(name, (900, .6));
                return FieldValue.Of(Distributions.DurationMs(rng, median, sigma));
            case FieldType.Int:
                return FieldValue.Of(IntValue(name, device, rng));
            case FieldType.Long:
                return FieldValue.Of(name switch
                {
                    "modelSizeKb" => Distributions.DurationMs(rng, 24_000, .8),
                    "triangleCount" => Distributions.DurationMs(rng, 450_000, .9),
                    "transferredKb" => Distributions.DurationMs(rng, 800, .9),
                    _ => Distributions.DurationMs(rng, 1000, .8),
                });
            case FieldType.Double:
                return FieldValue.Of(Math.Round(name switch
                {
                    "averageFps" => device.IsHoloLens ? 60 - Math.Abs(Distributions.Normal(rng) * 4) : 58 - Math.Abs(Distributions.Normal(rng) * 6),
                    "droppedFramePercent" => Math.Abs(Distributions.Normal(rng) * 1.5),
                    "packetLossPercent" => Math.Abs(Distributions.Normal(rng) * 0.8),
                    "recordsPerSecond" => Distributions.LogNormal(rng, 180, .4),
                    _ when name.EndsWith("Percent", StringComparison.Ordinal) => rng.NextDouble() * 10,
                    _ => rng.NextDouble() * 100,
                }, 2));
            case FieldType.Timestamp:
                return FieldValue.Of(ev.TimeMs - rng.Next(1, 3_600_000));
            case FieldType.Version:
                return FieldValue.Of(name switch
                {
                    "previousVersion" or "availableVersion" or "targetVersion" => device.AppVersion,
                    "osBuild" when SimEvent.VersionPattern().IsMatch(device.OsVersion) => device.OsVersion,
                    "runtimeVersion" => device.RuntimeVersion,
                    _ => Distributions.Pick(rng, Versions.GetValueOrDefault(name) ?? ["1.0.0"]),
                });
            case FieldType.Hash:
                return FieldValue.Of(Hex(rng));
            default:
                var text = name switch
                {
                    "previousOsVersion" => device.OsVersion,
                    _ => Distributions.Pick(rng, Strings.GetValueOrDefault(name) ?? ["other"]),
                };
                return FieldValue.Of(slot.MaxLength is { } max && text.Length > max ? text[..max] : text);
        }
    }

    private static string EnumValue(FieldSlot slot, FleetDevice device, Random rng)
    {
        var values = slot.Values;
        var own = slot.Name switch
        {
            "networkType" => device.NetworkType,
            "memoryClass" => device.MemoryClass,
            "displayClass" => device.DisplayClass,
            "storageClass" => device.StorageClass,
            "installType" => Platforms.InstallType(device),
            "updateSource" => Platforms.UpdateSource(device),
            "deviceFamily" => device.IsHoloLens ? "hololens_2" : device.Platform switch
            {
                "ios" => "ios_arkit",
                "android" => "android_arcore",
                _ => "desktop_companion",
            },
            "graphicsApi" => device.Platform switch
            {
                "ios" or "macos" => "metal",
                "android" => "vulkan",
                _ => "direct3d11",
            },
            "gpuVendor" => device.Platform switch
            {
                "ios" or "macos" => "apple",
                "android" => "qualcomm",
                "hololens" => "qualcomm",
                _ => null,
            },
            _ => null,
        };
        if (own is not null && values.Contains(own, StringComparer.Ordinal))
        {
            return own;
        }

        if (UsualEnum.TryGetValue(slot.Name, out var usual) && values.Contains(usual.Value, StringComparer.Ordinal)
            && Distributions.Chance(rng, usual.Share))
        {
            return usual.Value;
        }

        return values[rng.Next(values.Count)];
    }

    private static long IntValue(string name, FleetDevice device, Random rng) => name switch
    {
        "processorCount" => device.ProcessorCount,
        "timeZoneOffsetMinutes" => device.TimeZoneOffsetMinutes,
        "httpStatus" => Distributions.Chance(rng, .96) ? 200 : Distributions.Pick(rng, new[] { 401, 429, 500, 503 }),
        "displayCount" => device.DeviceClass == "desktop" ? 1 + rng.Next(3) : 1,
        "scalePercent" => Distributions.Pick(rng, new[] { 100, 125, 150, 200 }),
        "maxRefreshRateHz" or "refreshRateHz" => device.IsHoloLens ? 60 : Distributions.Pick(rng, new[] { 60, 60, 120, 144 }),
        "workingSetMb" => Distributions.DurationMs(rng, device.DeviceClass == "desktop" ? 900 : 450, .5),
        "pageId" => 20 + rng.Next(9000),
        "installedDays" => 1 + rng.Next(900),
        "daysSinceUpdate" => rng.Next(120),
        "failedRecordCount" => Distributions.Chance(rng, .8) ? 0 : 1 + rng.Next(25),
        "offlineStoreSizeMb" => Distributions.DurationMs(rng, 400, .9),
        "orgCount" => 1 + rng.Next(3),
        "stepIndex" => rng.Next(12),
        "pendingChangeCount" => Distributions.Chance(rng, .4) ? 0 : rng.Next(1, 60),
        _ when name.EndsWith("Count", StringComparison.Ordinal) => Distributions.DurationMs(rng, 12, .8),
        _ => rng.Next(1, 100),
    };

    private static string Hex(Random rng)
    {
        Span<byte> bytes = stackalloc byte[32];
        rng.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Formats Unix milliseconds as the protocol's ISO 8601 UTC time.</summary>
    public static string Iso(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

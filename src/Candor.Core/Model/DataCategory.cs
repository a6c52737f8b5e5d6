namespace Candor.Core.Model;

/// <summary>The four categories into which Required diagnostic data is organised.</summary>
public enum DataCategory
{
    /// <summary>Details about the device, its configuration, and connectivity capabilities.</summary>
    DeviceConnectivityAndConfiguration,

    /// <summary>Details about device or service health and performance.</summary>
    ProductAndServicePerformance,

    /// <summary>Details about the usage of the device, operating system, applications, and services.</summary>
    ProductAndServiceUsage,

    /// <summary>Software installation and update information on the device.</summary>
    SoftwareSetupAndInventory,
}

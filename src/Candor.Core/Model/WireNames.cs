namespace Candor.Core.Model;

/// <summary>The lowercase <c>snake_case</c> names by which levels, categories, classifications and field types
/// appear in catalogs, on the wire and in the store. Lookups are switch-based: no reflection, no allocation.</summary>
public static class WireNames
{
    /// <summary>All four Required data categories in the order the summary lists them.</summary>
    public static IReadOnlyList<DataCategory> AllCategories { get; } =
    [
        DataCategory.DeviceConnectivityAndConfiguration,
        DataCategory.ProductAndServicePerformance,
        DataCategory.ProductAndServiceUsage,
        DataCategory.SoftwareSetupAndInventory,
    ];

    /// <summary>The wire name of a level: <c>required</c> or <c>optional</c>.</summary>
    public static string ToWire(this DataLevel level) => level switch
    {
        DataLevel.Required => "required",
        DataLevel.Optional => "optional",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>The wire name of a category, e.g. <c>product_and_service_usage</c>.</summary>
    public static string ToWire(this DataCategory category) => category switch
    {
        DataCategory.DeviceConnectivityAndConfiguration => "device_connectivity_and_configuration",
        DataCategory.ProductAndServicePerformance => "product_and_service_performance",
        DataCategory.ProductAndServiceUsage => "product_and_service_usage",
        DataCategory.SoftwareSetupAndInventory => "software_setup_and_inventory",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    /// <summary>The wire name of a classification, e.g. <c>pseudonymous_identifier</c>.</summary>
    public static string ToWire(this DataClassification classification) => classification switch
    {
        DataClassification.SystemMetadata => "system_metadata",
        DataClassification.Enumerated => "enumerated",
        DataClassification.Numeric => "numeric",
        DataClassification.PseudonymousIdentifier => "pseudonymous_identifier",
        DataClassification.HashedValue => "hashed_value",
        DataClassification.EndUserIdentifiable => "end_user_identifiable",
        DataClassification.CustomerContent => "customer_content",
        _ => throw new ArgumentOutOfRangeException(nameof(classification)),
    };

    /// <summary>The wire name of a field type, e.g. <c>duration</c>.</summary>
    public static string ToWire(this FieldType type) => type switch
    {
        FieldType.String => "string",
        FieldType.Int => "int",
        FieldType.Long => "long",
        FieldType.Double => "double",
        FieldType.Bool => "bool",
        FieldType.Timestamp => "timestamp",
        FieldType.Duration => "duration",
        FieldType.Version => "version",
        FieldType.Enum => "enum",
        FieldType.Hash => "hash",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The human name of a category as the published summary spells it.</summary>
    public static string DisplayName(this DataCategory category) => category switch
    {
        DataCategory.DeviceConnectivityAndConfiguration => "Device connectivity and configuration",
        DataCategory.ProductAndServicePerformance => "Product and service performance",
        DataCategory.ProductAndServiceUsage => "Product and service usage",
        DataCategory.SoftwareSetupAndInventory => "Software setup and inventory",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    /// <summary>The published description of a category.</summary>
    public static string Description(this DataCategory category) => category switch
    {
        DataCategory.DeviceConnectivityAndConfiguration =>
            "This type of Required diagnostic data includes details about the device, its configuration, and connectivity capabilities",
        DataCategory.ProductAndServicePerformance =>
            "This type of Required diagnostic data includes details about device or service health and performance",
        DataCategory.ProductAndServiceUsage =>
            "This type of Required diagnostic data includes details about the usage of the device, operating system, applications, and services",
        DataCategory.SoftwareSetupAndInventory =>
            "This type of Required diagnostic data includes software installation and update information on the device",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    /// <summary>Parses a level's wire name (exact, lowercase).</summary>
    public static bool TryParseLevel(string? text, out DataLevel level)
    {
        switch (text)
        {
            case "required": level = DataLevel.Required; return true;
            case "optional": level = DataLevel.Optional; return true;
            default: level = default; return false;
        }
    }

    /// <summary>Parses a category's wire name (exact, lowercase).</summary>
    public static bool TryParseCategory(string? text, out DataCategory category)
    {
        switch (text)
        {
            case "device_connectivity_and_configuration": category = DataCategory.DeviceConnectivityAndConfiguration; return true;
            case "product_and_service_performance": category = DataCategory.ProductAndServicePerformance; return true;
            case "product_and_service_usage": category = DataCategory.ProductAndServiceUsage; return true;
            case "software_setup_and_inventory": category = DataCategory.SoftwareSetupAndInventory; return true;
            default: category = default; return false;
        }
    }

    /// <summary>Parses a classification's wire name (exact, lowercase).</summary>
    public static bool TryParseClassification(string? text, out DataClassification classification)
    {
        switch (text)
        {
            case "system_metadata": classification = DataClassification.SystemMetadata; return true;
            case "enumerated": classification = DataClassification.Enumerated; return true;
            case "numeric": classification = DataClassification.Numeric; return true;
            case "pseudonymous_identifier": classification = DataClassification.PseudonymousIdentifier; return true;
            case "hashed_value": classification = DataClassification.HashedValue; return true;
            case "end_user_identifiable": classification = DataClassification.EndUserIdentifiable; return true;
            case "customer_content": classification = DataClassification.CustomerContent; return true;
            default: classification = default; return false;
        }
    }

    /// <summary>Parses a field type's wire name (exact, lowercase).</summary>
    public static bool TryParseFieldType(string? text, out FieldType type)
    {
        switch (text)
        {
            case "string": type = FieldType.String; return true;
            case "int": type = FieldType.Int; return true;
            case "long": type = FieldType.Long; return true;
            case "double": type = FieldType.Double; return true;
            case "bool": type = FieldType.Bool; return true;
            case "timestamp": type = FieldType.Timestamp; return true;
            case "duration": type = FieldType.Duration; return true;
            case "version": type = FieldType.Version; return true;
            case "enum": type = FieldType.Enum; return true;
            case "hash": type = FieldType.Hash; return true;
            default: type = default; return false;
        }
    }
}

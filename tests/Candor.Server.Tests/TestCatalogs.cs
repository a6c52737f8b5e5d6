using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Server.Tests;

/// <summary>Small compiled catalogs built in code, with one event for each rule the collector enforces.</summary>
internal static class TestCatalogs
{
    public const string Family = "test-clients";
    public const string Product = "test.app";
    public const string OtherProduct = "test.other";
    public const string Sync = "app.sync.completed";

    public static CompiledCatalog Create(string family = Family, params DataLevel[] levels) => new()
    {
        ContentHash = "test",
        Family = new FamilyDefinition
        {
            Id = family,
            DisplayName = "Test clients",
            Published = "2026-11",
            Levels = levels.Length == 0 ? [DataLevel.Required] : levels,
            MaxRetentionDays = 365,
        },
        Products =
        [
            new ProductDefinition { Id = Product, DisplayName = "Test app", DeviceClass = "desktop", Platforms = ["windows"] },
            new ProductDefinition { Id = OtherProduct, DisplayName = "Other app", DeviceClass = "mobile", Platforms = ["android"] },
        ],
        CommonFields =
        [
            Common("sdkVersion", "sdk", FieldType.String, 64),
            Common("deviceOs", "device.os", FieldType.String, 32),
            Common("deviceOsVersion", "device.osVersion", FieldType.String, 64),
            Common("deviceArch", "device.arch", FieldType.String, 16),
            Common("deviceLocale", "device.locale", FieldType.String, 35),
            new FieldDefinition
            {
                Name = "deviceClass", WireName = "device.class", Type = FieldType.Enum, Values = ["desktop", "mobile", "mixed_reality", "browser"],
                Classification = DataClassification.Enumerated, Required = true,
            },
        ],
        Events =
        [
            new EventDefinition
            {
                Name = Sync, Level = DataLevel.Required, Category = DataCategory.ProductAndServicePerformance, AllProducts = true,
                RetentionDays = 90, Added = "2026-01-01",
                Fields =
                [
                    Field("durationMs", FieldType.Duration, DataClassification.Numeric, required: true),
                    new FieldDefinition { Name = "result", Type = FieldType.Enum, Values = ["success", "failed"], Required = true, Classification = DataClassification.Enumerated },
                    Field("message", FieldType.String, DataClassification.SystemMetadata, maxLength: 40),
                    Field("userRef", FieldType.String, DataClassification.PseudonymousIdentifier, maxLength: 64),
                    Field("ratio", FieldType.Double, DataClassification.Numeric),
                    Field("count", FieldType.Int, DataClassification.Numeric),
                    Field("bytes", FieldType.Long, DataClassification.Numeric),
                    Field("cached", FieldType.Bool, DataClassification.SystemMetadata),
                    Field("startedAt", FieldType.Timestamp, DataClassification.SystemMetadata),
                    Field("serverVersion", FieldType.Version, DataClassification.SystemMetadata),
                    Field("tenantHash", FieldType.Hash, DataClassification.HashedValue),
                ],
            },
            new EventDefinition
            {
                Name = "app.feature.used", Level = DataLevel.Optional, Category = DataCategory.ProductAndServiceUsage, AllProducts = true,
                RetentionDays = 30, Added = "2026-01-01",
            },
            new EventDefinition
            {
                Name = "app.install.completed", Level = DataLevel.Required, Category = DataCategory.SoftwareSetupAndInventory, AllProducts = true,
                RetentionDays = 7, Added = "2026-01-01",
            },
            new EventDefinition
            {
                Name = "app.legacy.sync", Level = DataLevel.Required, Category = DataCategory.ProductAndServicePerformance, AllProducts = true,
                RetentionDays = 90, Added = "2024-01-01", Expires = "2025-12-31",
            },
            new EventDefinition
            {
                Name = "other.only.event", Level = DataLevel.Required, Category = DataCategory.ProductAndServiceUsage,
                Products = [OtherProduct], RetentionDays = 90, Added = "2026-01-01",
            },
        ],
    };

    private static FieldDefinition Common(string name, string wire, FieldType type, int max) => new()
    {
        Name = name, WireName = wire, Type = type, MaxLength = max, Required = true, Classification = DataClassification.SystemMetadata,
        Category = DataCategory.DeviceConnectivityAndConfiguration,
    };

    private static FieldDefinition Field(string name, FieldType type, DataClassification classification, bool required = false, int? maxLength = null) =>
        new() { Name = name, Type = type, Classification = classification, Required = required, MaxLength = maxLength };
}

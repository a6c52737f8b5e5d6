using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>A small compiled catalog built in code: a declared event with fields of each classification, an event of
/// a category the tests' policy forbids, and the crash event the Candor SDK records.</summary>
internal static class OtlpCatalog
{
    public const string Family = "otlp-clients";
    public const string Product = "test.app";
    public const string Sync = "app.sync.completed";
    public const string Usage = "app.feature.used";
    public const string Crash = "app.crashed";

    public static CompiledCatalog Create() => new()
    {
        ContentHash = "otlp-test",
        Family = new FamilyDefinition
        {
            Id = Family, DisplayName = "OTLP test clients", Published = "2026-12", Levels = [DataLevel.Required], MaxRetentionDays = 365,
        },
        Products = [new ProductDefinition { Id = Product, DisplayName = "Test app", DeviceClass = "desktop", Platforms = ["windows"] }],
        CommonFields =
        [
            Common("sdkVersion", "sdk", 64),
            Common("deviceOs", "device.os", 32),
            Common("deviceOsVersion", "device.osVersion", 64),
            Common("deviceArch", "device.arch", 16),
            Common("deviceLocale", "device.locale", 35),
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
                    Field("note", FieldType.String, DataClassification.SystemMetadata, maxLength: 64),
                    Field("userRef", FieldType.String, DataClassification.PseudonymousIdentifier, maxLength: 64),
                ],
            },
            new EventDefinition
            {
                Name = Usage, Level = DataLevel.Required, Category = DataCategory.ProductAndServiceUsage, AllProducts = true,
                RetentionDays = 30, Added = "2026-01-01",
                Fields = [Field("feature", FieldType.String, DataClassification.SystemMetadata, maxLength: 64)],
            },
            new EventDefinition
            {
                Name = Crash, Level = DataLevel.Required, Category = DataCategory.ProductAndServicePerformance, AllProducts = true,
                RetentionDays = 180, Added = "2026-01-01",
                Fields =
                [
                    Field("exceptionType", FieldType.String, DataClassification.SystemMetadata, required: true, maxLength: 128),
                    Field("stackSignature", FieldType.String, DataClassification.SystemMetadata, required: true, maxLength: 128),
                    Field("hResult", FieldType.Int, DataClassification.SystemMetadata),
                ],
            },
        ],
    };

    private static FieldDefinition Common(string name, string wire, int max) => new()
    {
        Name = name, WireName = wire, Type = FieldType.String, MaxLength = max, Required = true,
        Classification = DataClassification.SystemMetadata, Category = DataCategory.DeviceConnectivityAndConfiguration,
    };

    private static FieldDefinition Field(string name, FieldType type, DataClassification classification, bool required = false, int? maxLength = null) =>
        new() { Name = name, Type = type, Classification = classification, Required = required, MaxLength = maxLength };
}

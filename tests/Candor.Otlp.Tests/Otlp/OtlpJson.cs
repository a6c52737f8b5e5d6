using System.Globalization;
using System.Text.Json.Nodes;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>OTLP JSON written by hand, as a client without an OpenTelemetry SDK would: lowerCamelCase keys, integer
/// enums, hex trace and span ids, 64-bit integers as strings (and sometimes numbers), and fields this collector does
/// not know, which it must ignore.</summary>
internal static class OtlpJson
{
    public static readonly Guid Installation = Guid.Parse("0d6d3a5e-93c4-4b1f-9a51-7f4c1d2e3b40");
    public static readonly Guid Instance = Guid.Parse("5f0b4c1a-2d3e-4f50-8a61-b7c8d9e0f1a2");

    public static JsonObject Request(params JsonObject[] records) => Request(Resource(), records);

    public static JsonObject Request(JsonArray resource, params JsonObject[] records) => new()
    {
        ["resourceLogs"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject { ["attributes"] = resource, ["droppedAttributesCount"] = 0 },
            ["scopeLogs"] = new JsonArray(new JsonObject
            {
                ["scope"] = new JsonObject { ["name"] = "FieldService.Sync", ["version"] = "2.1.0" },
                ["logRecords"] = new JsonArray([.. records]),
                ["schemaUrl"] = "https://opentelemetry.io/schemas/1.30.0",
            }),
            ["aFieldFromTheFuture"] = new JsonObject { ["nested"] = true },
        }),
    };

    public static JsonArray Resource(string? serviceVersion = "2.1.0") =>
    [
        Attribute("service.name", OtlpCatalog.Product),
        .. serviceVersion is null ? Array.Empty<JsonObject>() : [Attribute("service.version", serviceVersion)],
        Attribute("service.instance.id", Instance.ToString()),
        Attribute("app.installation.id", Installation.ToString()),
        Attribute("telemetry.sdk.name", "handmade"),
        Attribute("telemetry.sdk.language", "json"),
        Attribute("telemetry.sdk.version", "1.0"),
        Attribute("os.type", "linux"),
        Attribute("host.arch", "arm64"),
    ];

    /// <summary>A record at <paramref name="time"/> (default: a minute ago), with <c>timeUnixNano</c> as a string.</summary>
    public static JsonObject Record(string? eventName, int severity = 9, DateTimeOffset? time = null, params JsonObject[] attributes)
    {
        var nanos = ((time ?? TimeProvider.System.GetUtcNow().AddMinutes(-1)) - DateTimeOffset.UnixEpoch).Ticks * 100;
        var record = new JsonObject
        {
            ["timeUnixNano"] = nanos.ToString(CultureInfo.InvariantCulture),
            ["observedTimeUnixNano"] = nanos + 1000,
            ["severityNumber"] = severity,
            ["severityText"] = "Information",
            ["body"] = new JsonObject { ["stringValue"] = "A message that is never stored: jane.doe@contoso.com" },
            ["attributes"] = new JsonArray([.. attributes]),
            ["traceId"] = "5b8efff798038103d269b633813fc60c",
            ["spanId"] = "eee19b7ec3c1b174",
            ["flags"] = 1,
            ["somethingNew"] = new JsonArray(1, 2, 3),
        };
        if (eventName is not null)
        {
            record["eventName"] = eventName;
        }

        return record;
    }

    public static JsonObject Attribute(string key, string value) => new() { ["key"] = key, ["value"] = new JsonObject { ["stringValue"] = value } };

    /// <summary>An integer attribute, as a string (the proto3 JSON form of int64) or, with <paramref name="asNumber"/>, a number.</summary>
    public static JsonObject Attribute(string key, long value, bool asNumber = false) => new()
    {
        ["key"] = key,
        ["value"] = new JsonObject { ["intValue"] = asNumber ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture)) },
    };
}

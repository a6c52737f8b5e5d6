using System.Globalization;
using System.Text.Json.Nodes;

namespace Candor.Server.Tests;

/// <summary>Builds wire batches as the SDK sends them; tests change one thing of a valid event.</summary>
internal static class Events
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    public static JsonObject Valid(DateTimeOffset? time = null, string name = TestCatalogs.Sync, Guid? id = null, JsonObject? data = null) => new()
    {
        ["id"] = (id ?? Guid.NewGuid()).ToString(),
        ["name"] = name,
        ["time"] = (time ?? Now.AddSeconds(-5)).ToString("O", CultureInfo.InvariantCulture),
        ["seq"] = 42,
        ["product"] = TestCatalogs.Product,
        ["appVersion"] = "9.3.2411.1",
        ["sdk"] = "candor-dotnet/1.0.0",
        ["session"] = "7d0d1a8e-0c4f-4d35-8a37-6f3f1f9a2b10",
        ["device"] = new JsonObject
        {
            ["id"] = "c3f4a2d1-5b6e-4f70-8a91-b2c3d4e5f607",
            ["class"] = "mobile",
            ["os"] = "Android",
            ["osVersion"] = "14",
            ["arch"] = "arm64",
            ["locale"] = "en-GB",
        },
        ["data"] = data ?? (name == TestCatalogs.Sync ? new JsonObject { ["durationMs"] = 1840, ["result"] = "success" } : new JsonObject()),
    };

    public static string Batch(params JsonObject[] events) =>
        new JsonObject
        {
            ["batchId"] = Guid.NewGuid().ToString(),
            ["sentAt"] = Now.ToString("O", CultureInfo.InvariantCulture),
            ["events"] = new JsonArray([.. events.Select(e => e.DeepClone())]),
        }.ToJsonString();
}

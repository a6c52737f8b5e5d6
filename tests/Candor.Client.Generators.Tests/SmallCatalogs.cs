using System.Text.Json;

namespace Candor.Client.Generators.Tests;

/// <summary>Hand-made compiled catalogs for cases the shipped catalog has no example of.</summary>
internal static class SmallCatalogs
{
    public static object Field(string name, string type, bool required, string description, params string[] values) =>
        new { name, type, values, description, required, classification = "system_metadata" };

    public static object Event(string name, string description, params object[] fields) => new
    {
        name, description, level = "required", category = "product_and_service_usage", products = Array.Empty<string>(),
        allProducts = true, owner = "test", added = "2026-01-01", retentionDays = 30, sampling = 1.0, fields,
    };

    public static string With(params object[] events) => JsonSerializer.Serialize(
        new
        {
            formatVersion = 1,
            contentHash = "test",
            family = new { id = "test-family", displayName = "Test", published = "2026-01", description = "d", levels = new[] { "required" }, maxRetentionDays = 90 },
            products = new[] { new { id = "test.app", displayName = "Test app", description = "d", platforms = new[] { "windows" }, deviceClass = "desktop" } },
            commonFields = Array.Empty<object>(),
            events,
        },
        new JsonSerializerOptions { WriteIndented = true });
}

using Candor.Catalog.Compilation;
using Candor.Catalog.Loading;
using Candor.Core.Catalog;
using Xunit;

namespace Candor.Catalog.Tests.Summary;

/// <summary>Catalogs for the summary tests, always read through the real loader and compiler.</summary>
internal static class SummaryFixtures
{
    public const string ShippedFamily = "dynamics365-clients";

    /// <summary>The repository root (the folder holding Candor.slnx), where the golden and generated files live.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The shipped catalog as copied next to the tests.</summary>
    public static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "catalog", ShippedFamily);

    public static CompiledCatalog Shipped() => Compile(ShippedFolder);

    public static CompiledCatalog Compile(string folder)
    {
        var source = CatalogLoader.Load(folder);
        Assert.True(source.LoadDiagnostics.Count == 0,
            $"The test catalog {folder} does not load cleanly:\n{string.Join("\n", source.LoadDiagnostics)}");
        return CatalogCompiler.Compile(source);
    }

    /// <summary>Writes a small catalog to a fresh temporary folder and compiles it.</summary>
    public static CompiledCatalog FromYaml(string familyYaml, string eventsYaml)
    {
        var folder = Path.Combine(Path.GetTempPath(), "candor-summary-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "events"));
        try
        {
            File.WriteAllText(Path.Combine(folder, "family.yaml"), familyYaml);
            File.WriteAllText(Path.Combine(folder, "events", "events.yaml"), eventsYaml);
            return Compile(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A family of two products with one common field; <paramref name="levels"/> is its collection rule.</summary>
    public static string Family(string levels = "[required, optional]", string description = "Contoso field apps for testing the summary.") => $$"""
        family:
          id: contoso-apps
          displayName: Contoso Field Apps
          published: "2026-03-15"
          description: "{{description}}"
          levels: {{levels}}
          maxRetentionDays: 180
          privacyLinks:
            - title: Contoso privacy
              url: https://contoso.example/privacy
        products:
          - id: contoso.field
            displayName: Contoso Field
            description: The field technician app.
            platforms: [android, ios]
            deviceClass: mobile
          - id: contoso.desk
            displayName: Contoso Desk
            description: The back-office desktop app.
            platforms: [windows]
            deviceClass: desktop
        commonFields:
          - name: eventId
            wireName: id
            type: string
            maxLength: 36
            description: A random UUID per event.
            required: true
            classification: system_metadata
            category: device_connectivity_and_configuration
        """;

    /// <summary>One event in YAML; <paramref name="products"/> is <c>all</c> or a YAML list.</summary>
    public static string Event(string name, string level, string category, string products = "all", string description = "Something happened that matters for product health.") => $"""
          - name: {name}
            description: "{description}"
            level: {level}
            category: {category}
            products: {products}
            owner: contoso-telemetry
            added: 2026-01-15
            expires: 2027-01-15
            retentionDays: 90
            fields:
              - name: durationMs
                type: duration
                description: How long it took.
                required: true
                classification: numeric

        """;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Candor.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Candor.slnx not found above the test folder");
    }
}

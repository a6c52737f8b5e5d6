using System.Diagnostics;
using Candor.Core.Catalog;
using Candor.Core.Model;

namespace Candor.Client.Tests.Infrastructure;

/// <summary>The shipped Dynamics 365 catalog, compiled; and a test variant whose family also allows Optional data,
/// with a few events that exercise levels and classifications the shipped catalog has no example of.</summary>
internal static class TestCatalogs
{
    private static readonly Lazy<string> LazyShippedPath = new(CompileShipped);
    private static readonly Lazy<CompiledCatalog> LazyShipped = new(() => CompiledCatalogJson.Load(LazyShippedPath.Value));

    private static readonly Lazy<CompiledCatalog> LazyWide = new(CreateWide);

    public const string Product = "d365.field-service";
    public const string OptionalEvent = "test.optional.clicked";
    public const string NoteEvent = "test.note.recorded";
    public const string TokenEvent = "test.token.recorded";

    public static CompiledCatalog Shipped => LazyShipped.Value;

    /// <summary>The shipped catalog compiled by the real <c>candor catalog compile</c>, as an app would ship it.</summary>
    public static string ShippedPath => LazyShippedPath.Value;

    public static CompiledCatalog Wide => LazyWide.Value;

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Runs a built project's program (its output folder mirrors this test project's configuration).</summary>
    public static string BuiltProgram(string project, string assembly)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryRoot, project, "bin", testOutput.Parent!.Name, testOutput.Name, assembly);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException("not built: " + path);
        }

        return path;
    }

    private static string CompileShipped()
    {
        var output = Path.Combine(Path.GetTempPath(), "candor-sdk-tests-" + Environment.ProcessId + ".catalog.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuiltProgram("src/Candor.Cli", "candor.dll"));
        foreach (var a in new[] { "catalog", "compile", "--out", output })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["CANDOR_HOME"] = RepositoryRoot;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("candor catalog compile failed: " + stderr);
        }

        return output;
    }

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

    private static CompiledCatalog CreateWide()
    {
        var shipped = Shipped;
        var extra = new[]
        {
            new EventDefinition
            {
                Name = OptionalEvent, Description = "An optional click.", Level = DataLevel.Optional,
                Category = DataCategory.ProductAndServiceUsage, AllProducts = true, Owner = "test", Added = "2026-01-01", RetentionDays = 30,
            },
            new EventDefinition
            {
                Name = NoteEvent, Description = "A free-form technical note.", Level = DataLevel.Required,
                Category = DataCategory.ProductAndServicePerformance, AllProducts = true, Owner = "test", Added = "2026-01-01", RetentionDays = 30,
                Fields =
                [
                    new FieldDefinition { Name = "note", Type = FieldType.String, MaxLength = 200, Required = true, Classification = DataClassification.SystemMetadata },
                    new FieldDefinition { Name = "count", Type = FieldType.Int, Required = false, Classification = DataClassification.Numeric },
                ],
            },
            new EventDefinition
            {
                Name = TokenEvent, Description = "A pseudonymous token.", Level = DataLevel.Required,
                Category = DataCategory.DeviceConnectivityAndConfiguration, AllProducts = true, Owner = "test", Added = "2026-01-01", RetentionDays = 30,
                Fields =
                [
                    new FieldDefinition { Name = "token", Type = FieldType.String, MaxLength = 100, Required = true, Classification = DataClassification.PseudonymousIdentifier },
                ],
            },
        };
        return new CompiledCatalog
        {
            ContentHash = "test-wide",
            Family = new FamilyDefinition
            {
                Id = shipped.Family.Id, DisplayName = shipped.Family.DisplayName, Levels = [DataLevel.Required, DataLevel.Optional],
                MaxRetentionDays = shipped.Family.MaxRetentionDays,
            },
            Products = shipped.Products,
            CommonFields = shipped.CommonFields,
            Events = [.. shipped.Events, .. extra],
        };
    }
}

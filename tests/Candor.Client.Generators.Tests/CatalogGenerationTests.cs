using System.Text.RegularExpressions;
using Candor.Client.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Candor.Client.Generators.Tests;

public sealed class CatalogGenerationTests
{
    private const string App = "namespace App { /// <summary>An app.</summary>\n public static class Uses { } }";

    [Fact]
    public void The_shipped_catalog_gives_one_method_per_event_and_compiles_without_diagnostics()
    {
        var (output, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(GeneratorHarness.ShippedCatalogText)]);

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var source = Assert.Single(result.GeneratedTrees).ToString();
        var methods = Regex.Matches(source, @"public static void (Track\w+)\(").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(TestCatalogs.Shipped.Events.Count, methods.Count);
        Assert.Contains("TrackFieldserviceSyncCompleted", methods);
        Assert.Contains("TrackFieldserviceWorkOrderStatusChanged", methods);
        Assert.Contains("namespace Candor.Generated", source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_product_id_limits_the_methods_to_the_events_of_that_product()
    {
        var (output, diagnostics, result) = GeneratorHarness.Run(
            GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(GeneratorHarness.ShippedCatalogText)], productId: TestCatalogs.Product, ns: "Contoso.Telemetry");

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var source = Assert.Single(result.GeneratedTrees).ToString();
        var expected = TestCatalogs.Shipped.Events.Where(e => e.AppliesTo(TestCatalogs.Product)).ToList();
        Assert.True(expected.Count < TestCatalogs.Shipped.Events.Count);
        Assert.Equal(expected.Count, Regex.Matches(source, @"public static void Track\w+\(").Count);
        Assert.DoesNotContain("TrackFinanceopsWorkspaceOpened", source, StringComparison.Ordinal);
        Assert.Contains("namespace Contoso.Telemetry", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Required_fields_come_first_typed_and_optional_fields_are_nullable_with_defaults()
    {
        var (_, _, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(GeneratorHarness.ShippedCatalogText)]);
        var source = result.GeneratedTrees[0].ToString();

        Assert.Contains(
            "public static void TrackFieldserviceSyncCompleted(this global::Candor.Client.CandorClient client, global::System.TimeSpan durationMs, FieldserviceSyncCompletedResult result, int? recordCount = null, FieldserviceSyncCompletedSyncType? syncType = null)",
            source,
            StringComparison.Ordinal);
        Assert.Contains("string? componentId = null", source, StringComparison.Ordinal);
        Assert.Contains("bool recovered", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Enum_members_are_pascal_case_and_map_back_to_the_catalog_wire_strings_in_order()
    {
        var (_, _, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(GeneratorHarness.ShippedCatalogText)]);
        var source = result.GeneratedTrees[0].ToString();

        Assert.Contains(
            "s_FieldserviceSyncCompletedSyncTypeWire = new string[] { \"full\", \"delta\", \"upload_only\" };", source, StringComparison.Ordinal);
        Assert.Matches(@"public enum FieldserviceSyncCompletedSyncType\s*\{[^}]*Full = 0,[^}]*Delta = 1,[^}]*UploadOnly = 2,", source);
        Assert.Contains("From2To4gb = 1,", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptions_with_markup_and_keyword_field_names_still_compile_cleanly()
    {
        var catalog = SmallCatalogs.With(
            SmallCatalogs.Event("ui.thing.done", "Uses <b>tags</b> & \"quotes\"\nover two lines.",
                SmallCatalogs.Field("event", "string", true, "An <odd> & name."),
                SmallCatalogs.Field("class", "enum", false, "Kind.", "first_one", "2nd"),
                SmallCatalogs.Field("client", "int", false, "Clashes with the receiver."),
                SmallCatalogs.Field("at", "timestamp", false, "When."),
                SmallCatalogs.Field("ratio", "double", true, "A ratio."),
                SmallCatalogs.Field("big", "long", false, "A long.")));

        var (output, diagnostics, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(catalog)]);

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Malformed_json_is_an_error_at_the_file_and_line_of_the_mistake()
    {
        var lines = GeneratorHarness.ShippedCatalogText.Split('\n').ToList();
        var index = lines.FindIndex(l => l.Contains("\"name\": \"fieldservice.sync.completed\"", StringComparison.Ordinal));
        lines[index] = lines[index].TrimEnd(',');
        var path = "/app/broken.candor.json";

        var (_, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(string.Join('\n', lines), path)]);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("CANDORGEN001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(path, span.Path);
        Assert.Equal(index + 1, span.StartLinePosition.Line);
        Assert.Contains("malformed JSON", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void A_missing_property_is_an_error_at_the_object_that_lacks_it()
    {
        var text = "{\n  \"formatVersion\": 1,\n  \"contentHash\": \"x\",\n  \"family\": { \"id\": \"f\" },\n  \"products\": [],\n  \"events\": [\n    { \"description\": \"no name\" }\n  ]\n}\n";

        var (_, diagnostics, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(text)]);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("CANDORGEN001", diagnostic.Id);
        Assert.Equal(6, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(4, diagnostic.Location.GetLineSpan().StartLinePosition.Character);
        Assert.Contains("'name' is missing", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_format_version_is_an_error_at_the_version()
    {
        var text = GeneratorHarness.ShippedCatalogText.Replace("\"formatVersion\": 1", "\"formatVersion\": 2", StringComparison.Ordinal);

        var (_, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(text)]);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("CANDORGEN002", diagnostic.Id);
        Assert.Equal(1, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Two_events_that_give_the_same_method_name_are_an_error()
    {
        var catalog = SmallCatalogs.With(SmallCatalogs.Event("a.b_c", "One."), SmallCatalogs.Event("a.b.c", "Two."));

        var (_, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(catalog)]);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("CANDORGEN003", diagnostic.Id);
        Assert.Contains("TrackABC", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void A_second_catalog_and_an_unknown_product_are_errors()
    {
        var (_, several, _) = GeneratorHarness.Run(
            GeneratorHarness.Compilation(App),
            [GeneratorHarness.Catalog(SmallCatalogs.With()), GeneratorHarness.Catalog(SmallCatalogs.With(), "/app/second.candor.json")]);
        var (_, unknown, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog(SmallCatalogs.With())], productId: "d365.nope");

        Assert.Equal("CANDORGEN004", Assert.Single(several).Id);
        Assert.Equal("/app/second.candor.json", several[0].Location.GetLineSpan().Path);
        Assert.Equal("CANDORGEN005", Assert.Single(unknown).Id);
    }

    [Fact]
    public void Files_not_named_candor_json_are_ignored()
    {
        var (_, diagnostics, result) = GeneratorHarness.Run(GeneratorHarness.Compilation(App), [GeneratorHarness.Catalog("not json", "/app/catalog.json")]);

        Assert.Empty(diagnostics);
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void An_unrelated_edit_reuses_the_parsed_catalog_and_the_generated_source()
    {
        var compilation = GeneratorHarness.Compilation(App);
        var driver = GeneratorHarness.Driver([GeneratorHarness.Catalog(GeneratorHarness.ShippedCatalogText)]).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace App { public static class More { } }"));
        var second = driver.RunGenerators(edited).GetRunResult().Results[0];

        var parse = second.TrackedSteps[CandorEventsGenerator.ParseStep].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(parse);
        Assert.All(parse, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        var outputs = second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Changing_the_catalog_regenerates_the_source()
    {
        var compilation = GeneratorHarness.Compilation(App);
        var first = GeneratorHarness.Catalog(SmallCatalogs.With(SmallCatalogs.Event("a.one", "One.")));
        var driver = GeneratorHarness.Driver([first]).RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(first, GeneratorHarness.Catalog(SmallCatalogs.With(SmallCatalogs.Event("a.one", "One."), SmallCatalogs.Event("a.two", "Two."))));
        var source = driver.RunGenerators(compilation).GetRunResult().GeneratedTrees.Single().ToString();

        Assert.Contains("TrackATwo", source, StringComparison.Ordinal);
    }
}

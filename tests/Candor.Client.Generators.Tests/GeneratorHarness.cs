using System.Collections.Immutable;
using Candor.Client.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Candor.Client.Generators.Tests;

/// <summary>Runs the generator the way the compiler does: over a compilation that references the SDK, with the
/// catalog as an additional file and MSBuild properties as global analyzer options.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. trusted.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
            MetadataReference.CreateFromFile(typeof(CandorClient).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Candor.Core.Catalog.CompiledCatalog).Assembly.Location)];
    });

    // Diagnose mode makes malformed XML docs in the generated code a warning the tests see.
    private static readonly CSharpParseOptions Parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest).WithDocumentationMode(DocumentationMode.Diagnose);

    public static string ShippedCatalogText { get; } = File.ReadAllText(TestCatalogs.ShippedPath);

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "App" + Guid.NewGuid().ToString("N"),
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: "Source" + i + ".cs")),
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files, string? productId = null, string? ns = null)
    {
        var globals = new Dictionary<string, string>();
        if (productId is not null)
        {
            globals["build_property.CandorProductId"] = productId;
        }

        if (ns is not null)
        {
            globals["build_property.CandorEventsNamespace"] = ns;
        }

        return CSharpGeneratorDriver.Create(
            [new CandorEventsGenerator().AsSourceGenerator()],
            additionalTexts: files,
            parseOptions: Parse,
            optionsProvider: new Options(globals),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Runs the generator and returns the compilation with the generated code, the generator's
    /// diagnostics and the generated sources.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriverRunResult Result) Run(
        CSharpCompilation compilation, IEnumerable<AdditionalText> files, string? productId = null, string? ns = null)
    {
        var driver = Driver(files, productId, ns).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, diagnostics, driver.GetRunResult());
    }

    public static AdditionalText Catalog(string text, string path = "/app/catalog.candor.json") => new InMemoryText(path, text);

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class Options(Dictionary<string, string> globals) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(globals);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values([]);
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) =>
            values.TryGetValue(key, out value!);
    }
}

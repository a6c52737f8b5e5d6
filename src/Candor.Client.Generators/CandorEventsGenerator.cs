using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Candor.Client.Generators;

/// <summary>Generates typed <c>Track…</c> methods from the compiled catalog (an <c>AdditionalFiles</c> item whose
/// name ends in <c>.candor.json</c>). MSBuild properties, made visible with <c>CompilerVisibleProperty</c>:
/// <c>CandorEventsNamespace</c> (default <c>Candor.Generated</c>) and <c>CandorProductId</c> (only the events that
/// apply to that product; default every event of the family).</summary>
[Generator(LanguageNames.CSharp)]
public sealed class CandorEventsGenerator : IIncrementalGenerator
{
    /// <summary>The suffix of the additional files the generator reads.</summary>
    public const string CatalogSuffix = ".candor.json";

    /// <summary>The namespace of the generated code when <c>CandorEventsNamespace</c> is not set.</summary>
    public const string DefaultNamespace = "Candor.Generated";

    /// <summary>The tracking name of the step that parses a catalog (for incrementality tests).</summary>
    public const string ParseStep = "CandorCatalog";

    /// <summary>The tracking name of the step that reads the MSBuild settings.</summary>
    public const string SettingsStep = "CandorSettings";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var catalogs = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(CatalogSuffix, StringComparison.OrdinalIgnoreCase))
            .Select(static (text, token) => CatalogReader.Read(text.Path, text.GetText(token)?.ToString()))
            .WithTrackingName(ParseStep);

        var settings = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => ReadSettings(options.GlobalOptions))
            .WithTrackingName(SettingsStep);

        context.RegisterSourceOutput(catalogs.Collect().Combine(settings), static (spc, input) => Produce(spc, input.Left, input.Right));
    }

    private static GeneratorSettings ReadSettings(AnalyzerConfigOptions options)
    {
        options.TryGetValue("build_property.CandorEventsNamespace", out var ns);
        options.TryGetValue("build_property.CandorProductId", out var product);
        return new GeneratorSettings(
            string.IsNullOrWhiteSpace(ns) ? DefaultNamespace : ns!.Trim(),
            product?.Trim() ?? "");
    }

    private static void Produce(SourceProductionContext context, ImmutableArray<CatalogModel> catalogs, GeneratorSettings settings)
    {
        for (var i = 0; i < catalogs.Length; i++)
        {
            var catalog = catalogs[i];
            if (catalog.Error is { } error)
            {
                Report(context, error);
                continue;
            }

            if (i > 0)
            {
                Report(context, new DiagnosticInfo(
                    Descriptors.SeveralCatalogsId,
                    "Only one compiled catalog (*" + CatalogSuffix + ") may be an additional file; '" + catalogs[0].Path + "' is already used",
                    new SourcePosition(catalog.Path, 0, 0, 0)));
                continue;
            }

            if (settings.ProductId.Length > 0 && !System.Linq.Enumerable.Contains(catalog.ProductIds, settings.ProductId))
            {
                Report(context, new DiagnosticInfo(
                    Descriptors.UnknownProductId,
                    "CandorProductId '" + settings.ProductId + "' is not a product of catalog '" + catalog.FamilyId + "'",
                    new SourcePosition(catalog.Path, 0, 0, 0)));
                continue;
            }

            var events = Emitter.Select(catalog, settings.ProductId);
            var collisions = Emitter.FindCollisions(events);
            if (collisions.Count > 0)
            {
                foreach (var collision in collisions)
                {
                    Report(context, collision);
                }

                continue;
            }

            context.CancellationToken.ThrowIfCancellationRequested();
            context.AddSource(Emitter.ClassName + ".g.cs", SourceText.From(Emitter.Emit(catalog, events, settings), System.Text.Encoding.UTF8));
        }
    }

    private static void Report(SourceProductionContext context, DiagnosticInfo info)
    {
        var start = new LinePosition(info.Position.Line, info.Position.Column);
        var location = Location.Create(info.Position.Path, new TextSpan(info.Position.Offset, 0), new LinePositionSpan(start, start));
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.ById(info.Id), location, info.Message));
    }
}

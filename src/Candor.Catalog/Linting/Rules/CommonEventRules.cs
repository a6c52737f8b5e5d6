using Candor.Catalog.Diagnostics;

namespace Candor.Catalog.Linting.Rules;

/// <summary>The events the Candor SDK records on its own for every product, with the fields it fills in.
/// Every family's catalog must declare them, or the collector would reject what the SDK sends.</summary>
internal static class CommonEvents
{
    public static IReadOnlyList<(string Name, (string Field, string Type)[] Fields)> All { get; } =
    [
        ("app.session.started", []),
        ("app.session.ended", [("durationMs", "duration")]),
        ("app.first_run", []),
        ("app.installed", []),
        ("app.updated", [("previousVersion", "version")]),
        ("app.crashed", [("exceptionType", "string"), ("stackSignature", "string")]),
        ("app.feature.failed", [("feature", "string"), ("errorCode", "string")]),
        ("app.operation.completed", [("operation", "string"), ("durationMs", "duration"), ("success", "bool")]),
        ("device.configuration", []),
    ];
}

/// <summary>CAT050: every common event the SDK emits is declared.</summary>
internal sealed class MissingCommonEventRule : CatalogRule
{
    public override string Code => "CAT050";

    public override Severity Severity => Severity.Error;

    public override string Title => "Every common event the SDK emits is declared";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        // Without a family there is nothing to anchor the finding to, and the loader already reports CAT004.
        if (context.Family is not { } family)
        {
            yield break;
        }

        var declared = context.Events.Select(e => e.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (name, fields) in CommonEvents.All.Where(c => !declared.Contains(c.Name)))
        {
            var withFields = fields.Length == 0 ? "" : $" with fields {string.Join(", ", fields.Select(f => $"{f.Field} ({f.Type})"))}";
            yield return Report(family.Location, $"Family '{family.Id}' does not declare the common event '{name}', which the SDK records for every product.",
                $"Add event '{name}'{withFields} and 'products: all' to the catalog (see events/common.yaml of catalog/dynamics365-clients).");
        }
    }
}

/// <summary>CAT051: a common event applies to all products and declares the fields the SDK fills in, with
/// the types it sends.</summary>
internal sealed class CommonEventShapeRule : CatalogRule
{
    public override string Code => "CAT051";

    public override Severity Severity => Severity.Error;

    public override string Title => "A common event applies to all products and has the fields the SDK sends, with their types";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        foreach (var (name, fields) in CommonEvents.All)
        {
            // A duplicate is CAT021's; the first definition is the one judged here.
            if (context.Events.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal)) is not { } ev)
            {
                continue;
            }

            if (ev.Has("products") && !ev.AllProducts)
            {
                yield return Report(ev.At("products"), $"Common event '{name}' is limited to some products, but the SDK records it for every product.",
                    "Write 'products: all'.");
            }

            foreach (var (fieldName, type) in fields)
            {
                var field = ev.Fields.FirstOrDefault(f => string.Equals(f.Name, fieldName, StringComparison.Ordinal));
                if (field is null)
                {
                    yield return Report(ev.At("name"), $"Common event '{name}' does not declare field '{fieldName}', which the SDK sends.",
                        $"Add field '{fieldName}' of type {type} to the event.");
                }
                else if (!string.Equals(field.Type, type, StringComparison.Ordinal))
                {
                    yield return Report(field.At("type"), $"Field '{fieldName}' of common event '{name}' is declared as '{field.Type}', but the SDK sends a {type}.",
                        $"Write 'type: {type}'.");
                }
            }
        }
    }
}

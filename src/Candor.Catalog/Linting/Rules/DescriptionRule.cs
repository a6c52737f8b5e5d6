using Candor.Catalog.Diagnostics;
using Candor.Catalog.Loading;

namespace Candor.Catalog.Linting.Rules;

/// <summary>CAT035: every family, product, event and field has a description that says something. The
/// summary and the catalog browser show them to customers, so a placeholder counts as missing.</summary>
internal sealed class DescriptionRule : CatalogRule
{
    /// <summary>An event's description says what happened and why it is collected: a sentence.</summary>
    public const int EventMinWords = 6;

    /// <summary>The family's description opens the published summary.</summary>
    public const int FamilyMinWords = 6;

    /// <summary>A product's description is one or two sentences.</summary>
    public const int ProductMinWords = 5;

    /// <summary>A field's description may be a phrase ("How loading ended.").</summary>
    public const int FieldMinWords = 3;

    public override string Code => "CAT035";

    public override Severity Severity => Severity.Error;

    public override string Title => "Family, products, events and fields have a description that is not a placeholder";

    public override IEnumerable<CatalogDiagnostic> Check(LintContext context)
    {
        var checks = new List<(SourceNode Node, string What, string? Name, string? Text, int MinWords)>();
        if (context.Family is { } family)
        {
            checks.Add((family, $"The family '{family.Id}'", family.DisplayName, family.Description, FamilyMinWords));
        }

        checks.AddRange(context.Source.Products.Select(p => ((SourceNode)p, $"Product '{p.Id}'", p.DisplayName, p.Description, ProductMinWords)));
        checks.AddRange(context.Events.Select(e => ((SourceNode)e, $"Event '{e.Name}'", e.Name, e.Description, EventMinWords)));
        checks.AddRange(context.Fields.Select(f => ((SourceNode)f.Field, Capitalise(f.Describe()), f.Field.Name, f.Field.Description, FieldMinWords)));

        foreach (var (node, what, name, text, minWords) in checks)
        {
            if (Descriptions.Problem(text, name, minWords) is { } problem)
            {
                yield return Report(node.Has("description") ? node.At("description") : node.Location,
                    $"{what}: its description {problem}.",
                    $"Write 'description:' as what it is and why it is collected, in at least {minWords} words a customer can understand.");
            }
        }
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

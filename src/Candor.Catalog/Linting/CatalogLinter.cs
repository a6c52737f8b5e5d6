using Candor.Catalog.Diagnostics;
using Candor.Catalog.Loading;

namespace Candor.Catalog.Linting;

/// <summary>Runs every lint rule over loaded catalog sources.</summary>
internal static class CatalogLinter
{
    /// <summary>The loader's findings followed by every rule's, ordered by file, line and column.</summary>
    /// <param name="source">The loaded catalog.</param>
    /// <param name="today">The date that decides whether an event has expired (inject it: tests pin it).</param>
    public static IReadOnlyList<CatalogDiagnostic> Lint(CatalogSource source, DateOnly today) =>
        Lint(source, today, CatalogRules.All);

    /// <summary>The loader's findings and those of the given rules, ordered by file, line, column and code.</summary>
    public static IReadOnlyList<CatalogDiagnostic> Lint(CatalogSource source, DateOnly today, IEnumerable<ICatalogRule> rules)
    {
        var context = new LintContext(source, today);
        return source.LoadDiagnostics
            .Concat(rules.SelectMany(r => r.Check(context)))
            .OrderBy(d => d.Location.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .ToList();
    }
}

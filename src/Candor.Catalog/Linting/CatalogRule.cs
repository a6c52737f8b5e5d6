using Candor.Catalog.Diagnostics;

namespace Candor.Catalog.Linting;

/// <summary>One lint rule: a stable code that is never reused, a fixed severity, and a check that reports
/// every place in the catalog that breaks it, each with what is wrong and how to fix it.</summary>
internal interface ICatalogRule
{
    /// <summary>The stable code, <c>CAT010</c> upwards (the loader owns CAT001 to CAT009).</summary>
    string Code { get; }

    /// <summary>Every finding of this rule has this severity.</summary>
    Severity Severity { get; }

    /// <summary>What the rule checks, in a few words (the docs table and <c>--format json</c> use it).</summary>
    string Title { get; }

    /// <summary>Reports every violation in the catalog.</summary>
    IEnumerable<CatalogDiagnostic> Check(LintContext context);
}

/// <summary>The shared shape of a rule: it only decides where something is wrong; the code and severity of
/// the diagnostic always come from the rule, so a rule cannot report under another rule's code.</summary>
internal abstract class CatalogRule : ICatalogRule
{
    public abstract string Code { get; }

    public abstract Severity Severity { get; }

    public abstract string Title { get; }

    public abstract IEnumerable<CatalogDiagnostic> Check(LintContext context);

    protected CatalogDiagnostic Report(SourceLocation location, string message, string fix) =>
        new(Code, Severity, location, message, fix);
}

namespace Candor.Catalog.Diagnostics;

/// <summary>How bad a finding is: an error fails <c>catalog lint</c> and blocks compilation.</summary>
public enum Severity
{
    /// <summary>Worth a look; does not fail the lint.</summary>
    Warning,

    /// <summary>Breaks a rule; the catalog cannot be compiled or shipped.</summary>
    Error,
}

/// <summary>A place in a catalog source file; line and column are 1-based.</summary>
/// <param name="File">The path as given to the loader (relative paths stay relative).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary>The location as compilers print it: <c>file:line:column</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>One finding of the loader or a lint rule.</summary>
/// <param name="Code">The stable rule code, e.g. <c>CAT012</c>.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Location">Where it is.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record CatalogDiagnostic(string Code, Severity Severity, SourceLocation Location, string Message, string Fix)
{
    /// <summary>The finding as one line: <c>file:line:col: error CAT012: message Fix: how.</c></summary>
    public override string ToString() =>
        $"{Location}: {(Severity == Severity.Error ? "error" : "warning")} {Code}: {Message} Fix: {Fix}";
}

using Candor.Catalog.Diagnostics;
using Xunit;

namespace Candor.Catalog.Tests.Linting;

/// <summary>Writes a catalog in which one file differs from the clean default, lints it, and checks what a
/// rule reports on the line marked <c>#!</c>.</summary>
internal static class RuleAssert
{
    /// <summary>Asserts that the rule reports on the marked line, with its severity, and that no other rule
    /// reports anything (so each test isolates one rule).</summary>
    public static CatalogDiagnostic Fires(string code, Severity severity, string? family = null, string? events = null,
        string? common = null, DateOnly? today = null)
    {
        var (file, text) = Marked(family, events, common);
        var line = TempCatalog.MarkedLine(text);
        using var catalog = TempCatalog.Write(family, events, common);
        var all = catalog.Lint(today);

        Assert.All(all, d => Assert.Equal(code, d.Code));
        var finding = Assert.Single(all, d => d.Location.File == file && d.Location.Line == line);
        Assert.Equal(severity, finding.Severity);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
        Assert.False(string.IsNullOrWhiteSpace(finding.Fix));
        Assert.StartsWith($"{file}:{line}:", finding.ToString(), StringComparison.Ordinal);
        return finding;
    }

    /// <summary>Asserts that the catalog lints without a single finding.</summary>
    public static void Clean(string? family = null, string? events = null, string? common = null, DateOnly? today = null)
    {
        using var catalog = TempCatalog.Write(family, events, common);
        Assert.Empty(catalog.Lint(today));
    }

    /// <summary>The column where the value of the marked line starts (after <c>key: </c> or <c>- </c>).</summary>
    public static int ValueColumn(string text, string value)
    {
        var lines = text.Split('\n');
        var line = lines[TempCatalog.MarkedLine(text) - 1];
        return line.IndexOf(value, StringComparison.Ordinal) + 1;
    }

    private static (string File, string Text) Marked(string? family, string? events, string? common)
    {
        var marked = new[] { (TempCatalog.FamilyFile, family), (TempCatalog.EventsFile, events), (TempCatalog.CommonFile, common) }
            .Where(f => f.Item2 is not null && f.Item2.Contains(TempCatalog.Marker, StringComparison.Ordinal))
            .ToList();
        Assert.True(marked.Count == 1, "exactly one file must carry the #! marker");
        return (marked[0].Item1, marked[0].Item2!);
    }
}

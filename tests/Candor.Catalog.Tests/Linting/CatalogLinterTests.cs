using System.Text.RegularExpressions;
using Candor.Catalog.Diagnostics;
using Candor.Catalog.Linting;
using Candor.Catalog.Loading;
using Xunit;

namespace Candor.Catalog.Tests.Linting;

public sealed partial class CatalogLinterTests
{
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "catalog", "dynamics365-clients");

    [Fact]
    public void The_shipped_catalog_lints_with_no_error_and_no_warning()
    {
        Assert.True(File.Exists(Path.Combine(Shipped, "family.yaml")), $"the shipped catalog is not at {Shipped}");
        var findings = CatalogLinter.Lint(CatalogLoader.Load(Shipped), TempCatalog.Today);
        Assert.True(findings.Count == 0, string.Join('\n', findings));
    }

    [Fact]
    public void Every_rule_has_a_unique_stable_code_from_CAT010_and_a_title()
    {
        var codes = CatalogRules.All.Select(r => r.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(CatalogRules.All, r =>
        {
            Assert.Matches(RuleCode(), r.Code);
            Assert.True(string.CompareOrdinal(r.Code, "CAT010") >= 0, $"{r.Code} is in the loader's range CAT001-CAT009");
            Assert.False(string.IsNullOrWhiteSpace(r.Title));
        });
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
    }

    [Fact]
    public void Every_rule_is_documented_with_its_severity_in_the_lint_rules_table()
    {
        var docs = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "catalog.md"));
        foreach (var rule in CatalogRules.All)
        {
            var row = docs.SingleOrDefault(l => l.StartsWith($"| {rule.Code} |", StringComparison.Ordinal));
            Assert.True(row is not null, $"{rule.Code} has no row in docs/catalog.md");
            var severity = rule.Severity == Severity.Error ? "error" : "warning";
            Assert.StartsWith($"| {rule.Code} | {severity} |", row, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Findings_come_ordered_by_file_line_and_column()
    {
        var events = TempCatalog.Edit(TempCatalog.Edit(TempCatalog.Events, "level: required", "level: sometimes"), "retentionDays: 90", "retentionDays: -1");
        var family = TempCatalog.Edit(TempCatalog.Family, "maxRetentionDays: 365", "maxRetentionDays: 0");
        using var catalog = TempCatalog.Write(family, events);

        var findings = catalog.Lint();

        // events/test.yaml sorts before family.yaml.
        Assert.Equal(["CAT023", "CAT030", "CAT011"], findings.Select(f => f.Code));
        Assert.Equal(
            findings.OrderBy(f => f.Location.File, StringComparer.Ordinal).ThenBy(f => f.Location.Line).ThenBy(f => f.Location.Column),
            findings);
    }

    [Fact]
    public void A_folder_without_yaml_is_reported_by_the_loader_and_no_rule_crashes()
    {
        var root = Path.Combine(Path.GetTempPath(), "candor-lint-empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var findings = CatalogLinter.Lint(CatalogLoader.Load(root), TempCatalog.Today);
            Assert.Equal("CAT005", Assert.Single(findings).Code);
        }
        finally
        {
            Directory.Delete(root);
        }
    }

    [Fact]
    public void An_event_with_nothing_but_a_name_gets_one_finding_per_missing_key()
    {
        using var catalog = TempCatalog.Write(events: "events:\n  - name: sample.widget.opened\n");

        var codes = catalog.Lint().Select(f => f.Code).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["CAT023", "CAT024", "CAT026", "CAT027", "CAT028", "CAT030", "CAT034", "CAT035"], codes);
    }

    [Fact]
    public void Every_rule_has_a_test_that_shows_it_firing_and_one_that_shows_it_silent()
    {
        var tests = typeof(CatalogLinterTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttributes(typeof(FactAttribute), inherit: true).Length > 0)
            .Select(m => m.Name)
            .ToList();

        Assert.All(CatalogRules.All, rule =>
        {
            Assert.Contains(tests, n => n.StartsWith(rule.Code + "_fires", StringComparison.Ordinal) || n.StartsWith(rule.Code + "_warns", StringComparison.Ordinal));
            Assert.Contains(tests, n => n.StartsWith(rule.Code + "_is_silent", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void A_catalog_that_lints_without_errors_compiles()
    {
        using var catalog = TempCatalog.Write();
        var source = CatalogLoader.Load(catalog.Root, displayBase: catalog.Root);
        Assert.Empty(CatalogLinter.Lint(source, TempCatalog.Today));

        var compiled = Candor.Catalog.Compilation.CatalogCompiler.Compile(source);

        Assert.Equal(10, compiled.Events.Count);
        Assert.Equal("test-family", compiled.Family.Id);
    }

    private static string RepositoryRoot()
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

    [GeneratedRegex("^CAT[0-9]{3}$")]
    private static partial Regex RuleCode();
}

using System.Text.Json;
using Xunit;

namespace Candor.Cli.Tests.Catalog;

/// <summary>Runs <c>candor catalog lint</c> as a user would, on copies of the shipped catalog with one line broken.</summary>
public sealed class CatalogLintCommandTests : IDisposable
{
    private const string UsageFile = "events/product-and-service-usage.yaml";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "candor-cli-lint-" + Guid.NewGuid().ToString("N"));

    public CatalogLintCommandTests()
    {
        var shipped = Path.Combine(CandorProcess.RepositoryRoot, "catalog", "dynamics365-clients");
        foreach (var file in Directory.EnumerateFiles(shipped, "*.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_work, "broken", Path.GetRelativePath(shipped, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Lint_of_a_broken_catalog_exits_1_and_prints_file_line_column_and_code()
    {
        var line = Break(UsageFile, "    level: required", "    level: sometimes");

        var result = await CandorProcess.RunAsync(_work, "catalog", "lint", "broken");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"broken/{UsageFile}:{line}:12: error CAT023: ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(" Fix: ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 catalog(s) checked: 1 error(s), 0 warning(s).", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_as_json_lists_the_same_finding_as_the_text()
    {
        var line = Break(UsageFile, "    level: required", "    level: sometimes");

        var text = await CandorProcess.RunAsync(_work, "catalog", "lint", "broken");
        var json = await CandorProcess.RunAsync(_work, "catalog", "lint", "broken", "--format", "json");

        Assert.Equal(1, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        Assert.Equal(0, root.GetProperty("warnings").GetInt32());
        var finding = Assert.Single(root.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("CAT023", finding.GetProperty("code").GetString());
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.Equal($"broken/{UsageFile}", finding.GetProperty("file").GetString());
        Assert.Equal(line, finding.GetProperty("line").GetInt32());
        Assert.Equal(12, finding.GetProperty("column").GetInt32());
        var printed = $"{finding.GetProperty("file").GetString()}:{line}:12: error CAT023: {finding.GetProperty("message").GetString()} Fix: {finding.GetProperty("fix").GetString()}";
        Assert.Contains(printed, text.Stdout.Split('\n').Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public async Task Lint_with_only_a_warning_exits_0()
    {
        var line = Break("events/product-and-service-performance.yaml",
            "    added: 2026-02-02\n    expires: 2028-01-31", "    added: 2024-01-01\n    expires: 2025-01-01") + 1;

        var result = await CandorProcess.RunAsync(_work, "catalog", "lint", "broken");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"broken/events/product-and-service-performance.yaml:{line}:14: warning CAT029: ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 error(s), 1 warning(s).", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_of_the_shipped_catalogs_exits_0_with_no_finding()
    {
        var result = await CandorProcess.RunAsync(CandorProcess.RepositoryRoot, "catalog", "lint");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("0 error(s), 0 warning(s).", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(" CAT0", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Replaces the first occurrence of a text in a copied file; returns its 1-based line.</summary>
    private int Break(string file, string find, string replace)
    {
        var path = Path.Combine(_work, "broken", file);
        var text = File.ReadAllText(path);
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in {file}");
        File.WriteAllText(path, string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length)));
        return text[..at].Count(c => c == '\n') + 1;
    }
}

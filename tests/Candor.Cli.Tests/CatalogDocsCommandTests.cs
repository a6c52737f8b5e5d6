using Xunit;

namespace Candor.Cli.Tests;

/// <summary><c>candor catalog docs</c>, run as a user runs it.</summary>
public sealed class CatalogDocsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("md")]
    [InlineData("html")]
    public async Task Docs_writes_the_summary_of_the_shipped_family_and_exits_zero(string format)
    {
        var output = Path.Combine(_folder, "nested", "summary." + format);

        var result = await CandorProcess.RunAsync(_folder, "catalog", "docs", "--family", "dynamics365-clients", "--format", format, "--out", output);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Matches(@"data collection summary of dynamics365-clients \(15 products, \d+ events\) to ", result.Stdout);

        // The repository's copy is checked against the generator by the catalog tests; the CLI must write the same bytes.
        var committed = Path.Combine(CandorProcess.RepositoryRoot, "docs", "generated", "dynamics365-clients." + format);
        Assert.Equal(await File.ReadAllBytesAsync(committed), await File.ReadAllBytesAsync(output));
    }

    [Fact]
    public async Task Docs_reads_a_catalog_folder_given_with_the_catalog_option()
    {
        var output = Path.Combine(_folder, "summary.md");
        var catalog = Path.Combine(CandorProcess.RepositoryRoot, "catalog", "dynamics365-clients");

        var result = await CandorProcess.RunAsync(_folder, "catalog", "docs", "--catalog", catalog, "--out", output);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.StartsWith("# Data collection summary for Dynamics 365 Client Products - October 2021\n", await File.ReadAllTextAsync(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docs_with_an_unknown_format_is_a_usage_error_and_writes_nothing()
    {
        var output = Path.Combine(_folder, "summary.pdf");

        var result = await CandorProcess.RunAsync(_folder, "catalog", "docs", "--format", "pdf", "--out", output);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("'pdf'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("md", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("html", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Docs_without_an_output_file_is_a_usage_error()
    {
        var result = await CandorProcess.RunAsync(_folder, "catalog", "docs", "--format", "md");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--out", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docs_for_a_missing_catalog_folder_is_a_one_line_error_naming_it()
    {
        var missing = Path.Combine(_folder, "no-such-catalog");

        var result = await CandorProcess.RunAsync(_folder, "catalog", "docs", "--catalog", missing, "--out", Path.Combine(_folder, "s.md"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"candor: {missing}: no such catalog folder.", result.Stderr.Trim());
    }
}

using System.Text;
using Candor.Catalog.Summary;
using Candor.Core.Catalog;
using Xunit;

namespace Candor.Catalog.Tests.Summary;

public sealed class SummaryDeterminismTests
{
    [Theory]
    [InlineData("md")]
    [InlineData("html")]
    public void Generating_twice_from_two_loads_of_the_catalog_gives_identical_bytes(string format)
    {
        Assert.True(SummaryGenerator.TryParseFormat(format, out var kind));

        var first = Encoding.UTF8.GetBytes(SummaryGenerator.Generate(SummaryFixtures.Shipped(), kind));
        var second = Encoding.UTF8.GetBytes(SummaryGenerator.Generate(SummaryFixtures.Shipped(), kind));

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("md")]
    [InlineData("html")]
    public void Summary_of_a_catalog_read_back_from_its_compiled_json_is_the_same(string format)
    {
        Assert.True(SummaryGenerator.TryParseFormat(format, out var kind));
        var compiled = SummaryFixtures.Shipped();
        var reread = CompiledCatalogJson.Parse(CompiledCatalogJson.Serialize(compiled));

        Assert.Equal(SummaryGenerator.Generate(compiled, kind), SummaryGenerator.Generate(reread, kind));
    }

    [Theory]
    [InlineData("md")]
    [InlineData("html")]
    public void Summary_has_only_lf_line_endings_no_machine_path_and_one_final_newline(string format)
    {
        Assert.True(SummaryGenerator.TryParseFormat(format, out var kind));
        var text = SummaryGenerator.Generate(SummaryFixtures.Shipped(), kind);

        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.False(text.EndsWith("\n\n", StringComparison.Ordinal), "the summary ends with a blank line");
        Assert.DoesNotContain(SummaryFixtures.RepositoryRoot, text, StringComparison.Ordinal);
        Assert.DoesNotContain(AppContext.BaseDirectory.TrimEnd('/'), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), text, StringComparison.Ordinal);
        Assert.All(text.Split('\n'), line => Assert.False(line.EndsWith(' '), $"trailing space on: {line}"));
    }

    /// <summary>The copies in docs/generated are what readers of the repository see; they must never lag behind
    /// the catalog or the generator.</summary>
    [Theory]
    [InlineData("md")]
    [InlineData("html")]
    public void Generated_summaries_in_the_repository_docs_are_up_to_date(string format)
    {
        Assert.True(SummaryGenerator.TryParseFormat(format, out var kind));
        var root = SummaryFixtures.RepositoryRoot;
        var compiled = SummaryFixtures.Compile(Path.Combine(root, "catalog", SummaryFixtures.ShippedFamily));
        var path = Path.Combine(root, "docs", "generated", SummaryFixtures.ShippedFamily + "." + format);

        Assert.True(File.Exists(path), $"{path} is missing; run ./candor catalog docs --format {format} --out docs/generated/{SummaryFixtures.ShippedFamily}.{format}");
        SummaryGoldenTests.AssertSameText(File.ReadAllText(path, Encoding.UTF8), SummaryGenerator.Generate(compiled, kind), path,
            $"Regenerate it from the repository root: ./candor catalog docs --format {format} --out docs/generated/{SummaryFixtures.ShippedFamily}.{format}",
            actualPrefix: "docs-");
    }
}

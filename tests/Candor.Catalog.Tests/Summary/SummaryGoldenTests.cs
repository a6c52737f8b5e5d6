using System.Text;
using Candor.Catalog.Summary;
using Xunit;

namespace Candor.Catalog.Tests.Summary;

/// <summary>Pins the summaries of the shipped catalog byte for byte. The golden files are the published copies in
/// <c>docs/generated/</c>: one copy, so the pinned output and what readers of the repository see cannot differ.
///
/// When a change to the catalog or to the generator is intended, refresh the golden files with
/// <c>CANDOR_UPDATE_GOLDEN=1 dotnet test tests/Candor.Catalog.Tests --filter FullyQualifiedName~Summary</c>: the tests
/// then rewrite <c>docs/generated/*</c> in the source tree (and still fail, so that an update run is never
/// mistaken for a green one). Review the diff and commit it.
///
/// On a mismatch the actual output is written to <c>Summary/Actual/</c> in the test output folder, and the failure
/// names the first differing line and the diff command to run.</summary>
public sealed class SummaryGoldenTests
{
    public const string UpdateVariable = "CANDOR_UPDATE_GOLDEN";

    [Theory]
    [InlineData("md", "dynamics365-clients.md")]
    [InlineData("html", "dynamics365-clients.html")]
    public void Summary_of_the_shipped_catalog_matches_its_golden_file(string format, string goldenName)
    {
        Assert.True(SummaryGenerator.TryParseFormat(format, out var kind));
        var actual = SummaryGenerator.Generate(SummaryFixtures.Shipped(), kind);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            var source = GoldenPath(goldenName);
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            Assert.Fail($"{UpdateVariable}=1: rewrote {source}; review and commit it, then run the tests without the variable.");
        }

        var golden = GoldenPath(goldenName);
        Assert.True(File.Exists(golden), $"The golden file {golden} is missing; create it with {UpdateVariable}=1.");
        AssertSameText(File.ReadAllText(golden, Encoding.UTF8), actual, golden,
            $"If the change is intended, run the tests with {UpdateVariable}=1 to rewrite the golden file.");
    }

    private static string GoldenPath(string name) => Path.Combine(SummaryFixtures.RepositoryRoot, "docs", "generated", name);

    /// <summary>Fails with the first differing line, and keeps the actual text on disk for a full diff.</summary>
    internal static void AssertSameText(string expected, string actual, string expectedPath, string hint, string actualPrefix = "")
    {
        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            return;
        }

        var actualPath = Path.Combine(AppContext.BaseDirectory, "Summary", "Actual", actualPrefix + Path.GetFileName(expectedPath));
        Directory.CreateDirectory(Path.GetDirectoryName(actualPath)!);
        File.WriteAllText(actualPath, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = 0;
        while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
        {
            line++;
        }

        static string At(string[] lines, int i) => i < lines.Length ? Shorten(lines[i]) : "<end of file>";
        Assert.Fail(
            $"The output differs from {expectedPath} at line {line + 1}.\n" +
            $"  expected: {At(expectedLines, line)}\n" +
            $"  actual:   {At(actualLines, line)}\n" +
            $"The actual output is in {actualPath}; see every difference with: diff -u {expectedPath} {actualPath}\n{hint}");
    }

    private static string Shorten(string line) => line.Length <= 300 ? line : line[..300] + "...";
}

using System.Globalization;
using Candor.Catalog.Compilation;
using Candor.Catalog.Diagnostics;
using Candor.Catalog.Linting;
using Candor.Catalog.Loading;
using Candor.Core.Catalog;

namespace Candor.Catalog.Build;

/// <summary><c>candor-catalog compile --catalog DIR --out FILE</c>: loads and lints a YAML catalog and writes the
/// compiled catalog, for the MSBuild targets of the Candor.Client package. Every finding is printed in the
/// canonical form MSBuild and IDEs parse (<c>/full/path.yaml(12,5): error CAT012: message</c>), so the Exec task
/// turns each into a build error or warning at its YAML line. Exit codes: 0 compiled, 1 lint errors (nothing
/// written), 2 bad command line.</summary>
internal static class CatalogBuildCommand
{
    private const string Usage = "usage: candor-catalog compile --catalog DIR --out FILE";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length != 5 || args[0] != "compile" || args[1] != "--catalog" || args[3] != "--out")
        {
            error.WriteLine(Usage);
            return 2;
        }

        return Compile(Path.GetFullPath(args[2]), Path.GetFullPath(args[4]), output);
    }

    private static int Compile(string folder, string outFile, TextWriter output)
    {
        // Diagnostics name files relative to the catalog folder; MSBuild needs absolute paths to place them
        // whatever the project's folder is.
        var source = CatalogLoader.Load(folder, displayBase: folder);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var findings = CatalogLinter.Lint(source, today);
        foreach (var finding in findings)
        {
            output.WriteLine(Canonical(folder, finding));
        }

        if (findings.Any(f => f.Severity == Severity.Error))
        {
            return 1;
        }

        var json = CompiledCatalogJson.Serialize(CatalogCompiler.Compile(source)) + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);

        // Write through a temporary file so that a build cancelled mid-write never leaves a truncated catalog that
        // looks newer than its sources (the targets would then skip the compile and feed it to the generator).
        var temporary = outFile + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, outFile, overwrite: true);
        return 0;
    }

    /// <summary>One finding in MSBuild's canonical error format.</summary>
    internal static string Canonical(string folder, CatalogDiagnostic finding)
    {
        var file = Path.GetFullPath(Path.Combine(folder, finding.Location.File));
        var kind = finding.Severity == Severity.Error ? "error" : "warning";
        return string.Create(CultureInfo.InvariantCulture,
            $"{file}({finding.Location.Line},{finding.Location.Column}): {kind} {finding.Code}: {finding.Message} Fix: {finding.Fix}");
    }
}

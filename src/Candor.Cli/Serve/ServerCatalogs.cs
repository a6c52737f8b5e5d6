using Candor.Catalog.Compilation;
using Candor.Cli.Catalog;
using Candor.Core.Catalog;

namespace Candor.Cli.Serve;

/// <summary>The catalogs a collector started from the CLI serves: every catalog folder (with a <c>family.yaml</c>)
/// under the catalogs root, linted and compiled at start. Compiled <c>*.json</c> files directly in the root are
/// loaded by the collector itself.</summary>
internal static class ServerCatalogs
{
    public static IReadOnlyList<CompiledCatalog> Compile(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new CliException($"The catalogs folder {root} does not exist (set it with --catalogs or CANDOR_HOME).");
        }

        var compiled = new List<CompiledCatalog>();
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(folder, "family.yaml")))
            {
                compiled.Add(CatalogCompiler.Compile(CatalogCommands.LoadClean(folder)));
            }
        }

        return compiled;
    }

    /// <summary>Whether the root holds compiled catalogs for the collector to load.</summary>
    public static bool HasCompiledFiles(string root) => Directory.Exists(root) && Directory.GetFiles(root, "*.json").Length > 0;
}

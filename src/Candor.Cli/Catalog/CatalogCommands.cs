using System.CommandLine;
using System.Text.Json;
using Candor.Catalog.Compilation;
using Candor.Catalog.Diagnostics;
using Candor.Catalog.Linting;
using Candor.Catalog.Loading;
using Candor.Catalog.Summary;
using Candor.Core.Catalog;

namespace Candor.Cli.Catalog;

/// <summary><c>candor catalog lint|compile|docs</c>.</summary>
internal static class CatalogCommands
{
    public static Command Create()
    {
        var catalog = new Command("catalog", "Check, compile and document a family's catalog of diagnostic events.");
        catalog.Subcommands.Add(Lint());
        catalog.Subcommands.Add(Compile());
        catalog.Subcommands.Add(Docs());
        return catalog;
    }

    private static Command Lint()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Catalog folders (or their family.yaml). Default: every folder under ./catalog.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--format")
        {
            Description = "Output format: text (one finding a line, file:line:column) or json.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("lint", "Check catalogs against every rule; exits 1 when any error is found.") { paths, format };
        command.SetAction(parse =>
        {
            var targets = parse.GetValue(paths) is { Length: > 0 } given ? given : DefaultCatalogs();
            var all = new List<CatalogDiagnostic>();
            foreach (var target in targets)
            {
                var source = CatalogLoader.Load(target);
                all.AddRange(CatalogLinter.Lint(source, Today()));
            }

            var errors = all.Count(d => d.Severity == Severity.Error);
            var warnings = all.Count - errors;
            if (parse.GetValue(format) == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    errors,
                    warnings,
                    diagnostics = all.Select(d => new
                    {
                        code = d.Code,
                        severity = d.Severity == Severity.Error ? "error" : "warning",
                        file = d.Location.File,
                        line = d.Location.Line,
                        column = d.Location.Column,
                        message = d.Message,
                        fix = d.Fix,
                    }),
                }, JsonOptions));
            }
            else
            {
                foreach (var d in all)
                {
                    Console.Out.WriteLine(d.ToString());
                }

                Console.Out.WriteLine($"{targets.Length} catalog(s) checked: {errors} error(s), {warnings} warning(s).");
            }

            return errors > 0 ? 1 : 0;
        });
        return command;
    }

    private static Command Compile()
    {
        var family = FamilyOption();
        var path = new Option<string?>("--catalog") { Description = "The catalog folder (default: ./catalog/FAMILY)." };
        var output = new Option<string>("--out")
        {
            Description = "The compiled catalog file to write.",
            Required = true,
        };
        var command = new Command("compile", "Lint a catalog and compile it to one JSON file with a version and a content hash.")
        {
            family, path, output,
        };
        command.SetAction(parse =>
        {
            var source = LoadClean(parse.GetValue(path) ?? CliRunner.FamilyFolder(parse.GetValue(family)!));
            var compiled = CatalogCompiler.Compile(source);
            var file = parse.GetValue(output)!;
            WriteFile(file, CompiledCatalogJson.Serialize(compiled) + "\n");
            Console.Out.WriteLine($"Compiled {compiled.Events.Count} events of {compiled.Family.Id} to {file} (sha256 {compiled.ContentHash}).");
            return 0;
        });
        return command;
    }

    private static Command Docs()
    {
        var family = FamilyOption();
        var path = new Option<string?>("--catalog") { Description = "The catalog folder (default: ./catalog/FAMILY)." };
        var format = new Option<string>("--format")
        {
            Description = "Output format: md (Markdown) or html (one self-contained HTML file).",
            DefaultValueFactory = _ => "md",
        };
        format.AcceptOnlyFromAmong([.. SummaryGenerator.FormatNames]);
        var output = new Option<string>("--out")
        {
            Description = "The summary file to write.",
            Required = true,
        };
        var command = new Command("docs", "Generate a family's data collection summary (Markdown or HTML) from its catalog.")
        {
            family, path, format, output,
        };
        command.SetAction(parse =>
        {
            if (!SummaryGenerator.TryParseFormat(parse.GetValue(format), out var kind))
            {
                throw new CliException($"Unknown --format '{parse.GetValue(format)}'; use md or html.", 2);
            }

            var source = LoadClean(parse.GetValue(path) ?? CliRunner.FamilyFolder(parse.GetValue(family)!));
            var compiled = CatalogCompiler.Compile(source);
            var file = parse.GetValue(output)!;
            WriteFile(file, SummaryGenerator.Generate(compiled, kind));
            Console.Out.WriteLine(
                $"Wrote the {(kind == SummaryFormat.Html ? "HTML" : "Markdown")} data collection summary of {compiled.Family.Id} " +
                $"({compiled.Products.Count} products, {compiled.Events.Count} events) to {file}.");
            return 0;
        });
        return command;
    }

    /// <summary>The <c>--family</c> option shared by the commands that work on one shipped family.</summary>
    internal static Option<string> FamilyOption() => new("--family")
    {
        Description = "The family id, the name of its folder under ./catalog.",
        DefaultValueFactory = _ => "dynamics365-clients",
    };

    /// <summary>Loads and lints a catalog; any error stops the command with the findings on standard error.</summary>
    internal static CatalogSource LoadClean(string folder)
    {
        // The loader treats a path that is not a folder as a file inside its catalog folder; for a path that does
        // not exist at all that would make the parent (possibly "/") the catalog, so refuse it here.
        if (!Directory.Exists(folder) && !File.Exists(folder))
        {
            throw new CliException($"{folder}: no such catalog folder.");
        }

        var source = CatalogLoader.Load(folder);
        var errors = CatalogLinter.Lint(source, Today()).Where(d => d.Severity == Severity.Error).ToList();
        if (errors.Count > 0)
        {
            foreach (var e in errors)
            {
                Console.Error.WriteLine(e.ToString());
            }

            throw new CliException($"{folder}: {errors.Count} lint error(s); fix them first (./candor catalog lint {folder}).");
        }

        return source;
    }

    internal static void WriteFile(string path, string text)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, text);
    }

    internal static DateOnly Today() => DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

    private static string[] DefaultCatalogs() =>
        Directory.Exists(CliRunner.CatalogRoot)
            ? [.. Directory.GetDirectories(CliRunner.CatalogRoot).Order(StringComparer.Ordinal)]
            : throw new CliException($"No catalog given and no {CliRunner.CatalogRoot} folder.", 2);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}

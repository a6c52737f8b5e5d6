using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Candor.Client;
using Candor.Core.Catalog;

namespace Candor.Cli.Viewer;

/// <summary><c>candor viewer --data-folder DIR</c>: shows, on the device, exactly what the SDK uploaded from a data
/// folder, with each event's level, category and catalog description.</summary>
internal static class ViewerCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create()
    {
        var folder = new Option<string>("--data-folder")
        {
            Description = "The SDK's data folder on this device (CandorClientOptions.DataFolder).",
            Required = true,
        };
        var catalogFile = new Option<string?>("--catalog")
        {
            Description = "A compiled catalog for the descriptions. Default: the copy the SDK keeps in the data folder.",
        };
        var name = new Option<string?>("--event") { Description = "Show only events whose name starts with this text." };
        var showData = new Option<bool>("--show-data") { Description = "Also print each event's JSON exactly as it was uploaded." };
        var format = new Option<string>("--format")
        {
            Description = "Output format: text or json.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("viewer", "List the diagnostic events this device uploaded, with their level, category and description.")
        {
            folder, catalogFile, name, showData, format,
        };
        command.SetAction(parse =>
        {
            var dataFolder = parse.GetValue(folder)!;
            if (!Directory.Exists(dataFolder))
            {
                throw new CliException($"{dataFolder}: no such data folder.");
            }

            var catalog = LoadCatalog(parse.GetValue(catalogFile) ?? Path.Combine(dataFolder, "catalog.json"), explicitly: parse.GetValue(catalogFile) is not null);
            var prefix = parse.GetValue(name);
            var entries = CandorClient.ReadTranscript(dataFolder)
                .Where(e => prefix is null || e.Name.StartsWith(prefix, StringComparison.Ordinal))
                .ToList();
            var descriptions = catalog?.Events.ToDictionary(e => e.Name, e => e.Description, StringComparer.Ordinal) ?? [];
            if (parse.GetValue(format) == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(
                    entries.Select(e => new
                    {
                        uploadedAt = e.UploadedAt,
                        time = e.Time,
                        name = e.Name,
                        level = e.Level,
                        category = e.Category,
                        outcome = e.Outcome,
                        description = descriptions.GetValueOrDefault(e.Name),
                        @event = JsonDocument.Parse(e.Json).RootElement,
                    }),
                    JsonOptions));
                return 0;
            }

            if (entries.Count == 0)
            {
                Console.Out.WriteLine($"No uploaded events in {dataFolder}.");
                return 0;
            }

            Console.Out.WriteLine($"{entries.Count} event(s) uploaded from {dataFolder}, {Stamp(entries[0].UploadedAt)} to {Stamp(entries[^1].UploadedAt)}:");
            foreach (var e in entries)
            {
                Console.Out.WriteLine();
                Console.Out.WriteLine($"{Stamp(e.Time)}  {e.Name}  [{e.Level}, {e.Category}]  {e.Outcome}");
                Console.Out.WriteLine("    " + (descriptions.TryGetValue(e.Name, out var d) ? d : "(not in the catalog)"));
                if (parse.GetValue(showData))
                {
                    Console.Out.WriteLine("    " + e.Json);
                }
            }

            return 0;
        });
        return command;
    }

    private static CompiledCatalog? LoadCatalog(string path, bool explicitly)
    {
        if (!File.Exists(path))
        {
            if (explicitly)
            {
                throw new CliException($"{path}: no such compiled catalog.");
            }

            return null;
        }

        try
        {
            return CompiledCatalogJson.Load(path);
        }
        catch (InvalidDataException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
    }

    private static string Stamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

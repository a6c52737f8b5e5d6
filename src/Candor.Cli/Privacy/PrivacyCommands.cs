using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Candor.Cli.Privacy;

/// <summary><c>candor privacy export|delete|report|audit</c>: an organisation's administrator exercising privacy
/// rights against a running collector's admin API (issue 5). Nothing here touches a store directly, so what the
/// CLI does is exactly what the API allows the token's role, and it is audited the same way.</summary>
internal static class PrivacyCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var privacy = new Command("privacy",
            "Export, delete and report an organisation's diagnostic data through a running collector's admin API " +
            $"(--url and --token, or {AdminApi.UrlVariable} and {AdminApi.TokenVariable}).");
        privacy.Subcommands.Add(ExportCommand());
        privacy.Subcommands.Add(DeleteCommand());
        privacy.Subcommands.Add(ReportCommand());
        privacy.Subcommands.Add(AuditCommand());
        return privacy;
    }

    private sealed record Connection(Option<string?> Url, Option<string?> Token);

    private static Connection AddConnection(Command command)
    {
        var c = new Connection(
            new Option<string?>("--url") { Description = $"The collector, e.g. http://127.0.0.1:5080. Default: ${AdminApi.UrlVariable}." },
            new Option<string?>("--token") { Description = $"An admin token of the organisation. Default: ${AdminApi.TokenVariable}." });
        command.Options.Add(c.Url);
        command.Options.Add(c.Token);
        return c;
    }

    private static AdminApi Connect(ParseResult parse, Connection c) => AdminApi.Connect(parse.GetValue(c.Url), parse.GetValue(c.Token));

    private static Command ExportCommand()
    {
        var device = new Option<string?>("--device") { Description = "Export one device's events (its pseudonymous id); without it, the whole tenant." };
        var category = new Option<string?>("--category") { Description = "With --device: only this category (wire name)." };
        var level = new Option<string?>("--level") { Description = "With --device: only required or optional events." };
        var from = new Option<string?>("--from") { Description = "With --device: only events that happened at or after this ISO 8601 time." };
        var to = new Option<string?>("--to") { Description = "With --device: only events that happened before this ISO 8601 time." };
        var limit = new Option<int?>("--limit") { Description = "With --device: at most this many events." };
        var offset = new Option<int?>("--offset") { Description = "With --device: skip this many events." };
        var format = new Option<string>("--format") { Description = "Tenant export format: jsonl (default) or parquet.", DefaultValueFactory = _ => "jsonl" };
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output (required for parquet)." };
        var command = new Command("export", "Export stored events as JSON lines (one device, or the whole tenant as JSON lines or Parquet).")
        {
            device, category, level, from, to, limit, offset, format, output,
        };
        var connection = AddConnection(command);
        command.SetAction(async (parse, ct) =>
        {
            var query = new List<string>();
            void Add(string name, string? value)
            {
                if (value is not null)
                {
                    query.Add(name + "=" + Uri.EscapeDataString(value));
                }
            }

            string path;
            var fmt = parse.GetValue(format)!;
            var outFile = parse.GetValue(output);
            if (parse.GetValue(device) is { } id)
            {
                if (fmt != "jsonl")
                {
                    throw new CliException("--format: a device export is JSON lines only; --format parquet is for the tenant export.", 2);
                }

                Add("category", parse.GetValue(category));
                Add("level", parse.GetValue(level));
                Add("from", parse.GetValue(from));
                Add("to", parse.GetValue(to));
                Add("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture));
                Add("offset", parse.GetValue(offset)?.ToString(CultureInfo.InvariantCulture));
                path = $"v1/admin/devices/{Uri.EscapeDataString(id)}/events";
            }
            else
            {
                if (new Option[] { category, level, from, to, limit, offset }.FirstOrDefault(o => parse.GetResult(o) is not null) is { } only)
                {
                    throw new CliException($"{only.Name} filters one device's events: give --device too.", 2);
                }

                if (fmt is not ("jsonl" or "parquet"))
                {
                    throw new CliException($"--format '{fmt}' must be jsonl or parquet.", 2);
                }

                if (fmt == "parquet" && outFile is null)
                {
                    throw new CliException("--format parquet writes a binary file: give --out FILE.", 2);
                }

                Add("format", fmt);
                path = "v1/admin/export";
            }

            if (query.Count > 0)
            {
                path += "?" + string.Join('&', query);
            }

            using var api = Connect(parse, connection);
            using var response = await api.SendAsync(HttpMethod.Get, path, null, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            if (outFile is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await body.CopyToAsync(stdout, ct);
            }
            else
            {
                try
                {
                    await using var file = File.Create(outFile);
                    await body.CopyToAsync(file, ct);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"{outFile}: cannot write the export: {ex.Message}");
                }

                Console.Error.WriteLine($"Wrote {new FileInfo(outFile).Length.ToString(CultureInfo.InvariantCulture)} bytes to {outFile}.");
            }

            return 0;
        });
        return command;
    }

    private static Command DeleteCommand()
    {
        var device = new Option<string?>("--device") { Description = "Delete everything stored for this device (every table)." };
        var product = new Option<string?>("--product") { Description = "Bulk: delete the events of this product id." };
        var from = new Option<string?>("--from") { Description = "Bulk: delete events that happened at or after this ISO 8601 time." };
        var to = new Option<string?>("--to") { Description = "Bulk: delete events that happened before this ISO 8601 time." };
        var command = new Command("delete", "Delete one device's data (--device) or the events of a product and/or time range; prints the receipt.")
        {
            device, product, from, to,
        };
        var connection = AddConnection(command);
        command.SetAction(async (parse, ct) =>
        {
            var id = parse.GetValue(device);
            var bulk = new Dictionary<string, string?>
            {
                ["product"] = parse.GetValue(product), ["from"] = parse.GetValue(from), ["to"] = parse.GetValue(to),
            };
            var given = bulk.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
            if (id is not null && given.Count > 0)
            {
                throw new CliException("Give either --device or --product/--from/--to, not both.", 2);
            }

            if (id is null && given.Count == 0)
            {
                throw new CliException("Nothing to delete: give --device ID, or --product and/or --from/--to.", 2);
            }

            using var api = Connect(parse, connection);
            using var receipt = id is not null
                ? await api.JsonAsync(HttpMethod.Delete, $"v1/admin/devices/{Uri.EscapeDataString(id)}", null, ct)
                : await api.JsonAsync(HttpMethod.Post, "v1/admin/deletions", JsonSerializer.Serialize(given), ct);
            Console.Out.WriteLine(JsonSerializer.Serialize(receipt.RootElement, Indented));
            return 0;
        });
        return command;
    }

    private static Command ReportCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print the inventory as the API answers it (JSON)." };
        var command = new Command("report", "The data inventory: per product and category, events, devices, last received, fields and retention.") { json };
        var connection = AddConnection(command);
        command.SetAction(async (parse, ct) =>
        {
            using var api = Connect(parse, connection);
            using var inventory = await api.JsonAsync(HttpMethod.Get, "v1/admin/inventory", null, ct);
            Console.Out.Write(parse.GetValue(json)
                ? JsonSerializer.Serialize(inventory.RootElement, Indented) + Environment.NewLine
                : Report(inventory.RootElement));
            return 0;
        });
        return command;
    }

    private static Command AuditCommand()
    {
        var since = new Option<string?>("--since") { Description = "Only records at or after this ISO 8601 time." };
        var limit = new Option<int?>("--limit") { Description = "At most this many records (default 1000)." };
        var command = new Command("audit", "The organisation's audit log, oldest first: who did what, when.") { since, limit };
        var connection = AddConnection(command);
        command.SetAction(async (parse, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(since) is { } s)
            {
                query.Add("since=" + Uri.EscapeDataString(s));
            }

            if (parse.GetValue(limit) is { } l)
            {
                query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
            }

            using var api = Connect(parse, connection);
            using var audit = await api.JsonAsync(HttpMethod.Get, "v1/admin/audit" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), null, ct);
            foreach (var r in audit.RootElement.EnumerateArray())
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.GetProperty("at").GetString()}  {r.GetProperty("actorRole").GetString(),-15}  {r.GetProperty("actorId").GetString(),-36}  {r.GetProperty("action").GetString(),-28}  {r.GetProperty("target").GetString()}"));
            }

            return 0;
        });
        return command;
    }

    /// <summary>The inventory as text for a privacy officer to read or paste into a report.</summary>
    internal static string Report(JsonElement inventory)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Data inventory of {inventory.GetProperty("tenant").GetString()} (family {inventory.GetProperty("family").GetString()}), {inventory.GetProperty("generatedAt").GetString()}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Collection {inventory.GetProperty("collection").GetString()}; events are kept {inventory.GetProperty("retentionDays").GetInt32()} days unless shorter below.");
        var groups = inventory.GetProperty("groups");
        if (groups.GetArrayLength() == 0)
        {
            text.AppendLine("Nothing is stored.");
        }

        foreach (var g in groups.EnumerateArray())
        {
            var last30 = g.GetProperty("eventsPerDay").EnumerateArray().Sum(d => d.GetProperty("events").GetInt64());
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{g.GetProperty("product").GetString()} / {g.GetProperty("categoryName").GetString()} ({g.GetProperty("category").GetString()})");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {g.GetProperty("events").GetInt64()} events ({last30} in the last 30 days) from {g.GetProperty("devices").GetInt64()} devices; last received {g.GetProperty("lastReceived").GetString()}");
            foreach (var e in g.GetProperty("eventTypes").EnumerateArray())
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {e.GetProperty("name").GetString()}: {e.GetProperty("events").GetInt64()} events, kept {e.GetProperty("retentionDays").GetInt32()} days. {e.GetProperty("description").GetString()}");
                foreach (var f in e.GetProperty("fields").EnumerateArray())
                {
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"    - {f.GetProperty("name").GetString()} ({f.GetProperty("type").GetString()}, {f.GetProperty("classification").GetString()})");
                }
            }
        }

        var envelope = inventory.GetProperty("envelopeFields");
        if (envelope.GetArrayLength() > 0)
        {
            text.AppendLine();
            text.AppendLine("Every event also carries: " + string.Join(", ", envelope.EnumerateArray().Select(f =>
                $"{f.GetProperty("name").GetString()} ({f.GetProperty("classification").GetString()})")));
        }

        return text.ToString();
    }
}

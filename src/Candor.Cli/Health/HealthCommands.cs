using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Candor.Cli.Health;

/// <summary><c>candor health ...</c>: the fleet's health from a running collector's analytics API (docs/analytics.md),
/// marking vulnerable versions and alerts.</summary>
internal static class HealthCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var health = new Command("health",
            "The health of the fleet from a running collector: failure groups, release health, performance, versions, usage, regressions and alerts. " +
            "Needs --url and --token (or CANDOR_URL and CANDOR_ADMIN_TOKEN).");
        var kind = new Option<string?>("--kind") { Description = "Only crash or feature groups." };
        kind.AcceptOnlyFromAmong("crash", "feature");
        health.Subcommands.Add(Read("failures", "Crash groups (by fingerprint) and feature-failure groups, most events first.", "failures",
            (o, json) => HealthReport.Failures(o, json), limit: true, extra: [kind], query: p => [("kind", p.GetValue(kind))]));
        var daily = new Option<bool>("--daily") { Description = "One row per version and day instead of one per version." };
        health.Subcommands.Add(Read("releases", "Crash-free sessions and devices, sessions and session length per product and version.", "releases",
            (o, json) => HealthReport.Releases(o, json), extra: [daily], query: p => [("daily", p.GetValue(daily) ? "true" : null)]));
        var operation = new Option<string?>("--operation") { Description = "Only this operation (e.g. sync, app.launch.completed)." };
        health.Subcommands.Add(Read("performance", "Exact p50/p90/p95/p99 durations per operation, product, version and device class.", "performance",
            (o, json) => HealthReport.Performance(o, json), extra: [operation], query: p => [("operation", p.GetValue(operation))]));
        health.Subcommands.Add(Read("versions", "Version adoption over the last 7 days, devices behind the newest and on vulnerable versions.", "versions",
            (o, json) => HealthReport.Versions(o, json)));
        health.Subcommands.Add(Read("usage", "Daily and weekly active devices, top commands and features, events per category.", "usage",
            (o, json) => HealthReport.Usage(o, json), limit: true));
        var all = new Option<bool>("--all") { Description = "Show every test, not only the significant ones." };
        health.Subcommands.Add(Read("regressions", "Newest version vs its predecessor (crash rate, p95 durations) and failure spikes, with FDR control.",
            "regressions", (o, json) => HealthReport.Regressions(o, json, significantOnly: true), extra: [all],
            render: (p, o, json) => HealthReport.Regressions(o, json, significantOnly: !p.GetValue(all))));
        var alerts = Read("alerts", "The stored regression alerts, newest first, with their delivery state.", "alerts",
            (o, json) => HealthReport.Alerts(o, json), limit: true);
        alerts.Subcommands.Add(Webhook());
        health.Subcommands.Add(alerts);
        health.Subcommands.Add(Vulnerable());
        health.Subcommands.Add(Refresh());
        return health;
    }

    private sealed record Common(Option<string?> Url, Option<string?> Token, Option<string> Format);

    private static Common AddCommon(Command command)
    {
        var common = new Common(
            new Option<string?>("--url") { Description = "The collector, e.g. http://127.0.0.1:8080 (default: CANDOR_URL)." },
            new Option<string?>("--token") { Description = "An admin token (default: CANDOR_ADMIN_TOKEN)." },
            new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" });
        common.Format.AcceptOnlyFromAmong("text", "json");
        command.Options.Add(common.Url);
        command.Options.Add(common.Token);
        command.Options.Add(common.Format);
        return common;
    }

    private static Command Read(string name, string description, string path, Action<TextWriter, JsonNode> text, bool limit = false,
        Option[]? extra = null, Func<ParseResult, (string, string?)[]>? query = null, Action<ParseResult, TextWriter, JsonNode>? render = null)
    {
        var command = new Command(name, description);
        var common = AddCommon(command);
        var product = new Option<string?>("--product") { Description = "Only this product." };
        var version = new Option<string?>("--version") { Description = "Only this app version." };
        var from = new Option<string?>("--from") { Description = "First day, yyyy-MM-dd (default: 29 days before --to)." };
        var to = new Option<string?>("--to") { Description = "Last day, yyyy-MM-dd (default: today, UTC)." };
        var limitOption = new Option<int>("--limit") { Description = "At most this many rows (1 to 1000).", DefaultValueFactory = _ => 20 };
        command.Options.Add(product);
        command.Options.Add(version);
        command.Options.Add(from);
        command.Options.Add(to);
        if (limit)
        {
            command.Options.Add(limitOption);
        }

        foreach (var option in extra ?? [])
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = HealthClient.FromOptions(parse.GetValue(common.Url), parse.GetValue(common.Token));
            List<(string, string?)> parameters =
            [
                ("product", parse.GetValue(product)), ("version", parse.GetValue(version)), ("from", parse.GetValue(from)), ("to", parse.GetValue(to)),
                ("limit", limit ? parse.GetValue(limitOption).ToString(System.Globalization.CultureInfo.InvariantCulture) : null),
            ];
            parameters.AddRange(query?.Invoke(parse) ?? []);
            var json = await client.GetAsync(path, parameters, cancellationToken);
            Print(parse.GetValue(common.Format)!, json, o => (render is null ? (Action<TextWriter, JsonNode>)text : (w, j) => render(parse, w, j))(o, json));
            return 0;
        });
        return command;
    }

    private static void Print(string format, JsonNode json, Action<TextWriter> text)
    {
        if (format == "json")
        {
            Console.Out.WriteLine(json.ToJsonString(Indented));
        }
        else
        {
            text(Console.Out);
        }
    }

    private static Command Vulnerable()
    {
        var vulnerable = new Command("vulnerable", "Version ranges marked vulnerable (owner role; every change is audited).");

        var mark = new Command("mark", "Mark a product's versions MIN..MAX (inclusive, compared as versions) vulnerable.");
        var common = AddCommon(mark);
        var product = new Option<string>("--product") { Description = "The product id.", Required = true };
        var min = new Option<string>("--min") { Description = "The first vulnerable version.", Required = true };
        var max = new Option<string>("--max") { Description = "The last vulnerable version.", Required = true };
        var advisory = new Option<string>("--advisory") { Description = "The advisory (e.g. a CVE id).", Required = true };
        mark.Options.Add(product);
        mark.Options.Add(min);
        mark.Options.Add(max);
        mark.Options.Add(advisory);
        mark.SetAction(async (parse, cancellationToken) =>
        {
            using var client = HealthClient.FromOptions(parse.GetValue(common.Url), parse.GetValue(common.Token));
            var body = new JsonObject
            {
                ["product"] = parse.GetValue(product), ["minVersion"] = parse.GetValue(min), ["maxVersion"] = parse.GetValue(max),
                ["advisory"] = parse.GetValue(advisory),
            };
            var json = await client.SendAsync(HttpMethod.Post, "vulnerable", body.ToJsonString(), cancellationToken);
            Print(parse.GetValue(common.Format)!, json, o => HealthReport.Marks(o, new JsonArray(json.DeepClone())));
            return 0;
        });
        vulnerable.Subcommands.Add(mark);

        var list = new Command("list", "List the marks.");
        var listCommon = AddCommon(list);
        list.SetAction(async (parse, cancellationToken) =>
        {
            using var client = HealthClient.FromOptions(parse.GetValue(listCommon.Url), parse.GetValue(listCommon.Token));
            var json = await client.GetAsync("vulnerable", [], cancellationToken);
            Print(parse.GetValue(listCommon.Format)!, json, o => HealthReport.Marks(o, json));
            return 0;
        });
        vulnerable.Subcommands.Add(list);

        var unmark = new Command("unmark", "Remove a mark by its id.");
        var unmarkCommon = AddCommon(unmark);
        var id = new Argument<Guid>("id") { Description = "The mark's id (see 'list')." };
        unmark.Arguments.Add(id);
        unmark.SetAction(async (parse, cancellationToken) =>
        {
            using var client = HealthClient.FromOptions(parse.GetValue(unmarkCommon.Url), parse.GetValue(unmarkCommon.Token));
            await client.SendAsync(HttpMethod.Delete, "vulnerable/" + parse.GetValue(id).ToString("D"), null, cancellationToken);
            Console.Out.WriteLine("Removed.");
            return 0;
        });
        vulnerable.Subcommands.Add(unmark);
        return vulnerable;
    }

    private static Command Webhook()
    {
        var webhook = new Command("webhook", "Where alerts are delivered (owner role): show, set or clear the webhook URL.");
        var common = AddCommon(webhook);
        var set = new Option<string?>("--set") { Description = "Deliver alerts to this http(s) URL." };
        var clear = new Option<bool>("--clear") { Description = "Stop delivering alerts." };
        webhook.Options.Add(set);
        webhook.Options.Add(clear);
        webhook.SetAction(async (parse, cancellationToken) =>
        {
            using var client = HealthClient.FromOptions(parse.GetValue(common.Url), parse.GetValue(common.Token));
            if (parse.GetValue(clear))
            {
                await client.SendAsync(HttpMethod.Delete, "alerts/webhook", null, cancellationToken);
                Console.Out.WriteLine("Alerts are no longer delivered.");
                return 0;
            }

            var json = parse.GetValue(set) is { } url
                ? await client.SendAsync(HttpMethod.Put, "alerts/webhook", new JsonObject { ["url"] = url }.ToJsonString(), cancellationToken)
                : await client.GetAsync("alerts/webhook", [], cancellationToken);
            Console.Out.WriteLine(json["url"] is { } u ? "Alerts are delivered to " + u.GetValue<string>() : "No webhook is set.");
            if (json["signingSecret"] is { } secret)
            {
                // The collector shows the secret this once; the receiver needs it to verify Candor-Signature.
                Console.Out.WriteLine("Signing secret (shown once; verify the Candor-Signature header with it, docs/security.md): " +
                    secret.GetValue<string>());
            }

            return 0;
        });
        return webhook;
    }

    private static Command Refresh()
    {
        var refresh = new Command("refresh", "Project new events into the analytics tables and run regression detection now.");
        var common = AddCommon(refresh);
        refresh.SetAction(async (parse, cancellationToken) =>
        {
            using var client = HealthClient.FromOptions(parse.GetValue(common.Url), parse.GetValue(common.Token));
            var json = await client.SendAsync(HttpMethod.Post, "refresh", null, cancellationToken);
            Print(parse.GetValue(common.Format)!, json, o => o.WriteLine($"Refreshed: {json["significant"]} significant of {json["tested"]} tests."));
            return 0;
        });
        return refresh;
    }
}

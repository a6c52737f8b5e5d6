using System.Globalization;
using System.Text.Json.Nodes;

namespace Candor.Cli.Health;

/// <summary>Renders the analytics API's answers as text for a terminal (the CLI and the demo print the same).</summary>
internal static class HealthReport
{
    public static void Failures(TextWriter o, JsonNode groups)
    {
        var list = groups.AsArray();
        if (list.Count == 0)
        {
            o.WriteLine("  No failures in the window.");
            return;
        }

        o.WriteLine("  kind     events  devices  first       last        versions (events)                     group");
        foreach (var g in list)
        {
            var versions = string.Join(", ", g!["versions"]!.AsArray().Take(3).Select(v => $"{S(v!["label"])} ({L(v["count"])})"));
            o.WriteLine(Inv($"  {S(g["kind"]),-7} {L(g["events"]),7} {L(g["devices"]),8}  {S(g["firstSeen"]),-10}  {S(g["lastSeen"]),-10}  {versions,-37} {Clip(S(g["title"]), 110)}"));
        }
    }

    public static void Releases(TextWriter o, JsonNode releases, int limit = int.MaxValue)
    {
        o.WriteLine("  product                         version          day         sessions  crash-free sessions  devices  crash-free devices  median session");
        foreach (var r in releases.AsArray().Take(limit))
        {
            var median = r!["medianSessionMinutes"] is { } m ? Inv($"{m.GetValue<double>():F1} min") : "-";
            var day = S(r["day"]) is { Length: > 0 } d ? d : "(window)";
            o.WriteLine(Inv($"  {S(r["product"]),-31} {S(r["version"]),-16} {day,-10}  {L(r["sessions"]),8}  {Pct(r["crashFreeSessions"]),19}  {L(r["devices"]),7}  {Pct(r["crashFreeDevices"]),18}  {median,14}"));
        }
    }

    public static void Performance(TextWriter o, JsonNode rows, int limit = int.MaxValue)
    {
        o.WriteLine("  operation                          product                     version          class          count      p50      p90      p95      p99 (ms)");
        foreach (var r in rows.AsArray().Take(limit))
        {
            o.WriteLine(Inv($"  {Clip(S(r!["operation"]), 34),-34} {Clip(S(r["product"]), 27),-27} {S(r["version"]),-16} {S(r["deviceClass"]),-13} {L(r["count"]),6} {D(r["p50"]),8:F0} {D(r["p90"]),8:F0} {D(r["p95"]),8:F0} {D(r["p99"]),8:F0}"));
        }
    }

    public static void Versions(TextWriter o, JsonNode products, bool details = true)
    {
        foreach (var p in products.AsArray())
        {
            o.WriteLine(Inv($"  {S(p!["product"]),-31} newest {S(p["newest"]),-14} active {L(p["activeDevices"]),6}  on newest {L(p["devicesOnNewest"]),6}  behind {L(p["devicesBehind"]),6}  on vulnerable {L(p["devicesOnVulnerable"]),5}"));
            if (!details)
            {
                continue;
            }

            foreach (var v in p["versions"]!.AsArray())
            {
                var behind = v!["releasesBehind"]!.GetValue<int>();
                o.WriteLine(Inv($"      {S(v["version"]),-16} {L(v["devices"]),6} devices  {Pct(v["share"]),8}  {(behind == 0 ? "newest" : behind + " behind")}{(v["vulnerable"]!.GetValue<bool>() ? "  VULNERABLE" : "")}"));
            }
        }
    }

    public static void Usage(TextWriter o, JsonNode usage)
    {
        foreach (var p in usage["products"]!.AsArray())
        {
            var dau = p!["dailyActiveDevices"]!.AsArray();
            var lastDay = dau.Count == 0 ? "-" : Inv($"{L(dau[^1]!["count"])} on {S(dau[^1]!["label"])}");
            o.WriteLine(Inv($"  {S(p["product"]),-31} daily active {lastDay}, weekly active {L(p["weeklyActiveDevices"])}"));
            o.WriteLine("      top commands: " + Counts(p["topCommands"]!));
            o.WriteLine("      top features: " + Counts(p["topFeatures"]!));
        }

        o.WriteLine("  events per category: " + Counts(usage["volumeByCategory"]!));
    }

    public static void Regressions(TextWriter o, JsonNode findings, bool significantOnly)
    {
        var list = findings.AsArray().Where(f => !significantOnly || f!["significant"]!.GetValue<bool>()).ToList();
        if (list.Count == 0)
        {
            o.WriteLine(significantOnly
                ? Inv($"  No significant regression among {findings.AsArray().Count} tests.")
                : "  Nothing to test: no product has two versions with enough data.");
            return;
        }

        foreach (var f in list)
        {
            o.WriteLine(Inv($"  {(f!["significant"]!.GetValue<bool>() ? "REGRESSION" : "ok        ")} {Describe(f)}  (p={D(f["pValue"]):G3}, q={D(f["qValue"]):G3})"));
        }
    }

    public static string Describe(JsonNode f)
    {
        var kind = S(f["kind"]);
        return kind switch
        {
            "crash_rate" => Inv($"{S(f["product"])} {S(f["version"])} vs {S(f["baselineVersion"])}: crashed sessions {D(f["current"]) * 100:F2}% vs {D(f["baseline"]) * 100:F2}% ({L(f["currentSamples"])} vs {L(f["baselineSamples"])} sessions)"),
            "duration_p95" => Inv($"{S(f["product"])} {S(f["version"])} vs {S(f["baselineVersion"])}: p95 of {S(f["subject"])} {D(f["current"]):F0} ms vs {D(f["baseline"]):F0} ms ({L(f["currentSamples"])} vs {L(f["baselineSamples"])} durations)"),
            _ => Inv($"{S(f["product"])}: {kind.Replace('_', ' ')} of {S(f["subject"])} on {S(f["version"])}: {D(f["current"]):F0} events, {D(f["baseline"]):F1} expected"),
        };
    }

    public static void Alerts(TextWriter o, JsonNode alerts)
    {
        var list = alerts.AsArray();
        if (list.Count == 0)
        {
            o.WriteLine("  No alerts.");
            return;
        }

        foreach (var a in list)
        {
            var state = a!["deliveredAt"] is { } d ? "delivered " + S(d) : L(a["attempts"]) > 0 ? $"not delivered ({L(a["attempts"])} attempts: {S(a["lastError"])})" : "not delivered";
            o.WriteLine(Inv($"  {S(a["createdAt"])}  {S(a["kind"]),-14} {S(a["subject"])}  [{state}]"));
        }
    }

    public static void Marks(TextWriter o, JsonNode marks)
    {
        var list = marks.AsArray();
        if (list.Count == 0)
        {
            o.WriteLine("  No versions are marked vulnerable.");
            return;
        }

        foreach (var m in list)
        {
            o.WriteLine(Inv($"  {S(m!["id"])}  {S(m["product"])} {S(m["minVersion"])} .. {S(m["maxVersion"])}  {S(m["advisory"])}  (marked {S(m["markedAt"])})"));
        }
    }

    private static string Counts(JsonNode counts)
    {
        var list = counts.AsArray();
        return list.Count == 0 ? "-" : string.Join(", ", list.Select(c => Inv($"{S(c!["label"])} {L(c["count"])}")));
    }

    private static string S(JsonNode? node) => node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node?.ToJsonString() ?? "";

    private static long L(JsonNode? node) => node is null ? 0 : node.GetValue<long>();

    private static double D(JsonNode? node) => node is null ? double.NaN : node.GetValue<double>();

    private static string Pct(JsonNode? node) => Inv($"{D(node) * 100:F2}%");

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

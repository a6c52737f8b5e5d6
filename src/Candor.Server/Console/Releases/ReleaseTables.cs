using System.Globalization;
using Candor.Analytics.Health;
using Candor.Analytics.Regressions;
using Candor.Analytics.Versions;
using Candor.Server.Console.Tables;

namespace Candor.Server.Console.Releases;

/// <summary>The tables of the release pages, built from the same query results as <c>/v1/analytics/releases</c>,
/// <c>/versions</c>, <c>/releases/new-failures</c> and <c>/releases/detail</c>; the page and its CSV download both
/// use them.</summary>
internal static class ReleaseTables
{
    /// <summary>Reads what the release list shows: release health per version, the version inventory (adoption) and
    /// the failure groups each version brought, at once.</summary>
    public static async Task<ConsoleTable> ListAsync(HealthQueries queries, HealthWindow window, Func<string, string, string> releaseLink,
        CancellationToken cancellationToken)
    {
        var health = queries.ReleaseHealthAsync(window, false, cancellationToken);
        var inventory = queries.InventoryAsync(window, cancellationToken);
        var news = queries.NewFailureGroupCountsAsync(window, cancellationToken);
        await Task.WhenAll(health, inventory, news);
        return List(await health, await inventory, await news, releaseLink);
    }

    public static ConsoleTable List(IReadOnlyList<ReleaseHealth> health, IReadOnlyList<ProductInventory> inventory,
        IReadOnlyList<ReleaseNewFailures> news, Func<string, string, string> releaseLink)
    {
        var adoption = inventory.SelectMany(p => p.Versions).ToDictionary(v => (v.Product, v.Version));
        var brought = news.ToDictionary(n => (n.Product, n.Version), n => n.NewFailureGroups);
        var rows = health
            .OrderBy(h => h.Product, StringComparer.Ordinal).ThenByDescending(h => h.Version, AppVersionComparer.Instance)
            .Select(h =>
            {
                var adopted = adoption.GetValueOrDefault((h.Product, h.Version));
                return new TableRow(
                [
                    h.Product,
                    new TableCell(h.Version, releaseLink(h.Product, h.Version), "version"),
                    new TableCell(Percent(adopted?.Share ?? 0), Figure: "adoption"),
                    new TableCell(Count(adopted?.Devices ?? 0), Figure: "active-devices"),
                    new TableCell(Count(h.Sessions), Figure: "sessions"),
                    new TableCell(Percent(h.CrashFreeSessions), Figure: "crash-free-sessions"),
                    new TableCell(Percent(h.CrashFreeDevices), Figure: "crash-free-devices"),
                    new TableCell(Count(brought.GetValueOrDefault((h.Product, h.Version))), Figure: "new-failures"),
                ], h.Product + " " + h.Version);
            })
            .ToList();
        return new ConsoleTable("releases", "Releases",
            ["Product", "Version", "Adoption (devices of the last 7 days)", "Devices on it (last 7 days)", "Sessions", "Crash-free sessions",
                "Crash-free devices", "New failure groups"], rows);
    }

    /// <summary>The release and its predecessor day by day.</summary>
    public static ConsoleTable Days(ReleaseDetail detail)
    {
        var previous = detail.Previous?.Days.ToDictionary(d => d.Day, StringComparer.Ordinal);
        var columns = new List<string> { "Day", $"Adoption of {detail.Version}", $"Sessions of {detail.Version}", $"Crash-free sessions of {detail.Version}" };
        if (detail.Predecessor is { } p)
        {
            columns.AddRange([$"Adoption of {p}", $"Sessions of {p}", $"Crash-free sessions of {p}"]);
        }

        var rows = detail.Current.Days.Select(d =>
        {
            var cells = new List<TableCell>
            {
                d.Day, new(Percent(d.Adoption), Figure: "adoption"), new(Count(d.Sessions), Figure: "sessions"),
                new(Percent(d.CrashFreeSessions), Figure: "crash-free-sessions"),
            };
            if (previous is not null)
            {
                var before = previous.GetValueOrDefault(d.Day);
                cells.AddRange([
                    new(Percent(before?.Adoption ?? 0), Figure: "predecessor-adoption"), new(Count(before?.Sessions ?? 0), Figure: "predecessor-sessions"),
                    new(Percent(before?.CrashFreeSessions ?? 1.0), Figure: "predecessor-crash-free-sessions"),
                ]);
            }

            return new TableRow(cells, d.Day);
        }).ToList();
        return new ConsoleTable("release-days", $"{detail.Product} {detail.Version} by day", columns, rows);
    }

    /// <summary>The failure groups first seen in the release.</summary>
    public static ConsoleTable NewFailures(ReleaseDetail detail, Func<NewFailureGroup, string> groupLink) =>
        new("release-new-failures", $"Failure groups first seen in {detail.Version}", ["Group", "Kind", "Events in this version"],
        [
            .. detail.NewFailureGroups.Select(g => new TableRow(
                [new TableCell(g.Title, groupLink(g), "group"), g.Kind, new TableCell(Count(g.Events), Figure: "events")], g.Key)),
        ]);

    /// <summary>A finding in the words of a release manager: what was compared, the two figures, the samples, and whether
    /// the difference is significant (its q-value, false discovery rate adjusted over the whole detection run).</summary>
    public static string Describe(RegressionFinding f)
    {
        var verdict = f.Significant
            ? "significant"
            : f.QValue <= 0.01 ? "a real difference but too small to alert on" : "not significant";
        var q = f.QValue.ToString(f.QValue < 0.001 ? "0.0e0" : "0.###", CultureInfo.InvariantCulture);
        return f.Kind switch
        {
            "crash_rate" => string.Create(CultureInfo.InvariantCulture,
                $"Crashed sessions {Rate(f.Current)} in {f.Version} vs {Rate(f.Baseline)} in {f.BaselineVersion} ({Count(f.CurrentSamples)} vs {Count(f.BaselineSamples)} sessions): {verdict} (q = {q})."),
            "duration_p95" => string.Create(CultureInfo.InvariantCulture,
                $"{f.Subject} takes {f.Current:N0} ms at the 95th percentile in {f.Version} vs {f.Baseline:N0} ms in {f.BaselineVersion} ({Count(f.CurrentSamples)} vs {Count(f.BaselineSamples)} durations): {verdict} (q = {q})."),
            _ => string.Create(CultureInfo.InvariantCulture, $"{f.Subject}: {f.Current:G4} vs {f.Baseline:G4}: {verdict} (q = {q})."),
        };
    }

    private static string Rate(double share) => share.ToString(share < 0.01 ? "P2" : "P1", CultureInfo.InvariantCulture);

    internal static string Percent(double share) => share.ToString("P1", CultureInfo.InvariantCulture);

    internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

using System.Globalization;
using Candor.Analytics.Health;
using Candor.Server.Console.Tables;

namespace Candor.Server.Console.Usage;

/// <summary>The usage tables, from the report of <c>GET /v1/analytics/usage</c> for the same window (the top
/// <see cref="Top"/> commands and features per product).</summary>
internal static class UsageTables
{
    /// <summary>Commands and features listed per product (the API's default is 20; the page shows the first 10).</summary>
    public const int Top = 10;

    public static Task<UsageReport> ReadAsync(HealthQueries queries, HealthWindow window, CancellationToken cancellationToken) =>
        queries.UsageAsync(window, Top, cancellationToken);

    public static ConsoleTable Active(UsageReport report) =>
        new("usage-active", "Active devices per day", ["Product", "Day", "Active devices"],
        [
            .. report.Products.SelectMany(p => p.DailyActiveDevices.Select(d =>
                new TableRow([p.Product, d.Label, new TableCell(Count(d.Count), Figure: "active-devices")], p.Product + " " + d.Label))),
        ]);

    public static ConsoleTable Commands(UsageReport report) =>
        new("usage-commands", "Top commands", ["Product", "Command", "Invocations"],
        [
            .. report.Products.SelectMany(p => p.TopCommands.Select(c =>
                new TableRow([p.Product, new TableCell(c.Label, Figure: "command"), new TableCell(Count(c.Count), Figure: "invocations")], p.Product + " " + c.Label))),
        ]);

    public static ConsoleTable Features(UsageReport report) =>
        new("usage-features", "Top usage events (other than sessions and commands)", ["Product", "Event", "Events"],
        [
            .. report.Products.SelectMany(p => p.TopFeatures.Select(c =>
                new TableRow([p.Product, new TableCell(c.Label, Figure: "event"), new TableCell(Count(c.Count), Figure: "events")], p.Product + " " + c.Label))),
        ]);

    public static ConsoleTable Volume(UsageReport report) =>
        new("usage-volume", "Events per data category", ["Data category", "Events"],
        [
            .. report.VolumeByCategory.Select(c =>
                new TableRow([new TableCell(c.Label, Figure: "category"), new TableCell(Count(c.Count), Figure: "events")], c.Label)),
        ]);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

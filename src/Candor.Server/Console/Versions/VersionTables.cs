using System.Globalization;
using Candor.Analytics.Health;
using Candor.Server.Console.Tables;

namespace Candor.Server.Console.Versions;

/// <summary>The versions tables: the inventory of <c>GET /v1/analytics/versions</c> and the marks of
/// <c>GET /v1/analytics/vulnerable</c>, for the same window.</summary>
internal static class VersionTables
{
    public static ConsoleTable Versions(IReadOnlyList<ProductInventory> inventory) =>
        new("versions", "Versions in use (devices active in the last 7 days, on the version they ran last)",
            ["Product", "Version", "Devices", "Share", "Releases behind the newest", "Vulnerable"],
            [
                .. inventory.SelectMany(p => p.Versions.Select(v => new TableRow(
                [
                    p.Product, new TableCell(v.Version, Figure: "version"), new TableCell(Count(v.Devices), Figure: "devices"),
                    new TableCell(v.Share.ToString("P1", CultureInfo.InvariantCulture), Figure: "share"),
                    new TableCell(v.ReleasesBehind.ToString(CultureInfo.InvariantCulture), Figure: "behind"),
                    new TableCell(v.Vulnerable ? "vulnerable" : "no", Figure: "vulnerable"),
                ], p.Product + " " + v.Version))),
            ]);

    public static ConsoleTable Marks(IReadOnlyList<VulnerableMark> marks) =>
        new("vulnerable-marks", "Versions marked vulnerable", ["Product", "From version", "To version", "Advisory", "Marked at (UTC)", "Marked by"],
        [
            .. marks.Select(m => new TableRow(
            [
                new TableCell(m.Product, Figure: "product"), new TableCell(m.MinVersion, Figure: "min"), new TableCell(m.MaxVersion, Figure: "max"),
                new TableCell(m.Advisory, Figure: "advisory"), m.MarkedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                m.MarkedBy,
            ], m.Id.ToString("D"))),
        ]);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

using System.Globalization;
using Candor.Analytics.Health;
using Candor.Server.Console.Tables;

namespace Candor.Server.Console.Failures;

/// <summary>The failure list's query as its URL states it (tolerant: a bad filter is dropped and named, never a 500) and
/// its table for the CSV download: the same page of <c>GET /v1/analytics/failures</c> the page shows.</summary>
internal static class FailureTables
{
    /// <summary>Groups on one page.</summary>
    public const int PageSize = 25;

    /// <summary>The store query of the URL's filters, sort and page, and what was wrong with them (or null).</summary>
    public static (FailureListQuery Query, int PageNumber, string? Error) Parse(HealthWindow window, string? kind, string? state, string? sort,
        string? version, int? page)
    {
        var errors = new List<string>();
        kind = string.IsNullOrEmpty(kind) ? null : kind;
        if (kind is not (null or "crash" or "feature"))
        {
            errors.Add($"Kind must be crash or feature (got '{kind}').");
            kind = null;
        }

        state = string.IsNullOrEmpty(state) ? null : state;
        if (state is not (null or "open" or "resolved" or "ignored" or "regressed"))
        {
            errors.Add($"State must be open, resolved, ignored or regressed (got '{state}').");
            state = null;
        }

        var order = sort is { Length: > 0 } && Enum.TryParse<FailureSort>(sort, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : FailureSort.Events;
        var number = Math.Clamp(page ?? 1, 1, 1_000_000 / PageSize);
        var shown = window with { Version = string.IsNullOrWhiteSpace(version) ? null : version.Trim() };
        return (new FailureListQuery(shown, kind, state, order, (number - 1) * PageSize, PageSize), number,
            errors.Count == 0 ? null : string.Join(" ", errors));
    }

    public static ConsoleTable Table(FailureGroupPage page) =>
        new("failures", "Failure groups", ["Group", "Kind", "State", "Events", "Devices", "First seen", "Last seen"],
        [
            .. page.Groups.Select(g => new TableRow(
            [
                g.Title, g.Kind, g.State, Count(g.Events), Count(g.Devices), g.FirstSeen, g.LastSeen,
            ], g.Key)),
        ]);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

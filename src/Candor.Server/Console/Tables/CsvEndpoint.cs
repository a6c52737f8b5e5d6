using System.Globalization;
using System.Text;
using Candor.Analytics.Health;
using Candor.Server.Access;
using Candor.Server.Analytics;
using Candor.Server.Console.Failures;
using Candor.Server.Console.Performance;
using Candor.Server.Console.Releases;
using Candor.Server.Console.Shell;
using Candor.Server.Console.Usage;
using Candor.Server.Console.Versions;
using Candor.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Console.Tables;

/// <summary><c>GET /console/csv/{table}</c> with the page's own query string: the rows of one table of a console page as
/// CSV (<see cref="Csv"/>), built by the same table builder from the same query as the page, so the download has the
/// page's rows. It asks for the permission its page asks for (all of them read analytics), through the session cookie.</summary>
internal static class CsvEndpoint
{
    /// <summary>The tables that download, and the builder of each.</summary>
    private static readonly Dictionary<string, Func<AnalyticsService, HealthWindow, IQueryCollection, CancellationToken, Task<ConsoleTable?>>> Builders =
        new(StringComparer.Ordinal)
        {
            ["releases"] = async (s, w, q, ct) => await ReleaseTables.ListAsync(s.Queries, w, static (_, _) => "", ct),
            ["release-days"] = async (s, w, q, ct) => await DetailAsync(s, w, q, ct) is { } d ? ReleaseTables.Days(d) : null,
            ["release-new-failures"] = async (s, w, q, ct) => await DetailAsync(s, w, q, ct) is { } d ? ReleaseTables.NewFailures(d, static _ => "") : null,
            ["performance"] = async (s, w, q, ct) =>
                PerformanceTables.Table(await PerformanceTables.ReadAsync(s.Queries, w, Blank(q["operation"]), ct)),
            ["usage-active"] = async (s, w, q, ct) => UsageTables.Active(await UsageTables.ReadAsync(s.Queries, w, ct)),
            ["usage-commands"] = async (s, w, q, ct) => UsageTables.Commands(await UsageTables.ReadAsync(s.Queries, w, ct)),
            ["usage-features"] = async (s, w, q, ct) => UsageTables.Features(await UsageTables.ReadAsync(s.Queries, w, ct)),
            ["usage-volume"] = async (s, w, q, ct) => UsageTables.Volume(await UsageTables.ReadAsync(s.Queries, w, ct)),
            ["versions"] = async (s, w, q, ct) => VersionTables.Versions(await s.Queries.InventoryAsync(w, ct)),
            ["vulnerable-marks"] = async (s, w, q, ct) => VersionTables.Marks(await s.Queries.VulnerableMarksAsync(w.Tenant, ct)),
            ["failures"] = async (s, w, q, ct) =>
            {
                var page = int.TryParse(q["page"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
                var (query, _, _) = FailureTables.Parse(w, q["kind"], q["state"], q["sort"], q["version"], page);
                return FailureTables.Table(await s.Queries.FailureGroupPageAsync(query, ct));
            },
        };

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/console/csv/{table}", WriteAsync).RequireAuthorization(new ConsolePermissionAttribute(Permission.ReadAnalytics));

    private static async Task WriteAsync(HttpContext context, string table)
    {
        if (!Builders.TryGetValue(table, out var build))
        {
            await Problems.WriteAsync(context, 404, "not_found", $"The console has no table '{table}' to download.");
            return;
        }

        var principal = ((TenantIdentity)context.User.Identity!).Principal;
        var service = context.RequestServices.GetRequiredService<AnalyticsService>();
        var q = context.Request.Query;
        var window = ConsolePage.WindowOf(principal.Tenant.Id, DateOnly.FromDateTime(service.Time.GetUtcNow().UtcDateTime), q["range"], q["from"],
            q["to"], q["product"], out _);
        if (await build(service, window, q, context.RequestAborted) is not { } rows)
        {
            await Problems.WriteAsync(context, 404, "not_found", "The tenant has nothing of that name in its analytics.");
            return;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"candor-{table}-{window.FromText}-{window.ToText}.csv");
        context.Response.ContentType = "text/csv; charset=utf-8; header=present";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(Csv.Write(rows), Encoding.UTF8, context.RequestAborted);
    }

    private static async Task<ReleaseDetail?> DetailAsync(AnalyticsService service, HealthWindow window, IQueryCollection q, CancellationToken ct) =>
        window.Product is { Length: <= 128 } && Blank(q["version"]) is { Length: <= 64 } version
            ? await service.Queries.ReleaseDetailAsync(window with { Version = version }, ct)
            : null;

    private static string? Blank(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrWhiteSpace(value.ToString()) ? null : value.ToString().Trim();
}

using System.Globalization;
using System.Text.Json;
using Candor.Analytics.Failures;
using Candor.Analytics.Health;
using Candor.Server.Access;
using Candor.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Candor.Server.Analytics;

/// <summary>Failure groups (the sorted, paged list, one group's detail, triage) and a release against its predecessor.
/// Triage needs <see cref="Permission.TriageFailures"/> and is audited.</summary>
internal static partial class AnalyticsEndpoints
{
    /// <summary>The longest version a resolution may name.</summary>
    private const int MaxVersionLength = 64;

    private static void MapFailures(RouteGroupBuilder group)
    {
        group.MapGet("/failures", FailureListAsync).RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsFailures")
            .WithSummary("Failure groups of the window, sorted and paged; the total is in the X-Total-Count header.");
        group.MapGet("/failures/group", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            q["kind"].FirstOrDefault() is { } kind && q["key"].FirstOrDefault() is { Length: > 0 } key
                ? await s.Queries.FailureGroupDetailAsync(w, kind, key, s.Triage, c.RequestAborted)
                : null))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsFailureGroup");
        group.MapGet("/failures/triage", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Triage.ListAsync(w.Tenant, c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("ListFailureTriage");
        group.MapPost("/failures/triage", TriageAsync).RequirePermission(Permission.TriageFailures).WithName("TriageFailureGroup")
            .WithSummary("Resolve (optionally in a version), ignore or reopen a failure group.");
    }

    private static async Task FailureListAsync(HttpContext context, Principal principal)
    {
        if (await WindowedAsync(context, principal) is not var (service, window))
        {
            return;
        }

        var q = context.Request.Query;
        var query = new FailureListQuery(window, q["kind"].FirstOrDefault(), q["state"].FirstOrDefault(),
            q["sort"].FirstOrDefault() is { } sort ? Enum.Parse<FailureSort>(sort, ignoreCase: true) : FailureSort.Events,
            q["offset"].FirstOrDefault() is { } offset ? int.Parse(offset, NumberStyles.None, CultureInfo.InvariantCulture) : 0, Limit(q));
        var page = await service.Queries.FailureGroupPageAsync(query, context.RequestAborted);

        // The body stays the list it always was; the total for paging rides in a header.
        context.Response.Headers["X-Total-Count"] = page.Total.ToString(CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(page.Groups, JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task ReleaseDetailAsync(HttpContext context, Principal principal)
    {
        if (await WindowedAsync(context, principal) is not var (service, window))
        {
            return;
        }

        if (window.Product is null || window.Version is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_query", "A release detail needs 'product' and 'version'.");
            return;
        }

        if (await service.Queries.ReleaseDetailAsync(window, context.RequestAborted) is not { } detail)
        {
            await Problems.WriteAsync(context, 404, "not_found", $"The tenant has no release {window.Version} of {window.Product}.");
            return;
        }

        await context.Response.WriteAsJsonAsync(detail, JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task TriageAsync(HttpContext context, Principal principal, [FromServices] AuditLog audit)
    {
        using var body = await ReadJsonAsync(context);
        if (body is null)
        {
            return;
        }

        var kind = Text(body.RootElement, "kind");
        var key = Text(body.RootElement, "key");
        var state = Text(body.RootElement, "state");
        var resolvedIn = Text(body.RootElement, "resolvedIn");
        if (kind is not (FailureKinds.Crash or FailureKinds.Feature) || key is null || key.Length > 512
            || state is not (TriageState.Resolved or TriageState.Ignored or TriageState.Open)
            || (resolvedIn is not null && (state != TriageState.Resolved || resolvedIn.Length > MaxVersionLength)))
        {
            await Problems.WriteAsync(context, 400, "invalid_request",
                "The body must be {\"kind\": \"crash|feature\", \"key\": \"...\", \"state\": \"resolved|ignored|open\"} with an optional " +
                $"\"resolvedIn\": \"version\" (up to {MaxVersionLength} characters) when resolving.");
            return;
        }

        if (await ServiceAsync(context) is not { } service)
        {
            return;
        }

        var before = await service.Triage.GetAsync(principal.Tenant.Id, kind, key, context.RequestAborted);
        var after = await service.Triage.SetAsync(principal.Tenant.Id, kind, key, state, resolvedIn, principal.CredentialId.ToString("D"),
            context.RequestAborted);
        if (after is null)
        {
            await Problems.WriteAsync(context, 404, "not_found", $"The tenant has no {kind} failure group '{key}'.");
            return;
        }

        await audit.RecordAsync(principal, "failure.triaged", kind + " " + key, before, after, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(after, JsonSerializerOptions.Web, context.RequestAborted);
    }
}

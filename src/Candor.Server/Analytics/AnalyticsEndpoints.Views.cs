using System.Text.Json;
using Candor.Server.Access;
using Candor.Server.Console.Views;
using Candor.Server.Http;
using Candor.Storage.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Analytics;

/// <summary>The tenant's saved console views (<c>/v1/analytics/views</c>): listing needs
/// <see cref="Permission.ReadAnalytics"/>, saving and deleting <see cref="Permission.SaveViews"/> (every role; audited
/// <c>view.saved</c> and <c>view.deleted</c>). The rules are the console's (<see cref="SavedViews"/>).</summary>
internal static partial class AnalyticsEndpoints
{
    private static void MapViews(RouteGroupBuilder group)
    {
        group.MapGet("/views", ListViewsAsync).RequirePermission(Permission.ReadAnalytics).WithName("ListSavedViews")
            .WithSummary("The organisation's saved console views, by name.");
        group.MapPost("/views", SaveViewAsync).RequirePermission(Permission.SaveViews).WithName("SaveView")
            .WithSummary("Save a console view: {\"name\": \"...\", \"link\": \"/console/...\"}.");
        group.MapDelete("/views/{viewId:guid}", DeleteViewAsync).RequirePermission(Permission.SaveViews).WithName("DeleteSavedView");
    }

    private static async Task ListViewsAsync(HttpContext context, Principal principal)
    {
        if (await ViewStoreAsync(context) is not { } store)
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(await store.ListAsync(principal.Tenant.Id, context.RequestAborted), JsonSerializerOptions.Web,
            context.RequestAborted);
    }

    private static async Task SaveViewAsync(HttpContext context, Principal principal, [FromServices] AuditLog audit,
        [FromServices] TimeProvider time)
    {
        using var body = await ReadJsonAsync(context);
        if (body is null)
        {
            return;
        }

        var name = SavedViews.AcceptName(Text(body.RootElement, "name"));
        if (name is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_request",
                $"The body must be {{\"name\": \"...\", \"link\": \"/console/...\"}} with a name of 1 to {SavedViews.MaxName} characters.");
            return;
        }

        if (SavedViews.LinkRefusal(Text(body.RootElement, "link")) is { } refusal)
        {
            await Problems.WriteAsync(context, 400, "invalid_link", refusal);
            return;
        }

        if (await ViewStoreAsync(context) is not { } store)
        {
            return;
        }

        var (outcome, view) = await SavedViews.SaveAsync(store, audit, time, principal, name, Text(body.RootElement, "link")!, context.RequestAborted);
        if (outcome != SaveViewOutcome.Saved)
        {
            await Problems.WriteAsync(context, 409, outcome == SaveViewOutcome.LimitReached ? "view_limit_reached" : "view_name_taken",
                SavedViews.Refusal(outcome, name));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        await context.Response.WriteAsJsonAsync(view, JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task DeleteViewAsync(HttpContext context, Guid viewId, Principal principal, [FromServices] AuditLog audit)
    {
        if (await ViewStoreAsync(context) is not { } store)
        {
            return;
        }

        if (!await SavedViews.DeleteAsync(store, audit, principal, viewId, context.RequestAborted))
        {
            await Problems.WriteAsync(context, 404, "not_found", $"The tenant has no saved view {viewId:D}.");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The saved views of this collector's store, or null (with a 503 written) when its store offers none.</summary>
    private static async Task<SavedViewStore?> ViewStoreAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<SavedViewStore>() is { } store)
        {
            return store;
        }

        await Problems.WriteAsync(context, 503, "analytics_unavailable", "This collector's store does not keep saved views.");
        return null;
    }
}

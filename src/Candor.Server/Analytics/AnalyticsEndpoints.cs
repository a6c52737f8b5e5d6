using System.Globalization;
using System.Text.Json;
using Candor.Analytics.Alerts;
using Candor.Analytics.Failures;
using Candor.Analytics.Health;
using Candor.Server.Access;
using Candor.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Analytics;

/// <summary>The health analytics API (<c>/v1/analytics/...</c>, docs/protocol.md): aggregated figures only, never a
/// device id. The group requires the admin token; reading needs <see cref="Permission.ReadAnalytics"/>, marking
/// versions vulnerable <see cref="Permission.ManageVulnerabilities"/> (audited), the alert webhook
/// <see cref="Permission.ManageAlerts"/>.</summary>
internal static partial class AnalyticsEndpoints
{
    private const int MaxBody = 16 * 1024;

    /// <summary>The deepest page a list may be read from.</summary>
    private const int MaxOffset = 1_000_000;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/analytics").RequireAdminToken();
        MapFailures(group);
        MapViews(group);
        group.MapGet("/releases", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Queries.ReleaseHealthAsync(w, q["daily"] == "true", c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsReleases");
        group.MapGet("/releases/detail", ReleaseDetailAsync).RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsReleaseDetail");
        group.MapGet("/releases/new-failures", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Queries.NewFailureGroupCountsAsync(w, c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsReleaseNewFailures");
        group.MapGet("/series", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Queries.ProductSeriesAsync(w, c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsSeries");
        group.MapGet("/performance", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Queries.PerformanceAsync(w, q["operation"].FirstOrDefault(), q["byDeviceClass"] != "false", c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsPerformance");
        group.MapGet("/versions", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Queries.InventoryAsync(w, c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsVersions");
        group.MapGet("/usage", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Queries.UsageAsync(w, Math.Min(Limit(q), 100), c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsUsage");
        group.MapGet("/regressions", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            w.Version is null ? await s.Detector.DetectAsync(w, c.RequestAborted) : await s.Detector.ReleaseFindingsAsync(w, c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsRegressions");
        group.MapGet("/alerts", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Alerts.ListAsync(w.Tenant, Limit(q), c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsAlerts");
        group.MapPost("/refresh", RefreshAsync).RequirePermission(Permission.ReadAnalytics).WithName("AnalyticsRefresh")
            .WithSummary("Project new events into the fact tables now and run regression detection (the collector also does this every minute).");
        group.MapGet("/vulnerable", (HttpContext c, Principal p) => ReadAsync(c, p, async (s, w, q) =>
            await s.Queries.VulnerableMarksAsync(w.Tenant, c.RequestAborted)))
            .RequirePermission(Permission.ReadAnalytics).WithName("ListVulnerableVersions");
        group.MapPost("/vulnerable", MarkVulnerableAsync).RequirePermission(Permission.ManageVulnerabilities).WithName("MarkVulnerableVersions");
        group.MapDelete("/vulnerable/{markId:guid}", UnmarkVulnerableAsync).RequirePermission(Permission.ManageVulnerabilities)
            .WithName("UnmarkVulnerableVersions");
        group.MapGet("/alerts/webhook", GetWebhookAsync).RequirePermission(Permission.ManageAlerts).WithName("GetAlertWebhook");
        group.MapPut("/alerts/webhook", SetWebhookAsync).RequirePermission(Permission.ManageAlerts).WithName("SetAlertWebhook");
        group.MapDelete("/alerts/webhook", DeleteWebhookAsync).RequirePermission(Permission.ManageAlerts).WithName("DeleteAlertWebhook");
    }

    private static async Task ReadAsync<T>(HttpContext context, Principal principal, Func<AnalyticsService, HealthWindow, IQueryCollection, Task<T>> read)
    {
        if (await WindowedAsync(context, principal) is not var (service, window))
        {
            return;
        }

        var result = await read(service, window, context.Request.Query);
        if (result is null)
        {
            await Problems.WriteAsync(context, 404, "not_found", "The tenant has nothing of that name in its analytics.");
            return;
        }

        await context.Response.WriteAsJsonAsync(result, JsonSerializerOptions.Web, context.RequestAborted);
    }

    /// <summary>The analytics service and the query's window, or null with the problem (503, 400) written.</summary>
    private static async Task<(AnalyticsService Service, HealthWindow Window)?> WindowedAsync(HttpContext context, Principal principal)
    {
        if (await ServiceAsync(context) is not { } service)
        {
            return null;
        }

        if (Window(context, principal.Tenant.Id, service.Time) is not { } window)
        {
            await Problems.WriteAsync(context, 400, "invalid_query", WindowError(context, service.Time));
            return null;
        }

        return (service, window);
    }

    /// <summary>The analytics of this collector, or null (with a 503 written) when its store offers none.</summary>
    private static async Task<AnalyticsService?> ServiceAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<AnalyticsService>() is { } service)
        {
            return service;
        }

        await Problems.WriteAsync(context, 503, "analytics_unavailable", "This collector's store does not serve analytics.");
        return null;
    }

    private static HealthWindow? Window(HttpContext context, Guid tenant, TimeProvider time) =>
        WindowError(context, time).Length == 0 ? ParseWindow(context, tenant, time) : null;

    private static string WindowError(HttpContext context, TimeProvider time)
    {
        var q = context.Request.Query;
        var errors = new List<string>();
        foreach (var name in new[] { "from", "to" })
        {
            if (q[name].FirstOrDefault() is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors.Add($"'{name}' must be a day as yyyy-MM-dd (got '{text}').");
            }
        }

        if (q["kind"].FirstOrDefault() is { } kind && kind is not ("crash" or "feature"))
        {
            errors.Add($"'kind' must be crash or feature (got '{kind}').");
        }

        if (q["sort"].FirstOrDefault() is { } sort && !Enum.TryParse<FailureSort>(sort, ignoreCase: true, out _))
        {
            errors.Add($"'sort' must be events, devices or newest (got '{sort}').");
        }

        if (q["state"].FirstOrDefault() is { } state && state is not (TriageState.Open or TriageState.Resolved or TriageState.Ignored or TriageState.Regressed))
        {
            errors.Add($"'state' must be open, resolved, ignored or regressed (got '{state}').");
        }

        if (q["offset"].FirstOrDefault() is { } offset && (!int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var o) || o > MaxOffset))
        {
            errors.Add($"'offset' must be between 0 and {MaxOffset} (got '{offset}').");
        }

        if (q["limit"].FirstOrDefault() is { } limit && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l is < 1 or > 1000))
        {
            errors.Add($"'limit' must be between 1 and 1000 (got '{limit}').");
        }

        if (errors.Count == 0)
        {
            errors.AddRange(ParseWindow(context, Guid.Empty, time).Validate());
        }

        return string.Join(" ", errors);
    }

    private static HealthWindow ParseWindow(HttpContext context, Guid tenant, TimeProvider time)
    {
        var q = context.Request.Query;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var to = q["to"].FirstOrDefault() is { } t ? DateOnly.ParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture) : today;
        var from = q["from"].FirstOrDefault() is { } f ? DateOnly.ParseExact(f, "yyyy-MM-dd", CultureInfo.InvariantCulture) : to.AddDays(-29);
        return new HealthWindow(tenant, from, to, Blank(q["product"].FirstOrDefault()), Blank(q["version"].FirstOrDefault()));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static int Limit(IQueryCollection q) =>
        q["limit"].FirstOrDefault() is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 20;

    private static async Task RefreshAsync(HttpContext context, Principal principal)
    {
        if (await ServiceAsync(context) is not { } service)
        {
            return;
        }

        var findings = await service.RefreshAsync(principal.Tenant.Id, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { significant = findings.Count(f => f.Significant), tested = findings.Count },
            JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task MarkVulnerableAsync(HttpContext context, Principal principal, [FromServices] AuditLog audit)
    {
        using var body = await ReadJsonAsync(context);
        if (body is null)
        {
            return;
        }

        var product = Text(body.RootElement, "product");
        var min = Text(body.RootElement, "minVersion");
        var max = Text(body.RootElement, "maxVersion");
        var advisory = Text(body.RootElement, "advisory");
        if (VulnerableMarks.Refusal(product, min, max, advisory) is { } refusal)
        {
            await Problems.WriteAsync(context, 400, "invalid_request", product is null || min is null || max is null || advisory is null
                ? "The body must be {\"product\": \"...\", \"minVersion\": \"...\", \"maxVersion\": \"...\", \"advisory\": \"...\"} (product up to 128, versions up to 64, advisory up to 512 characters)."
                : refusal);
            return;
        }

        if (await ServiceAsync(context) is not { } service)
        {
            return;
        }

        var mark = await VulnerableMarks.MarkAsync(service, audit, principal, product!, min!, max!, advisory!, context.RequestAborted);
        context.Response.StatusCode = 201;
        await context.Response.WriteAsJsonAsync(mark, JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task UnmarkVulnerableAsync(HttpContext context, Guid markId, Principal principal, [FromServices] AuditLog audit)
    {
        if (await ServiceAsync(context) is not { } service)
        {
            return;
        }

        if (!await VulnerableMarks.UnmarkAsync(service, audit, principal, markId, context.RequestAborted))
        {
            await Problems.WriteAsync(context, 404, "not_found", $"The tenant has no vulnerable-version mark {markId}.");
            return;
        }

        context.Response.StatusCode = 204;
    }

    // The URL is stored in full (delivery needs it) but shown and audited only masked (AlertWebhookSettings).
    private static async Task GetWebhookAsync(HttpContext context, Principal principal)
    {
        if (await ServiceAsync(context) is not { } service)
        {
            return;
        }

        var url = await AlertWebhookSettings.GetMaskedAsync(service, principal, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { url }, JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task SetWebhookAsync(HttpContext context, Principal principal, [FromServices] AuditLog audit)
    {
        using var body = await ReadJsonAsync(context);
        if (body is null)
        {
            return;
        }

        if (Text(body.RootElement, "url") is not { } text || !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            await Problems.WriteAsync(context, 400, "invalid_request", "The body must be {\"url\": \"https://...\"} with an absolute http or https URL.");
            return;
        }

        if (await ServiceAsync(context) is not { } service)
        {
            return;
        }

        var (set, code, error) = await AlertWebhookSettings.SetAsync(service, audit, principal, text, context.RequestAborted);
        if (set is null)
        {
            await Problems.WriteAsync(context, 400, code!, error!);
            return;
        }

        // The signing secret is shown here once; no later read returns it (setting the webhook again makes a new one).
        await context.Response.WriteAsJsonAsync(new { url = set.MaskedUrl, signingSecret = set.SigningSecret, signatureHeader = WebhookSignature.HeaderName },
            JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task DeleteWebhookAsync(HttpContext context, Principal principal, [FromServices] AuditLog audit)
    {
        if (await ServiceAsync(context) is not { } service)
        {
            return;
        }

        await AlertWebhookSettings.RemoveAsync(service, audit, principal, context.RequestAborted);
        context.Response.StatusCode = 204;
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > MaxBody)
        {
            await Problems.WriteAsync(context, 413, "body_too_large", $"The body may be at most {MaxBody} bytes.");
            return null;
        }

        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            if (buffer.Length > MaxBody)
            {
                await Problems.WriteAsync(context, 413, "body_too_large", $"The body may be at most {MaxBody} bytes.");
                return null;
            }

            var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                await Problems.WriteAsync(context, 400, "invalid_json", "The body must be a JSON object.");
                return null;
            }

            return document;
        }
        catch (JsonException ex)
        {
            await Problems.WriteAsync(context, 400, "invalid_json", $"The body is not JSON: {ex.Message}");
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s.Trim() : null;
}

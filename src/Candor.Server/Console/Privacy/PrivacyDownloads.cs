using Candor.Server.Access;
using Candor.Server.Admin;
using Candor.Server.Console.Shell;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Candor.Server.Console.Privacy;

/// <summary>The privacy dashboard's downloads: one device's events (JSON lines) and everything of the organisation
/// (JSON lines or Parquet). They are the API's own exports (<c>GET /v1/admin/devices/{id}/events</c> and
/// <c>GET /v1/admin/export</c>: same code, same permission <see cref="Permission.ReadDeviceData"/>, same audit
/// records), answered to the console's session cookie and named as a file.</summary>
internal static class PrivacyDownloads
{
    public static void Map(WebApplication app)
    {
        // Console pages, not API: left out of the OpenAPI description.
        app.MapGet("/console/privacy/devices/{deviceId}/events", DeviceAsync)
            .RequireAuthorization(new ConsolePermissionAttribute(Permission.ReadDeviceData)).ExcludeFromDescription();
        app.MapGet("/console/privacy/export", AdminEndpoints.ExportTenantAsync)
            .RequireAuthorization(new ConsolePermissionAttribute(Permission.ReadDeviceData)).ExcludeFromDescription();
    }

    private static Task DeviceAsync(HttpContext context, string deviceId, Principal principal, [FromServices] ICandorStore store,
        [FromServices] AuditLog audit)
    {
        if (Guid.TryParse(deviceId, out var device))
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"candor-device-{device:D}.jsonl\"";
        }

        return AdminEndpoints.ExportDeviceAsync(context, deviceId, principal, store, audit);
    }
}

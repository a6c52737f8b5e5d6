using System.Text.Json;
using Candor.Server.Access;
using Candor.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Candor.Server.Admin;

/// <summary>The administrator's privacy controls under <c>/v1/admin/</c> (issue 5): per-device export, viewer and
/// erasure (<c>AdminEndpoints.Devices.cs</c>), bulk deletion, the tenant-wide export, offboarding and the audit log
/// (<c>AdminEndpoints.Tenant.cs</c>), the data inventory (<see cref="AdminInventory"/>), and the owner's own keys and
/// tokens (<c>AdminEndpoints.Credentials.cs</c>). The group requires the
/// admin token and each endpoint names its <see cref="Permission"/>; every endpoint acts on the token's own tenant
/// only, and every action that reads per-device data or deletes anything is audited.</summary>
internal static partial class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").RequireAdminToken();
        admin.MapGet("/devices/{deviceId}/events", ExportDeviceAsync)
            .RequirePermission(Permission.ReadDeviceData)
            .WithName("ExportDeviceEvents")
            .WithSummary("Everything stored for one device as JSON lines, streamed; ?category=&level=&from=&to=&limit=&offset= narrow it for viewing. Audited.")
            .Produces(StatusCodes.Status200OK, contentType: EventExport.JsonLines)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/devices/{deviceId}/viewer", ViewDeviceAsync)
            .RequirePermission(Permission.ReadDeviceData)
            .WithName("ViewDeviceEvents")
            .WithSummary("One device's stored events with the catalog's description of each event and field. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapDelete("/devices/{deviceId}", DeleteDeviceAsync)
            .RequirePermission(Permission.DeleteData)
            .WithName("DeleteDevice")
            .WithSummary("Delete everything stored for one device, from every table; idempotent; answers a receipt. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPost("/deletions", BulkDeleteAsync)
            .RequirePermission(Permission.DeleteData)
            .WithName("BulkDelete")
            .WithSummary("Delete the tenant's events of a product and/or a time range: {\"product\":..., \"from\":..., \"to\":...}. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/export", ExportTenantAsync)
            .RequirePermission(Permission.ReadDeviceData)
            .WithName("ExportTenant")
            .WithSummary("Every event of the tenant, ?format=jsonl (default) or parquet, streamed. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapDelete("/tenant", OffboardAsync)
            .RequirePermission(Permission.OffboardTenant)
            .WithName("OffboardTenant")
            .WithSummary("Delete the tenant and everything it owns (owner only; ?confirm=<tenant id>). The audit log is kept.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/audit", ReadAuditAsync)
            .RequirePermission(Permission.ReadAudit)
            .WithName("ReadAudit")
            .WithSummary("The tenant's append-only audit log, oldest first; ?since=&limit=.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/inventory", AdminInventory.WriteAsync)
            .RequirePermission(Permission.ReadInventory)
            .WithName("ReadInventory")
            .WithSummary("What the tenant has stored per product and category, the fields and their classifications, and the retention.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/catalog", CatalogAsync)
            .RequirePermission(Permission.ReadAnalytics)
            .WithName("ReadCatalog")
            .WithSummary("The compiled catalog of the tenant's family (every role; no tenant data); ETag and If-None-Match.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/credentials", ListCredentialsAsync)
            .RequirePermission(Permission.ManageCredentials)
            .WithName("ListOwnCredentials")
            .WithSummary("The tenant's ingestion keys and admin tokens (owner only), never their secrets.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPost("/credentials", IssueCredentialAsync)
            .RequirePermission(Permission.ManageCredentials)
            .WithName("IssueOwnCredential")
            .WithSummary("Issue an ingestion key or an admin token of the tenant (owner only); the secret is in this answer only. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapDelete("/credentials/{credentialId:guid}", RevokeCredentialAsync)
            .RequirePermission(Permission.ManageCredentials)
            .WithName("RevokeOwnCredential")
            .WithSummary("Revoke one of the tenant's keys or tokens from now on (owner only). Audited.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Guid?> DeviceIdAsync(HttpContext context, string text)
    {
        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        await Problems.WriteAsync(context, 400, "invalid_device_id", $"'{text}' is not a device id (a UUID).");
        return null;
    }

    /// <summary>A stored JSON text as a node; a text that is not JSON as a string value.</summary>
    private static System.Text.Json.Nodes.JsonNode? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return System.Text.Json.Nodes.JsonValue.Create(json);
        }
    }
}

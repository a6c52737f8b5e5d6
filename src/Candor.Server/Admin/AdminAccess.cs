using Candor.Server.Http;
using Candor.Server.Tenants;
using Candor.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Admin;

/// <summary>What an admin token may be used for. Each endpoint under <c>/v1/admin/</c> and <c>/v1/analytics/</c>
/// names exactly one permission, so the role table below is the whole access policy.</summary>
internal enum AdminPermission
{
    ReadPolicy,
    ChangePolicy,
    ReadDeviceData,
    DeleteData,
    ReadAudit,
    ReadInventory,
    ReadAnalytics,
    ManageVulnerabilities,
    ManageAlerts,
    OffboardTenant,
}

/// <summary>Roles of admin tokens (issue 5): <c>owner</c> may do everything; <c>privacy_officer</c> governs the
/// data (policy, export, delete, audit, inventory) and reads aggregates; <c>analyst</c> reads aggregated analytics
/// only and never per-device data.</summary>
internal static class AdminAccess
{
    public const string Owner = "owner";
    public const string PrivacyOfficer = "privacy_officer";
    public const string Analyst = "analyst";

    public static bool Allows(string role, AdminPermission permission) => role switch
    {
        Owner => true,
        PrivacyOfficer => permission is AdminPermission.ReadPolicy or AdminPermission.ChangePolicy
            or AdminPermission.ReadDeviceData or AdminPermission.DeleteData or AdminPermission.ReadAudit
            or AdminPermission.ReadInventory or AdminPermission.ReadAnalytics,
        Analyst => permission is AdminPermission.ReadAnalytics,
        _ => false,
    };

    /// <summary>Resolves the admin token of the request and checks its role. On failure the response (401 or 403
    /// problem details) is already written and <c>null</c> is returned; the caller just returns. The first request
    /// a token is let through on this collector is audited as <c>admin.signed_in</c>.</summary>
    public static async Task<Principal?> AuthorizeAsync(HttpContext context, AdminPermission permission)
    {
        var c = context.RequestServices.GetRequiredService<Collector>();
        var principal = await c.Credentials.ResolveAsync(context.Request, CredentialKind.Admin, context.RequestAborted)
            .ConfigureAwait(false);
        if (principal is null)
        {
            await Problems.WriteAsync(context, 401, "unauthorized",
                "A valid admin token is required: Authorization: Bearer <admin token>.").ConfigureAwait(false);
            return null;
        }

        if (!Allows(principal.Role, permission))
        {
            await Problems.WriteAsync(context, 403, "forbidden",
                $"The role '{principal.Role}' may not {Describe(permission)}.").ConfigureAwait(false);
            return null;
        }

        await AdminAudit.SignInAsync(c, principal, context.RequestAborted).ConfigureAwait(false);
        return principal;
    }

    private static string Describe(AdminPermission permission) => permission switch
    {
        AdminPermission.ReadPolicy => "read the policy",
        AdminPermission.ChangePolicy => "change the policy",
        AdminPermission.ReadDeviceData => "read per-device data",
        AdminPermission.DeleteData => "delete data",
        AdminPermission.ReadAudit => "read the audit log",
        AdminPermission.ReadInventory => "read the data inventory",
        AdminPermission.ReadAnalytics => "read analytics",
        AdminPermission.ManageVulnerabilities => "mark versions vulnerable",
        AdminPermission.ManageAlerts => "configure alerts",
        AdminPermission.OffboardTenant => "offboard the tenant",
        _ => "do this",
    };
}

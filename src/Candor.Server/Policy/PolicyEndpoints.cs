using Candor.Server.Access;
using Candor.Server.Http;
using Candor.Server.TenantPolicies;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Candor.Server.Policy;

/// <summary><c>GET /v1/policy</c> for the SDK (ingestion key), and <c>GET/PUT /v1/admin/policy</c> for the
/// organisation's administrators (admin token, scoped to their tenant; changes are audited).</summary>
internal static class PolicyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/policy", GetForSdkAsync)
            .WithName("GetPolicy")
            .WithSummary("The tenant's current policy, with an ETag; If-None-Match gets 304.")
            .Produces<PolicyDocument>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        var admin = app.MapGroup("/v1/admin/policy").RequireAdminToken();
        admin.MapGet("", GetForAdminAsync)
            .RequirePermission(Permission.ReadPolicy)
            .WithName("GetAdminPolicy")
            .WithSummary("The organisation's policy (admin token).")
            .Produces<PolicyDocument>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        admin.MapPut("", PutAsync)
            .RequirePermission(Permission.ChangePolicy)
            .WithName("PutAdminPolicy")
            .WithSummary("Change the organisation's policy (owner or privacy officer; audited). If-Match guards against lost updates.")
            .Accepts<PolicyDocument>("application/json")
            .Produces<PolicyDocument>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    // The SDK's poll stays on the ingestion path's own check: one cached credential lookup, no authentication scheme.
    private static async Task GetForSdkAsync(HttpContext context, [FromServices] CredentialResolver credentials, [FromServices] PolicyService policies)
    {
        var principal = await credentials.ResolveAsync(context.Request, CredentialKind.Ingestion, context.RequestAborted);
        if (principal is null)
        {
            await Problems.WriteAsync(context, 401, "unauthorized", "A valid ingestion key is required: Authorization: Bearer <ingestion key>.");
            return;
        }

        await WritePolicyAsync(context, await policies.GetAsync(principal.Tenant, context.RequestAborted));
    }

    private static async Task GetForAdminAsync(HttpContext context, Principal principal, [FromServices] PolicyService policies) =>
        await WritePolicyAsync(context, await policies.GetAsync(principal.Tenant, context.RequestAborted));

    private static async Task PutAsync(HttpContext context, Principal principal, [FromServices] PolicyService policies,
        [FromServices] ICandorStore store, [FromServices] AuditLog audit, [FromServices] TimeProvider time)
    {
        var ct = context.RequestAborted;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > 64 * 1024)
        {
            await Problems.WriteAsync(context, 413, "body_too_large", "A policy is at most 64 KB.");
            return;
        }

        var tenant = principal.Tenant;
        var errors = new List<string>();
        var policy = PolicyService.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length),
            policies.FamilyLevels(tenant.Family), policies.FamilyMaxRetentionDays(tenant.Family), errors);
        if (policy is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_policy", string.Join(" ", errors),
                extensions: new Dictionary<string, object?> { ["errors"] = errors.ToArray() });
            return;
        }

        var result = await PolicyChanges.SaveAsync(principal, policy, context.Request.Headers.IfMatch.ToString(), policies, store, audit, time, ct);
        switch (result.Outcome)
        {
            case PolicySaveOutcome.Stale:
                await Problems.WriteAsync(context, 412, "policy_changed", "The policy changed since it was read; read it again.");
                return;
            case PolicySaveOutcome.Conflict:
                await Problems.WriteAsync(context, 409, "policy_changed", "Another change to the policy came first; read it again.");
                return;
        }

        await WritePolicyAsync(context, result.Current);
    }

    private static async Task WritePolicyAsync(HttpContext context, EffectivePolicy policy)
    {
        var response = context.Response;
        response.Headers.ETag = policy.ETag;
        response.Headers.CacheControl = "no-cache";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch;
        foreach (var tag in ifNoneMatch)
        {
            if (tag is not null && (tag == "*" || tag.Split(',').Any(t => t.Trim() == policy.ETag)))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
        }

        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(policy.Json, context.RequestAborted);
    }
}

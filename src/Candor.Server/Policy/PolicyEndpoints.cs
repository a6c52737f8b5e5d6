using Candor.Server.Admin;
using Candor.Server.Http;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Policy;

/// <summary><c>GET /v1/policy</c> for the SDK (ingestion key), and <c>GET/PUT /v1/admin/policy</c> for the
/// organisation's administrators (admin token, scoped to their tenant; changes are audited).</summary>
internal static class PolicyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/policy", new Func<HttpContext, Task>(GetForSdkAsync))
            .WithName("GetPolicy")
            .WithSummary("The tenant's current policy, with an ETag; If-None-Match gets 304.")
            .Produces<PolicyDocument>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapGet("/v1/admin/policy", new Func<HttpContext, Task>(GetForAdminAsync))
            .WithName("GetAdminPolicy")
            .WithSummary("The organisation's policy (admin token).")
            .Produces<PolicyDocument>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapPut("/v1/admin/policy", new Func<HttpContext, Task>(PutAsync))
            .WithName("PutAdminPolicy")
            .WithSummary("Change the organisation's policy (owner or privacy officer; audited). If-Match guards against lost updates.")
            .Accepts<PolicyDocument>("application/json")
            .Produces<PolicyDocument>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static Task GetForSdkAsync(HttpContext context) => GetAsync(context, CredentialKind.Ingestion);

    private static async Task GetForAdminAsync(HttpContext context)
    {
        var principal = await AdminAccess.AuthorizeAsync(context, AdminPermission.ReadPolicy);
        if (principal is not null)
        {
            var c = context.RequestServices.GetRequiredService<Collector>();
            await WritePolicyAsync(context, await c.Policies.GetAsync(principal.Tenant, context.RequestAborted));
        }
    }

    private static async Task GetAsync(HttpContext context, CredentialKind kind)
    {
        var c = context.RequestServices.GetRequiredService<Collector>();
        var principal = await c.Credentials.ResolveAsync(context.Request, kind, context.RequestAborted);
        if (principal is null)
        {
            await Unauthorized(context, kind);
            return;
        }

        var policy = await c.Policies.GetAsync(principal.Tenant, context.RequestAborted);
        await WritePolicyAsync(context, policy);
    }

    private static async Task PutAsync(HttpContext context)
    {
        var c = context.RequestServices.GetRequiredService<Collector>();
        var ct = context.RequestAborted;
        var principal = await AdminAccess.AuthorizeAsync(context, AdminPermission.ChangePolicy);
        if (principal is null)
        {
            return;
        }

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
            c.Policies.FamilyLevels(tenant.Family), c.Policies.FamilyMaxRetentionDays(tenant.Family), errors);
        if (policy is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_policy", string.Join(" ", errors),
                extensions: new Dictionary<string, object?> { ["errors"] = errors.ToArray() });
            return;
        }

        c.Policies.Invalidate(tenant.Id);
        var current = await c.Policies.GetAsync(tenant, ct);
        var ifMatch = context.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && ifMatch != "*" && ifMatch != current.ETag)
        {
            await Problems.WriteAsync(context, 412, "policy_changed", "The policy changed since it was read; read it again.");
            return;
        }

        var record = new PolicyRecord(tenant.Id, current.Version + 1, policy, c.Time.GetUtcNow());
        if (!await c.Store.SavePolicyAsync(record, current.Version, ct))
        {
            await Problems.WriteAsync(context, 409, "policy_changed", "Another change to the policy came first; read it again.");
            return;
        }

        await c.Store.AppendAuditAsync(new AuditRecord(Guid.NewGuid(), tenant.Id, c.Time.GetUtcNow(), principal.CredentialId.ToString(),
            principal.Role, "policy.changed", "policy", JsonText(current.Json), JsonText(PolicyService.ToJson(policy))), ct);
        c.Policies.Invalidate(tenant.Id);
        await WritePolicyAsync(context, await c.Policies.GetAsync(tenant, ct));
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

    private static Task Unauthorized(HttpContext context, CredentialKind kind) =>
        Problems.WriteAsync(context, 401, "unauthorized", kind == CredentialKind.Ingestion
            ? "A valid ingestion key is required: Authorization: Bearer <ingestion key>."
            : "A valid admin token is required: Authorization: Bearer <admin token>.");

    private static string JsonText(byte[] json) => System.Text.Encoding.UTF8.GetString(json);
}

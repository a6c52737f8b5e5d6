using System.Text.Json;
using Candor.Server.Access;
using Candor.Server.Http;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Candor.Server.Tenants;

/// <summary>The operator endpoints (<c>/v1/operator/...</c>, <c>Authorization: Bearer &lt;operator token&gt;</c>):
/// create tenants and issue, rotate and revoke their credentials on a running collector. The group requires the
/// operator token (<see cref="AccessSchemes.OperatorToken"/>), so the endpoints are disabled (401) unless one is
/// configured.</summary>
internal static class OperatorEndpoints
{
    private const int MaxBody = 16 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/operator").RequireOperatorToken();
        group.MapPost("/tenants", CreateTenantAsync)
            .WithName("CreateTenant").WithSummary("Create a tenant; answers its id, ingestion key and admin token (shown once).")
            .Accepts<CreateTenantRequest>("application/json").Produces<TenantCredentials>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/tenants", ListTenantsAsync)
            .WithName("ListTenants").Produces<TenantDocument[]>().ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/tenants/{tenantId:guid}/credentials", ListCredentialsAsync)
            .WithName("ListCredentials").Produces<CredentialDocument[]>().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/tenants/{tenantId:guid}/credentials", IssueAsync)
            .WithName("IssueCredential").WithSummary("Issue an ingestion key or admin token; revokeOthers rotates.")
            .Accepts<IssueCredentialRequest>("application/json").Produces<IssuedCredentialDocument>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/tenants/{tenantId:guid}/credentials/{credentialId:guid}", RevokeAsync)
            .WithName("RevokeCredential").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task CreateTenantAsync(HttpContext context, [FromServices] TenantService tenants)
    {
        using var body = await ReadJsonAsync(context);
        if (body is null)
        {
            return;
        }

        var name = String(body.RootElement, "name");
        var family = String(body.RootElement, "family");
        if (name is null || family is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_request", "The body must be {\"name\": \"...\", \"family\": \"...\"}.");
            return;
        }

        try
        {
            var created = await tenants.CreateAsync(name, family, "operator", context.RequestAborted);
            context.Response.StatusCode = 201;
            await context.Response.WriteAsJsonAsync(new
            {
                tenantId = created.TenantId,
                ingestionKey = created.IngestionKey,
                adminToken = created.AdminToken,
            }, context.RequestAborted);
        }
        catch (ArgumentException ex)
        {
            await Problems.WriteAsync(context, 400, "invalid_request", ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            await Problems.WriteAsync(context, 409, "tenant_exists", ex.Message);
        }
    }

    private static async Task ListTenantsAsync(HttpContext context, [FromServices] ICandorStore store)
    {
        var tenants = await store.ListTenantsAsync(context.RequestAborted);
        await context.Response.WriteAsJsonAsync(tenants.Select(t => new { id = t.Id, name = t.Name, family = t.Family, createdAt = t.CreatedAt }),
            context.RequestAborted);
    }

    private static async Task ListCredentialsAsync(HttpContext context, Guid tenantId, [FromServices] ICandorStore store)
    {
        if (!await TenantExists(context, store, tenantId))
        {
            return;
        }

        var credentials = await store.ListCredentialsAsync(tenantId, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(credentials.Select(x => new
        {
            id = x.Id,
            kind = TenantService.KindName(x.Kind),
            role = x.Role,
            createdAt = x.CreatedAt,
            revokedAt = x.RevokedAt,
        }), context.RequestAborted);
    }

    private static async Task IssueAsync(HttpContext context, Guid tenantId, [FromServices] ICandorStore store, [FromServices] TenantService tenants)
    {
        if (!await TenantExists(context, store, tenantId))
        {
            return;
        }

        using var body = await ReadJsonAsync(context);
        if (body is null)
        {
            return;
        }

        var kindText = String(body.RootElement, "kind");
        CredentialKind kind;
        switch (kindText)
        {
            case "ingestion": kind = CredentialKind.Ingestion; break;
            case "admin": kind = CredentialKind.Admin; break;
            default:
                await Problems.WriteAsync(context, 400, "invalid_request", "kind must be \"ingestion\" or \"admin\".");
                return;
        }

        var role = String(body.RootElement, "role") ?? (kind == CredentialKind.Admin ? Roles.Owner : "ingest");
        var revokeOthers = body.RootElement.TryGetProperty("revokeOthers", out var r) && r.ValueKind == JsonValueKind.True;
        try
        {
            var issued = await tenants.IssueAsync(tenantId, kind, role, "operator", context.RequestAborted, revokeOthers);
            context.Response.StatusCode = 201;
            await context.Response.WriteAsJsonAsync(new { id = issued.Id, kind = kindText, role = issued.Role, secret = issued.Secret },
                context.RequestAborted);
        }
        catch (ArgumentException ex)
        {
            await Problems.WriteAsync(context, 400, "invalid_request", ex.Message);
        }
    }

    private static async Task RevokeAsync(HttpContext context, Guid tenantId, Guid credentialId, [FromServices] TenantService tenants)
    {
        if (!await tenants.RevokeAsync(tenantId, credentialId, "operator", context.RequestAborted))
        {
            await Problems.WriteAsync(context, 404, "not_found", "The tenant has no such credential.");
            return;
        }

        context.Response.StatusCode = 204;
    }

    private static async Task<bool> TenantExists(HttpContext context, ICandorStore store, Guid tenantId)
    {
        if (await store.GetTenantAsync(tenantId, context.RequestAborted) is not null)
        {
            return true;
        }

        await Problems.WriteAsync(context, 404, "not_found", "No such tenant.");
        return false;
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        var read = new byte[4096];
        int n;
        while ((n = await context.Request.Body.ReadAsync(read, context.RequestAborted)) > 0)
        {
            buffer.Write(read, 0, n);
            if (buffer.Length > MaxBody)
            {
                await Problems.WriteAsync(context, 413, "body_too_large", "The request body is too large.");
                return null;
            }
        }

        try
        {
            var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        await Problems.WriteAsync(context, 400, "invalid_json", "The body must be a JSON object.");
        return null;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

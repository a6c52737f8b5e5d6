using System.Text;
using System.Text.Json;
using Candor.Core.Catalog;
using Candor.Server.Access;
using Candor.Server.Catalogs;
using Candor.Server.Http;
using Candor.Server.Tenants;
using Candor.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Candor.Server.Admin;

// The tenant's own keys and tokens, for its owner: the same TenantService as the operator endpoints, scoped to the
// token's tenant and audited under the owner's credential (the console's settings page calls the same service).
internal static partial class AdminEndpoints
{
    private static async Task ListCredentialsAsync(HttpContext context, Principal principal, [FromServices] ICandorStore store)
    {
        if (AdminQuery.Unknown(context.Request.Query) is { } unknown)
        {
            await Problems.WriteAsync(context, 400, "invalid_query", unknown);
            return;
        }

        var credentials = await store.ListCredentialsAsync(principal.Tenant.Id, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(credentials.Select(x => new
        {
            id = x.Id,
            kind = TenantService.KindName(x.Kind),
            role = x.Role,
            createdAt = x.CreatedAt,
            revokedAt = x.RevokedAt,
        }), JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task IssueCredentialAsync(HttpContext context, Principal principal, [FromServices] TenantService tenants)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        string? kind = null, role = null;
        try
        {
            using var body = buffer.Length <= 16 * 1024 ? JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 4 }) : null;
            if (body?.RootElement is { ValueKind: JsonValueKind.Object } root)
            {
                kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                role = root.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            }
        }
        catch (JsonException)
        {
        }

        var (credentialKind, credentialRole, error) = CredentialRequest(kind, role);
        if (error is not null)
        {
            await Problems.WriteAsync(context, 400, "invalid_request", error);
            return;
        }

        var issued = await IssueForOwnerAsync(tenants, principal, credentialKind, credentialRole, context.RequestAborted);
        context.Response.StatusCode = 201;
        await context.Response.WriteAsJsonAsync(new { id = issued.Id, kind = TenantService.KindName(issued.Kind), role = issued.Role, secret = issued.Secret },
            JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static async Task RevokeCredentialAsync(HttpContext context, Guid credentialId, Principal principal, [FromServices] TenantService tenants)
    {
        if (!await RevokeForOwnerAsync(tenants, principal, credentialId, context.RequestAborted))
        {
            await Problems.WriteAsync(context, 404, "not_found", "Your organisation has no such credential.");
            return;
        }

        context.Response.StatusCode = 204;
    }

    /// <summary><c>GET /v1/admin/catalog</c>: the compiled catalog of the token's family, as the console's catalog
    /// browser reads it (the same for every tenant of the family: no tenant data, so every role may read it); the ETag is
    /// the catalog's content hash, so If-None-Match gets 304 until the collector loads another catalog.</summary>
    private static async Task CatalogAsync(HttpContext context, Principal principal, [FromServices] CatalogRegistry catalogs)
    {
        if (AdminQuery.Unknown(context.Request.Query) is { } unknown)
        {
            await Problems.WriteAsync(context, 400, "invalid_query", unknown);
            return;
        }

        if (!catalogs.TryGet(principal.Tenant.Family, out var index))
        {
            await Problems.WriteAsync(context, 404, "not_found", $"This collector has no catalog of the family '{principal.Tenant.Family}'.");
            return;
        }

        var etag = "\"" + index.Catalog.ContentHash + "\"";
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch.Any(t => t is not null && t.Split(',').Any(x => x.Trim() == etag)))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(CompiledCatalogJson.Serialize(index.Catalog)), context.RequestAborted);
    }

    /// <summary>What an owner asked to issue: <c>ingestion</c>, or <c>admin</c> with one of <see cref="Roles.All"/>
    /// (an admin token without a role is an owner's, as the operator API has it); an error text otherwise.</summary>
    internal static (CredentialKind Kind, string Role, string? Error) CredentialRequest(string? kind, string? role) => kind switch
    {
        "ingestion" when role is null or "" or "ingest" => (CredentialKind.Ingestion, "ingest", null),
        "ingestion" => (CredentialKind.Ingestion, "", "An ingestion key has no role."),
        "admin" when string.IsNullOrEmpty(role) => (CredentialKind.Admin, Roles.Owner, null),
        "admin" when Roles.All.Contains(role ?? "") => (CredentialKind.Admin, role!, null),
        "admin" => (CredentialKind.Admin, "", $"role must be one of: {string.Join(", ", Roles.All)}."),
        _ => (CredentialKind.Admin, "", "The body must be {\"kind\": \"ingestion\"|\"admin\", \"role\"?: \"owner\"|\"privacy_officer\"|\"analyst\"}."),
    };

    /// <summary>Issues a credential of the principal's own tenant, audited under the principal.</summary>
    internal static Task<IssuedCredential> IssueForOwnerAsync(TenantService tenants, Principal principal, CredentialKind kind, string role,
        CancellationToken ct) =>
        tenants.IssueAsync(principal.Tenant.Id, kind, role, principal.CredentialId.ToString("D"), ct, revokeOthers: false, actorRole: principal.Role);

    /// <summary>Revokes a credential of the principal's own tenant (never another's), audited under the principal.</summary>
    internal static Task<bool> RevokeForOwnerAsync(TenantService tenants, Principal principal, Guid credentialId, CancellationToken ct) =>
        tenants.RevokeAsync(principal.Tenant.Id, credentialId, principal.CredentialId.ToString("D"), ct, principal.Role);
}

using System.Text.Json;
using Candor.Server.Access;
using Candor.Storage;

namespace Candor.Server.Tenants;

/// <summary>A credential just issued: its id and its secret (shown once).</summary>
internal sealed record IssuedCredential(Guid Id, CredentialKind Kind, string Role, string Secret);

/// <summary>Creates tenants and issues, rotates and revokes their credentials; every change is audited. Used by
/// the operator endpoints and by <c>candor tenant</c> on a data folder. Thread-safe.</summary>
internal sealed class TenantService(ITenantStore store, TimeProvider time, Func<string, bool> isKnownFamily, CredentialResolver? resolver = null)
{
    /// <summary>Creates a tenant with one ingestion key and one owner token. Throws <see cref="ArgumentException"/>
    /// for a bad name or unknown family, <see cref="InvalidOperationException"/> when the name is taken.</summary>
    public async Task<TenantCredentials> CreateAsync(string name, string family, string actor, CancellationToken ct)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            throw new ArgumentException("The tenant name must be 1 to 100 printable characters.", nameof(name));
        }

        if (!isKnownFamily(family))
        {
            throw new ArgumentException($"Family '{family}' has no catalog on this collector.", nameof(family));
        }

        foreach (var existing in await store.ListTenantsAsync(ct).ConfigureAwait(false))
        {
            if (string.Equals(existing.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"A tenant named '{existing.Name}' already exists.");
            }
        }

        var now = time.GetUtcNow();
        var tenant = new TenantRecord(Guid.NewGuid(), name, family, now);
        await store.CreateTenantAsync(tenant, ct).ConfigureAwait(false);
        var key = await IssueAsync(tenant.Id, CredentialKind.Ingestion, "ingest", actor, ct).ConfigureAwait(false);
        var admin = await IssueAsync(tenant.Id, CredentialKind.Admin, Roles.Owner, actor, ct).ConfigureAwait(false);
        await AuditAsync(tenant.Id, actor, OperatorRole, "tenant.created", tenant.Id.ToString(), JsonSerializer.Serialize(new { name, family }), ct)
            .ConfigureAwait(false);
        return new TenantCredentials(tenant.Id, key.Secret, admin.Secret);
    }

    /// <summary>Issues a new credential; with <paramref name="revokeOthers"/> the tenant's other credentials of
    /// the same kind are revoked (rotation). The audit record names <paramref name="actor"/> with
    /// <paramref name="actorRole"/> (<c>operator</c> for the operator API and the CLI; the owner's credential id and
    /// role when an owner issues one through <c>/v1/admin/credentials</c> or the console). Throws
    /// <see cref="KeyNotFoundException"/> for an unknown tenant.</summary>
    public async Task<IssuedCredential> IssueAsync(Guid tenantId, CredentialKind kind, string role, string actor, CancellationToken ct,
        bool revokeOthers = false, string actorRole = OperatorRole)
    {
        _ = await store.GetTenantAsync(tenantId, ct).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No tenant {tenantId}.");
        if (kind == CredentialKind.Admin && !Roles.All.Contains(role))
        {
            throw new ArgumentException($"Admin role must be one of {string.Join(", ", Roles.All)}.", nameof(role));
        }

        var secret = kind == CredentialKind.Ingestion ? Secrets.NewIngestionKey() : Secrets.NewAdminToken();
        var now = time.GetUtcNow();
        var credential = new CredentialRecord(Guid.NewGuid(), tenantId, kind, kind == CredentialKind.Ingestion ? "ingest" : role,
            Secrets.Hash(secret), now, null);
        var others = revokeOthers ? await store.ListCredentialsAsync(tenantId, ct).ConfigureAwait(false) : [];
        await store.AddCredentialAsync(credential, ct).ConfigureAwait(false);
        await AuditAsync(tenantId, actor, actorRole, "credential.issued", credential.Id.ToString(),
            JsonSerializer.Serialize(new { kind = KindName(kind), role = credential.Role }), ct).ConfigureAwait(false);
        foreach (var other in others)
        {
            if (other.Kind == kind && other.RevokedAt is null && (kind == CredentialKind.Ingestion || other.Role == role))
            {
                await RevokeAsync(tenantId, other.Id, actor, ct, actorRole).ConfigureAwait(false);
            }
        }

        return new IssuedCredential(credential.Id, kind, credential.Role, secret);
    }

    /// <summary>Revokes a credential from now on; false when the tenant has no such credential (a credential of
    /// another tenant is not this tenant's: false too). Audited under <paramref name="actor"/> and
    /// <paramref name="actorRole"/>.</summary>
    public async Task<bool> RevokeAsync(Guid tenantId, Guid credentialId, string actor, CancellationToken ct, string actorRole = OperatorRole)
    {
        var revoked = await store.RevokeCredentialAsync(tenantId, credentialId, time.GetUtcNow(), ct).ConfigureAwait(false);
        if (revoked)
        {
            resolver?.Invalidate(tenantId);
            await AuditAsync(tenantId, actor, actorRole, "credential.revoked", credentialId.ToString(), null, ct).ConfigureAwait(false);
        }

        return revoked;
    }

    public static string KindName(CredentialKind kind) => kind == CredentialKind.Ingestion ? "ingestion" : "admin";

    /// <summary>The actor role of the audit records of the operator API and the CLI.</summary>
    public const string OperatorRole = "operator";

    private Task AuditAsync(Guid tenantId, string actor, string actorRole, string action, string target, string? after, CancellationToken ct) =>
        store.AppendAuditAsync(new AuditRecord(Guid.NewGuid(), tenantId, time.GetUtcNow(), actor, actorRole, action, target, null, after), ct);
}

using System.Security.Claims;
using Candor.Server.Access;
using Candor.Storage;

namespace Candor.Server.Console.Shell;

/// <summary>Turns a console session cookie's claims back into the <see cref="Principal"/> that signed in, checked
/// against the store on every request: a token revoked (or a tenant offboarded) after sign-in ends its sessions at
/// their next request, as it ends the API's bearer use. Thread-safe.</summary>
internal sealed class ConsoleSessions(ITenantStore store)
{
    public async Task<Principal?> RestoreAsync(ClaimsPrincipal user, DateTimeOffset now, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirst(TenantIdentity.TenantClaim)?.Value, out var tenantId)
            || !Guid.TryParse(user.FindFirst(TenantIdentity.CredentialClaim)?.Value, out var credentialId))
        {
            return null;
        }

        var tenant = await store.GetTenantAsync(tenantId, ct).ConfigureAwait(false);
        if (tenant is null)
        {
            return null;
        }

        var credential = (await store.ListCredentialsAsync(tenantId, ct).ConfigureAwait(false)).FirstOrDefault(c => c.Id == credentialId);
        return credential is null || credential.Kind != CredentialKind.Admin || (credential.RevokedAt is { } revoked && revoked <= now)
            ? null
            : new Principal(tenant, credential.Id, credential.Kind, credential.Role);
    }
}

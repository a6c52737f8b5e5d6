using System.Security.Claims;
using Candor.Storage;
using Microsoft.AspNetCore.Http;

namespace Candor.Server.Access;

/// <summary>Who a request is: the tenant and the credential that authenticated it. An endpoint of a route group that
/// requires the admin token takes it as a parameter (bound by <see cref="BindAsync"/>).</summary>
internal sealed record Principal(TenantRecord Tenant, Guid CredentialId, CredentialKind Kind, string Role)
{
    /// <summary>The principal that authentication put on the request. Throws when there is none: an endpoint that
    /// takes a principal without requiring a credential is a wiring mistake, not a client's.</summary>
    public static ValueTask<Principal?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<Principal?>(context.User.Identity is TenantIdentity identity
            ? identity.Principal
            : throw new InvalidOperationException(
                $"{context.GetEndpoint()?.DisplayName} takes a principal but its route group requires no admin credential."));
}

/// <summary>The claims of a tenant's administrator, as every scheme that authenticates one must issue them: the
/// tenant, the credential and the role (<see cref="ClaimTypes.Role"/>, which the permission policies check). It
/// also carries the resolved <see cref="Access.Principal"/>, so that handlers need no second lookup.</summary>
internal sealed class TenantIdentity : ClaimsIdentity
{
    public const string TenantClaim = "candor:tenant";
    public const string CredentialClaim = "candor:credential";

    public TenantIdentity(Principal principal, string authenticationType)
        : base(
        [
            new Claim(TenantClaim, principal.Tenant.Id.ToString("D")),
            new Claim(CredentialClaim, principal.CredentialId.ToString("D")),
            new Claim(ClaimTypes.Role, principal.Role),
        ], authenticationType)
    {
        Principal = principal;
    }

    public Principal Principal { get; }
}

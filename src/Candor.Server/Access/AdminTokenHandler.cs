using System.Security.Claims;
using System.Text.Encodings.Web;
using Candor.Server.Http;
using Candor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Candor.Server.Access;

/// <summary>The <see cref="AccessSchemes.AdminToken"/> scheme: resolves the bearer token through the shared
/// <see cref="CredentialResolver"/> (cached, revocation-aware) into a <see cref="TenantIdentity"/>, and answers a
/// refused request with problem details: 401 when there is no valid admin token, 403 naming the role and the
/// permission it lacks (<see cref="AccessResultHandler"/> passes the permission in).</summary>
internal sealed class AdminTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, UrlEncoder encoder, CredentialResolver credentials)
    // The base class logs every challenge and refusal at Information; a refused credential is answered, not logged.
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, NullLoggerFactory.Instance, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var principal = await credentials.ResolveAsync(Request, CredentialKind.Admin, Context.RequestAborted).ConfigureAwait(false);
        return principal is null
            ? AuthenticateResult.NoResult()
            : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new TenantIdentity(principal, Scheme.Name)), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, 401, "unauthorized", "A valid admin token is required: Authorization: Bearer <admin token>.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirst(ClaimTypes.Role)?.Value;
        var action = properties.GetParameter<Permission?>(PermissionRequirement.Parameter) is { } permission
            ? Roles.Describe(permission)
            : "do this";
        return Problems.WriteAsync(Context, 403, "forbidden", $"The role '{role}' may not {action}.");
    }
}

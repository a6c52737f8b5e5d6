using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Candor.Server.Access;

/// <summary>The requirement of a permission policy: a role claim whose role <see cref="Roles.Allows"/> it.</summary>
internal sealed class PermissionRequirement(Permission permission) : IAuthorizationRequirement
{
    /// <summary>The <see cref="AuthenticationProperties"/> parameter that tells a scheme which permission was lacking.</summary>
    public const string Parameter = "candor:permission";

    public Permission Permission { get; } = permission;
}

/// <summary>Decides <see cref="PermissionRequirement"/> from the role claims, whichever scheme issued them.</summary>
internal sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        foreach (var role in context.User.FindAll(ClaimTypes.Role))
        {
            if (Roles.Allows(role.Value, requirement.Permission))
            {
                context.Succeed(requirement);
                break;
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Answers a refused request through the scheme(s) of its policy, as the framework's handler does, and
/// passes the lacking permission on to the forbid, so that each scheme answers in its own way: the API's token
/// schemes with problem details, a cookie scheme with a redirect to its sign-in or access-denied page.</summary>
internal sealed class AccessResultHandler : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (authorizeResult.Challenged)
        {
            if (policy.AuthenticationSchemes.Count == 0)
            {
                // The default scheme, which the collector does not set: an endpoint that names no scheme fails loudly.
                await context.ChallengeAsync().ConfigureAwait(false);
            }

            foreach (var scheme in policy.AuthenticationSchemes)
            {
                await context.ChallengeAsync(scheme).ConfigureAwait(false);
            }

            return;
        }

        var properties = new AuthenticationProperties();
        if (authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<PermissionRequirement>().FirstOrDefault() is { } lacking)
        {
            properties.SetParameter<Permission?>(PermissionRequirement.Parameter, lacking.Permission);
        }

        if (policy.AuthenticationSchemes.Count == 0)
        {
            await context.ForbidAsync(properties).ConfigureAwait(false);
        }

        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await context.ForbidAsync(scheme, properties).ConfigureAwait(false);
        }
    }
}

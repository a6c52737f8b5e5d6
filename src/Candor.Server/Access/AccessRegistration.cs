using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Access;

/// <summary>Authorisation declared once: the schemes and the policies (one per <see cref="Permission"/>, built from
/// the role table) registered at start, and the conventions a route group or endpoint uses to require them.
/// <para>How the web console plugs in: it adds its cookie scheme to <see cref="AddCandorAccess"/>'s builder (a
/// sign-in page resolves an admin token with <see cref="CredentialResolver"/> and signs in a
/// <see cref="TenantIdentity"/>'s claims; its cookie events restore the identity and re-check revocation; before checking
/// a submitted token it asks <see cref="AuthenticationThrottle.RetryAfter"/> (429 or a "try again later" page when that
/// returns a wait, unless <see cref="CredentialResolver.WasValid"/>) and reports a refused one with
/// <see cref="AuthenticationThrottle.RecordFailure"/>, so the API and the console share one count), maps its
/// pages in a group that names that scheme (<c>RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes =
/// "Console" })</c>), and gives each page the same <see cref="RequirePermission{TBuilder}"/> as the API. The
/// permission policies name no scheme, so they apply to both; <see cref="AccessResultHandler"/> hands a refusal to the
/// group's scheme, so the API answers problem details and the console redirects.</para></summary>
internal static class AccessRegistration
{
    public static IServiceCollection AddCandorAccess(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AdminTokenHandler>(AccessSchemes.AdminToken, null)
            .AddScheme<AuthenticationSchemeOptions, OperatorTokenHandler>(AccessSchemes.OperatorToken, null);
        services.AddAuthorization(options =>
        {
            foreach (var permission in Roles.Permissions)
            {
                options.AddPolicy(permission.PolicyName(), policy => policy.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
            }

            options.AddPolicy(AccessSchemes.OperatorPolicy, policy => policy.AddAuthenticationSchemes(AccessSchemes.OperatorToken).RequireAuthenticatedUser());
        });
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessResultHandler>();
        return services;
    }

    /// <summary>Every endpoint of the group needs a valid admin token (401 otherwise), and the first request of each
    /// token that is let through is audited as <c>admin.signed_in</c>. Each endpoint then names its permission.</summary>
    public static RouteGroupBuilder RequireAdminToken(this RouteGroupBuilder group)
    {
        group.RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AccessSchemes.AdminToken });
        group.AddEndpointFilterFactory((factory, next) =>
        {
            var audit = factory.ApplicationServices.GetRequiredService<AuditLog>();
            return async invocation =>
            {
                // Runs after authorisation: a token refused with 403 is never recorded as signed in.
                if (invocation.HttpContext.User.Identity is TenantIdentity identity)
                {
                    await audit.SignInAsync(identity.Principal, invocation.HttpContext.RequestAborted).ConfigureAwait(false);
                }

                return await next(invocation).ConfigureAwait(false);
            };
        });
        return group;
    }

    /// <summary>The endpoint needs <paramref name="permission"/> (403 naming it otherwise).</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(permission.PolicyName());

    /// <summary>Every endpoint of the group needs the operator token.</summary>
    public static RouteGroupBuilder RequireOperatorToken(this RouteGroupBuilder group) =>
        group.RequireAuthorization(AccessSchemes.OperatorPolicy);
}

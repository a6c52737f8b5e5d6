using System.Security.Claims;
using Candor.Server.Access;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Console.Shell;

/// <summary>The console's answers that are not a page of their own: the 403 "not allowed" page (rendered for the cookie
/// scheme's forbid, with no data of the page that was refused) and sign-out.</summary>
internal static class ConsoleResponses
{
    public static async Task NotAllowedAsync(HttpContext context, AuthenticationProperties properties)
    {
        var role = context.User.FindFirst(ClaimTypes.Role)?.Value ?? "unknown";
        var action = properties.GetParameter<Permission?>(PermissionRequirement.Parameter) is { } permission
            ? Roles.Describe(permission)
            : "open this page";
        var result = new RazorComponentResult<NotAllowedDocument>(new Dictionary<string, object?>
        {
            [nameof(NotAllowedDocument.Role)] = role,
            [nameof(NotAllowedDocument.Action)] = action,
        })
        {
            StatusCode = StatusCodes.Status403Forbidden,
        };
        await result.ExecuteAsync(context);
    }

    /// <summary>Ends the session (a form post with the anti-forgery token; a post without one is refused with 400).</summary>
    public static async Task SignOutAsync(HttpContext context)
    {
        // The token was issued to the signed-in user: validate it against that user, which this endpoint (not a page
        // of the authorized group, so that a stale session can still sign out) authenticates itself.
        var session = await context.AuthenticateAsync(ConsoleRegistration.Scheme);
        if (session.Principal is { } user)
        {
            context.User = user;
        }

        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(
                "<!DOCTYPE html><html lang=\"en\"><head><title>Request refused · Candor</title></head><body><main><h1>Request refused</h1>" +
                "<p>The form was not sent by a Candor console page (its anti-forgery token is missing or wrong).</p>" +
                "<p><a href=\"/console\">Back to the console</a></p></main></body></html>");
            return;
        }

        if (session.Principal?.Identity is TenantIdentity identity)
        {
            await context.RequestServices.GetRequiredService<AuditLog>().RecordAsync(identity.Principal, "console.signed_out",
                identity.Principal.CredentialId.ToString("D"), null, null, context.RequestAborted);
        }

        await context.SignOutAsync(ConsoleRegistration.Scheme);
        context.Response.Redirect(ConsoleRegistration.SignInPath);
    }
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Candor.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Candor.Server.Access;

/// <summary>The <see cref="AccessSchemes.OperatorToken"/> scheme: the bearer secret compared in constant time with
/// the configured operator token. Without one the operator endpoints are disabled, and the 401 says so.</summary>
internal sealed class OperatorTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, UrlEncoder encoder, CandorServerOptions server,
    AuthenticationThrottle throttle)
    // The base class logs every challenge at Information; a refused credential is answered, not logged.
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, NullLoggerFactory.Instance, encoder)
{
    public const string Role = "operator";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = CredentialResolver.BearerSecret(Request);
        if (server.OperatorToken is not { } token || secret is null || !Secrets.FixedTimeEquals(secret, token))
        {
            if (secret is not null)
            {
                throttle.RecordFailure(Context.Connection.RemoteIpAddress, secret);
            }

            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, Role)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, 401, "unauthorized", server.OperatorToken is null
            ? "The operator endpoints are disabled: no operator token is configured."
            : "A valid operator token is required: Authorization: Bearer <operator token>.");
}

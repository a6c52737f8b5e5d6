using Candor.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Access;

/// <summary>Answers 429 with <c>Retry-After</c>, before any credential is looked up, to a request whose source
/// address or credential prefix has failed authentication too often (<see cref="AuthenticationThrottle"/>). A
/// credential this collector has seen valid, or the operator token, passes regardless: the throttle stops guessing,
/// and must not lock a customer out because someone behind the same NAT, or someone who knows a token's first
/// characters, keeps guessing. Requests without a bearer credential pass (nothing is being guessed).</summary>
internal static class ThrottleMiddleware
{
    public static IApplicationBuilder UseAuthenticationThrottle(this IApplicationBuilder app)
    {
        var throttle = app.ApplicationServices.GetRequiredService<AuthenticationThrottle>();
        var credentials = app.ApplicationServices.GetRequiredService<CredentialResolver>();
        var options = app.ApplicationServices.GetRequiredService<CandorServerOptions>();
        return app.Use(async (context, next) =>
        {
            if (CredentialResolver.BearerSecret(context.Request) is { } secret
                && throttle.RetryAfter(context.Connection.RemoteIpAddress, secret) is { } wait
                && !credentials.WasValid(secret)
                && !(options.OperatorToken is { } token && Secrets.FixedTimeEquals(secret, token)))
            {
                await Problems.WriteAsync(context, 429, "authentication_throttled",
                    "Too many failed authentications from this address or with this credential; try again after Retry-After seconds.", wait)
                    .ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }
}

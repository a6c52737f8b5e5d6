using Candor.Server.Access;
using Candor.Server.Console;
using Candor.Server.Tests.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Candor.Server.Tests.Access;

/// <summary>Authorisation is declared on the routes, so it can be read off them: every admin and analytics endpoint
/// requires the admin token and names exactly one permission (an endpoint added without one would let every role
/// through), every operator endpoint requires the operator token, every console page the console session and exactly one
/// permission (the sign-in is open), and the ingestion path declares none.</summary>
public sealed class RouteAuthorizationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public void Every_route_declares_the_credential_its_path_needs_and_admin_routes_one_permission()
    {
        var permissionPolicies = Roles.Permissions.Select(p => p.PolicyName()).ToHashSet(StringComparer.Ordinal);
        var endpoints = fixture.Server.Handle.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            var schemes = authorize.Where(a => a.AuthenticationSchemes is not null).Select(a => a.AuthenticationSchemes!).ToList();
            var policies = authorize.Where(a => a.Policy is not null).Select(a => a.Policy!).ToList();
            string expected;
            if (path.StartsWith("/v1/admin/", StringComparison.Ordinal) || path.StartsWith("/v1/analytics/", StringComparison.Ordinal))
            {
                expected = schemes.SequenceEqual([AccessSchemes.AdminToken]) && policies.Count == 1 && permissionPolicies.Contains(policies[0])
                    ? "" : "the admin token and one permission";
            }
            else if (path.StartsWith("/v1/operator/", StringComparison.Ordinal))
            {
                expected = schemes.Count == 0 && policies.SequenceEqual([AccessSchemes.OperatorPolicy]) ? "" : "the operator policy";
            }
            else if (path.StartsWith("/_framework/", StringComparison.Ordinal))
            {
                // The framework's own console endpoints (the enhanced-navigation redirect) and static files: at most the session.
                expected = schemes.All(s => s == ConsoleRegistration.Scheme) && policies.Count == 0 ? "" : "at most the console session";
            }
            else if (path == ConsoleRegistration.SignInPath)
            {
                expected = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? "" : "anonymous access (it is the sign-in)";
            }
            else if (path == "/console/sign-out")
            {
                expected = authorize.Count == 0 ? "" : "no authorisation (it authenticates the session it ends itself)";
            }
            else if (path.StartsWith("/console", StringComparison.Ordinal))
            {
                // A console page: the session cookie, and the same one permission policy as the API it mirrors.
                expected = schemes.Count > 0 && schemes.All(s => s == ConsoleRegistration.Scheme) && policies.Count == 1
                    && permissionPolicies.Contains(policies[0]) && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null
                    ? "" : "the console session and one permission";
            }
            else
            {
                expected = authorize.Count == 0 ? "" : "no authorisation (it checks its key itself, or is public)";
            }

            if (expected.Length > 0)
            {
                problems.Add($"{path} should declare {expected}: schemes [{string.Join(", ", schemes)}], policies [{string.Join(", ", policies)}]");
            }
        }

        Assert.Empty(problems);
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/v1/events");
        Assert.True(endpoints.Count(e => e.RoutePattern.RawText!.StartsWith("/v1/admin/", StringComparison.Ordinal)) >= 10);
        Assert.True(endpoints.Count(e => e.RoutePattern.RawText!.StartsWith("/v1/analytics/", StringComparison.Ordinal)) >= 10);
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/console/failures");
    }
}

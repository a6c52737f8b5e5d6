using System.Net;
using Candor.Server.Tests.Admin;
using Candor.Server.Tests.Http;
using Xunit;

namespace Candor.Server.Tests.Access;

/// <summary>The exact problem details of a refused credential (status, code, title, detail), so that moving
/// authorisation out of the handlers cannot change what a client reads, and the sign-in audit that goes with it.</summary>
public sealed class AccessProblemsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string AdminRequired = "A valid admin token is required: Authorization: Bearer <admin token>.";

    private TestServer Server => fixture.Server;

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await TestServer.JsonAsync(response);
        Assert.Equal(code, problem["code"]?.GetValue<string>());
        Assert.Equal((int)status, problem["status"]?.GetValue<int>());
        Assert.Equal(status == HttpStatusCode.Unauthorized ? "Unauthorized" : "Forbidden", problem["title"]?.GetValue<string>());
        Assert.Equal("https://candor.dev/problems/" + code, problem["type"]?.GetValue<string>());
        Assert.Equal(detail, problem["detail"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("GET", "/v1/admin/audit")]
    [InlineData("PUT", "/v1/admin/policy")]
    [InlineData("DELETE", "/v1/admin/devices/not-a-device")]
    [InlineData("GET", "/v1/analytics/failures")]
    [InlineData("POST", "/v1/analytics/refresh")]
    public async Task Admin_and_analytics_endpoints_answer_401_with_the_admin_token_message(string method, string path)
    {
        var tenant = await Server.CreateTenantAsync();
        foreach (var credential in new[] { null, tenant.IngestionKey, "cat_not-a-token" })
        {
            using var response = await Server.SendAsync(new HttpMethod(method), path, credential, "{}");
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized", AdminRequired);
        }
    }

    [Theory]
    [InlineData("analyst", "PUT", "/v1/admin/policy", "change the policy")]
    [InlineData("analyst", "GET", "/v1/admin/policy", "read the policy")]
    [InlineData("analyst", "GET", "/v1/admin/devices/not-a-device/events", "read per-device data")]
    [InlineData("analyst", "POST", "/v1/admin/deletions", "delete data")]
    [InlineData("analyst", "GET", "/v1/admin/audit", "read the audit log")]
    [InlineData("analyst", "GET", "/v1/admin/inventory", "read the data inventory")]
    [InlineData("privacy_officer", "DELETE", "/v1/admin/tenant", "offboard the tenant")]
    [InlineData("privacy_officer", "POST", "/v1/analytics/vulnerable", "mark versions vulnerable")]
    [InlineData("privacy_officer", "PUT", "/v1/analytics/alerts/webhook", "configure alerts")]
    public async Task A_role_without_the_permission_gets_403_naming_the_role_and_the_action(string role, string method, string path, string action)
    {
        var tenant = await Server.CreateTenantAsync();
        var (_, token) = await AdminClient.IssueAsync(Server, tenant.TenantId, role);
        using var response = await Server.SendAsync(new HttpMethod(method), path, token, "{}");
        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden", $"The role '{role}' may not {action}.");
    }

    [Fact]
    public async Task A_refused_token_is_not_signed_in_and_an_allowed_one_is_signed_in_once()
    {
        var tenant = await Server.CreateTenantAsync();
        var (id, analyst) = await AdminClient.IssueAsync(Server, tenant.TenantId, "analyst");
        using (var refused = await Server.SendAsync(HttpMethod.Get, "/v1/admin/audit", analyst))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Equal(0, await SignInsAsync(tenant.TenantId, id));
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures", analyst);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        Assert.Equal(1, await SignInsAsync(tenant.TenantId, id));
    }

    [Fact]
    public async Task Operator_endpoints_answer_401_with_the_operator_token_message()
    {
        var tenant = await Server.CreateTenantAsync();
        foreach (var credential in new[] { null, tenant.AdminToken, "wrong-operator-token-value" })
        {
            using var response = await Server.SendAsync(HttpMethod.Get, "/v1/operator/tenants", credential);
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized",
                "A valid operator token is required: Authorization: Bearer <operator token>.");
        }
    }

    [Fact]
    public async Task Operator_endpoints_of_a_collector_without_an_operator_token_say_they_are_disabled()
    {
        await using var server = await TestServer.StartAsync(o => o.OperatorToken = null);
        using var response = await server.SendAsync(HttpMethod.Get, "/v1/operator/tenants", TestServer.OperatorToken);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized",
            "The operator endpoints are disabled: no operator token is configured.");
    }

    private async Task<int> SignInsAsync(Guid tenant, string credentialId)
    {
        var count = 0;
        await foreach (var record in Server.Store.ReadAuditAsync(tenant))
        {
            if (record.Action == "admin.signed_in" && record.ActorId == credentialId)
            {
                count++;
            }
        }

        return count;
    }
}

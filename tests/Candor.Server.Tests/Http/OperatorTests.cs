using System.Net;
using Xunit;

namespace Candor.Server.Tests.Http;

public sealed class OperatorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Operator_creates_a_tenant_whose_key_ingests_at_once()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/operator/tenants", TestServer.OperatorToken,
            """{"name":"Fabrikam","family":"test-clients"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await TestServer.JsonAsync(response);
        var key = created["ingestionKey"]!.GetValue<string>();
        Assert.StartsWith("cik_", key, StringComparison.Ordinal);
        Assert.StartsWith("cat_", created["adminToken"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await Server.PostAsync(key, Events.Batch(Events.Valid()))).StatusCode);
        Assert.Equal(1, await Server.Store.CountAsync(created["tenantId"]!.GetValue<Guid>()));

        var again = await Server.SendAsync(HttpMethod.Post, "/v1/operator/tenants", TestServer.OperatorToken,
            """{"name":"fabrikam","family":"test-clients"}""");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Tenant_of_an_unknown_family_is_refused()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/operator/tenants", TestServer.OperatorToken,
            """{"name":"Nowhere","family":"no-such-family"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Rotating_the_ingestion_key_revokes_the_old_one()
    {
        var tenant = await Server.CreateTenantAsync();
        var issued = await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/operator/tenants/{tenant.TenantId}/credentials",
            TestServer.OperatorToken, """{"kind":"ingestion","revokeOthers":true}"""));
        var newKey = issued["secret"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.PostAsync(newKey, Events.Batch(Events.Valid()))).StatusCode);
    }

    [Fact]
    public async Task Revoked_key_gets_401_at_once()
    {
        var tenant = await Server.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await Server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()))).StatusCode);
        var list = (await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, $"/v1/operator/tenants/{tenant.TenantId}/credentials",
            TestServer.OperatorToken)));
        var keyId = list.Single(c => c!["kind"]!.GetValue<string>() == "ingestion")!["id"]!.GetValue<Guid>();

        var revoke = await Server.SendAsync(HttpMethod.Delete, $"/v1/operator/tenants/{tenant.TenantId}/credentials/{keyId}", TestServer.OperatorToken);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()))).StatusCode);
        var again = await Server.SendAsync(HttpMethod.Delete, $"/v1/operator/tenants/{Guid.NewGuid()}/credentials/{keyId}", TestServer.OperatorToken);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-operator-token-value")]
    public async Task Operator_endpoints_need_the_operator_token(string? token)
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/operator/tenants", token, """{"name":"X","family":"test-clients"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Admin_token_is_no_operator_token()
    {
        var tenant = await Server.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/operator/tenants", tenant.AdminToken)).StatusCode);
    }
}

using System.Net;
using Xunit;

namespace Candor.Server.Tests.Http;

public sealed class TenantIsolationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Ingestion_key_of_tenant_A_writes_only_into_tenant_A()
    {
        var a = await Server.CreateTenantAsync();
        var b = await Server.CreateTenantAsync();
        var response = await Server.PostAsync(a.IngestionKey, Events.Batch(Events.Valid(), Events.Valid()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, await Server.Store.CountAsync(a.TenantId));
        Assert.Equal(0, await Server.Store.CountAsync(b.TenantId));
    }

    [Fact]
    public async Task Same_event_id_in_two_tenants_is_stored_in_each()
    {
        var a = await Server.CreateTenantAsync();
        var b = await Server.CreateTenantAsync();
        var batch = Events.Batch(Events.Valid(id: Guid.NewGuid()));
        await Server.PostAsync(a.IngestionKey, batch);
        var second = await TestServer.JsonAsync(await Server.PostAsync(b.IngestionKey, batch));

        Assert.Equal(1, second["accepted"]!.GetValue<int>());
        Assert.Equal(1, await Server.Store.CountAsync(b.TenantId));
    }

    [Fact]
    public async Task Admin_token_of_tenant_A_reads_and_changes_only_tenant_A()
    {
        var a = await Server.CreateTenantAsync();
        var b = await Server.CreateTenantAsync();
        var put = await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", b.AdminToken,
            """{"collection":"off","levels":["required"],"categories":[],"retentionDays":7,"uploadIntervalSeconds":60}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var seenByA = await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Get, "/v1/admin/policy", a.AdminToken));
        Assert.Equal("on", seenByA["collection"]!.GetValue<string>());
        Assert.Equal(90, seenByA["retentionDays"]!.GetValue<int>());

        await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", a.AdminToken,
            """{"collection":"on","levels":["required"],"categories":["product_and_service_usage"],"retentionDays":30,"uploadIntervalSeconds":60}""");
        var seenByB = await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Get, "/v1/admin/policy", b.AdminToken));
        Assert.Equal("off", seenByB["collection"]!.GetValue<string>());
        Assert.Equal(7, seenByB["retentionDays"]!.GetValue<int>());
    }

    [Fact]
    public async Task Ingestion_key_is_no_admin_token()
    {
        var a = await Server.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/admin/policy", a.IngestionKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", a.IngestionKey,
            """{"collection":"off","levels":[],"categories":[],"retentionDays":7,"uploadIntervalSeconds":60}""")).StatusCode);
    }
}

using System.Net;
using Candor.Server.Operations;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Candor.Server.Tests.Operations;

public sealed class RetentionJobTests
{
    [Fact]
    public async Task Events_are_deleted_after_the_shorter_of_the_tenant_and_definition_retention()
    {
        await using var server = await Http.TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();
        var shortLived = await server.CreateTenantAsync();
        await server.SendAsync(HttpMethod.Put, "/v1/admin/policy", shortLived.AdminToken,
            """{"collection":"on","levels":["required"],"categories":["device_connectivity_and_configuration","product_and_service_performance","product_and_service_usage","software_setup_and_inventory"],"retentionDays":30,"uploadIntervalSeconds":60}""");
        // app.install.completed keeps 7 days by its definition; app.sync.completed 90, the tenant's default too.
        var batch = Events.Batch(Events.Valid(), Events.Valid(name: "app.install.completed"));
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(tenant.IngestionKey, batch)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(shortLived.IngestionKey, Events.Batch(Events.Valid()))).StatusCode);
        var job = server.Handle.Services.GetRequiredService<RetentionJob>();

        // Advancing the fake clock also fires the job's own timer, so the counts are what is asserted: whichever
        // pass ran, the result must be the same.
        server.Time.Advance(TimeSpan.FromDays(6));
        await job.RunOnceAsync(default);
        Assert.Equal(2, await server.Store.CountAsync(tenant.TenantId));

        server.Time.Advance(TimeSpan.FromDays(2));
        await job.RunOnceAsync(default);
        Assert.Equal(1, await server.Store.CountAsync(tenant.TenantId));

        Assert.Equal(1, await server.Store.CountAsync(shortLived.TenantId));

        // The tenant whose policy keeps 30 days loses its event then, though the definition would keep it 90.
        server.Time.Advance(TimeSpan.FromDays(23));
        await job.RunOnceAsync(default);
        Assert.Equal(1, await server.Store.CountAsync(tenant.TenantId));
        Assert.Equal(0, await server.Store.CountAsync(shortLived.TenantId));

        server.Time.Advance(TimeSpan.FromDays(60));
        await job.RunOnceAsync(default);
        Assert.Equal(0, await server.Store.CountAsync(tenant.TenantId));
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Candor.Cluster.Tests;

/// <summary>Policy and keys behave the same whichever collector a client reaches: two collectors over one database
/// and one log, a change made through one.</summary>
public sealed class PolicyPropagationTests(OneNode cluster) : IClassFixture<OneNode>
{
    private const string ShorterRetention =
        """{"collection":"on","levels":["required"],"categories":["device_connectivity_and_configuration","product_and_service_performance","product_and_service_usage","software_setup_and_inventory"],"retentionDays":60,"uploadIntervalSeconds":60}""";

    [Fact(Timeout = 240_000)]
    public async Task A_policy_change_through_one_collector_is_served_by_another_within_one_poll_interval()
    {
        // The default cache time (10 s), which cluster mode requires to be at most the shortest upload interval.
        await using var a = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats);
        await using var b = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats);
        using var httpA = Cluster.Client(a);
        using var httpB = Cluster.Client(b);
        var tenant = await a.CreateTenantAsync("acme-" + Guid.NewGuid().ToString("N")[..6], Server.Tests.TestCatalogs.Family);
        Assert.Equal(90, await RetentionAsync(httpB, tenant.IngestionKey));

        using (var put = await SendAsync(httpA, HttpMethod.Put, "/v1/admin/policy", tenant.AdminToken, ShorterRetention))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var watch = Stopwatch.StartNew();
        await Cluster.WaitUntilAsync(async () => await RetentionAsync(httpB, tenant.IngestionKey) == 60, TimeSpan.FromSeconds(15),
            "the other collector serves the new policy");
        // One cache time (10 s) after the change at most, plus the refresh read that may have started just before the
        // change committed and the polls; 3 s of slack for those on two loaded cores (a CI run took 12.4 s once).
        Assert.True(watch.Elapsed <= TimeSpan.FromSeconds(13), $"served after {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact(Timeout = 240_000)]
    public async Task A_key_revoked_through_one_collector_stops_working_on_another_within_30_seconds()
    {
        await using var a = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats);
        await using var b = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats);
        using var httpA = Cluster.Client(a);
        using var httpB = Cluster.Client(b);
        var tenant = await a.CreateTenantAsync("acme-" + Guid.NewGuid().ToString("N")[..6], Server.Tests.TestCatalogs.Family);
        Assert.Equal(HttpStatusCode.OK, (await Cluster.PostAsync(httpB, tenant.IngestionKey, Cluster.Batch(1).Json)).StatusCode);

        using (var list = await SendAsync(httpA, HttpMethod.Get, $"/v1/operator/tenants/{tenant.TenantId}/credentials", Cluster.OperatorToken))
        {
            var ingestion = JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray()
                .Single(c => c!["kind"]!.GetValue<string>() == "ingestion")!["id"]!.GetValue<Guid>();
            using var revoke = await SendAsync(httpA, HttpMethod.Delete, $"/v1/operator/tenants/{tenant.TenantId}/credentials/{ingestion}", Cluster.OperatorToken);
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var watch = Stopwatch.StartNew();
        await Cluster.WaitUntilAsync(async () =>
        {
            using var response = await Cluster.PostAsync(httpB, tenant.IngestionKey, Cluster.Batch(1).Json);
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(30), "the other collector refuses the revoked key");
        Assert.True(watch.Elapsed <= TimeSpan.FromSeconds(30));
    }

    [Fact(Timeout = 240_000)]
    public async Task A_tenants_rate_limit_is_split_across_the_live_collectors()
    {
        // 2,000 events a second in total; a share never falls below one batch (1,000).
        void Limit(Server.CandorServerOptions o) => o.RateLimitEventsPerSecond = 2_000;
        await using var a = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats, Limit);
        using var http = Cluster.Client(a);
        var tenant = await a.CreateTenantAsync("acme-" + Guid.NewGuid().ToString("N")[..6], Server.Tests.TestCatalogs.Family);
        var presence = Presence(a);
        await using (var b = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats, Limit))
        {
            await Cluster.WaitUntilAsync(() => Task.FromResult(presence.Live == 2), TimeSpan.FromSeconds(10), "two collectors are live");
            await Task.Delay(1_100);
            Assert.Equal(HttpStatusCode.OK, (await Cluster.PostAsync(http, tenant.IngestionKey, Cluster.Batch(1_000).Json)).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await Cluster.PostAsync(http, tenant.IngestionKey, Cluster.Batch(1_000).Json)).StatusCode);
        }

        // The other collector gone, this one enforces the whole limit again.
        await Cluster.WaitUntilAsync(() => Task.FromResult(presence.Live == 1), TimeSpan.FromSeconds(10), "one collector is live");
        await Task.Delay(1_100);
        Assert.Equal(HttpStatusCode.OK, (await Cluster.PostAsync(http, tenant.IngestionKey, Cluster.Batch(1_000).Json)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Cluster.PostAsync(http, tenant.IngestionKey, Cluster.Batch(1_000).Json)).StatusCode);
    }

    private static Server.Cluster.CollectorPresence Presence(Server.CandorServerHandle collector) =>
        collector.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Server.Cluster.CollectorPresence>().Single();

    private static async Task<int> RetentionAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/policy");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["retentionDays"]!.GetValue<int>();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }
}

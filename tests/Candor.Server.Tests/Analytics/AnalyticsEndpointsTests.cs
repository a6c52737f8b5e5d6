using System.Net;
using System.Text.Json.Nodes;
using Candor.Core.Model;
using Candor.Server.Tests.Http;
using Candor.Storage;
using Xunit;

namespace Candor.Server.Tests.Analytics;

/// <summary>The /v1/analytics API on a real collector: roles, aggregated answers, audited vulnerable marks, and
/// problem details for bad queries.</summary>
public sealed class AnalyticsEndpointsTests : IAsyncLifetime
{
    private TestServer? _server;

    private TestServer Server => _server!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    internal static StoredEvent Event(Guid tenant, Guid device, Guid session, string name, string version, string data, int seq) => new()
    {
        TenantId = tenant, EventId = Guid.NewGuid(), Name = name, Level = DataLevel.Required,
        Category = DataCategory.ProductAndServicePerformance, Product = "p.api", AppVersion = version, Sdk = "candor-dotnet/1.0.0",
        SessionId = session, DeviceId = device, DeviceClass = "desktop", Os = "Windows", OsVersion = "11", Arch = "x64", Locale = "en-GB",
        Seq = seq, Time = Events.Now.AddHours(-2).AddSeconds(seq), ReceivedAt = Events.Now.AddHours(-1).AddSeconds(seq), Data = data,
    };

    private async Task<(TenantCredentials Tenant, string Analyst, Guid Device)> SeedAsync()
    {
        var tenant = await Server.CreateTenantAsync();
        var issued = await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/operator/tenants/{tenant.TenantId}/credentials",
            TestServer.OperatorToken, """{"kind":"admin","role":"analyst"}"""));
        var device = Guid.NewGuid();
        var s1 = Guid.NewGuid();
        var s2 = Guid.NewGuid();
        await Server.Store.AppendAsync(
        [
            Event(tenant.TenantId, device, s1, "app.session.started", "1.2.0", "{}", 1),
            Event(tenant.TenantId, device, s2, "app.session.started", "1.10.0", "{}", 2),
            Event(tenant.TenantId, device, s2, "app.crashed", "1.10.0", """{"exceptionType":"System.InvalidOperationException","stackSignature":"App!Form.Save"}""", 3),
        ]);
        return (tenant, issued["secret"]!.GetValue<string>(), device);
    }

    [Fact]
    public async Task Analyst_reads_aggregated_release_health_without_any_device_id()
    {
        var (_, analyst, device) = await SeedAsync();
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Post, "/v1/analytics/refresh", analyst)).StatusCode);

        var response = await Server.SendAsync(HttpMethod.Get, "/v1/analytics/releases?product=p.api", analyst);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var releases = JsonNode.Parse(text)!.AsArray();
        Assert.Equal(["1.10.0", "1.2.0"], releases.Select(r => r!["version"]!.GetValue<string>()));
        Assert.Equal(1, releases[0]!["crashedSessions"]!.GetValue<long>());
        foreach (var path in new[] { "failures", "versions", "usage", "performance", "regressions", "alerts" })
        {
            var body = await (await Server.SendAsync(HttpMethod.Get, "/v1/analytics/" + path, analyst)).Content.ReadAsStringAsync();
            Assert.DoesNotContain(device.ToString("D"), body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(device.ToString("N"), body, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(device.ToString("D"), text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Only_owners_mark_versions_vulnerable_and_the_mark_is_audited_and_counted()
    {
        var (tenant, analyst, _) = await SeedAsync();
        const string mark = """{"product":"p.api","minVersion":"1.0","maxVersion":"1.9.9","advisory":"CVE-2026-1234"}""";
        Assert.Equal(HttpStatusCode.Forbidden, (await Server.SendAsync(HttpMethod.Post, "/v1/analytics/vulnerable", analyst, mark)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/analytics/vulnerable", tenant.AdminToken, mark)).StatusCode);

        var audit = new List<AuditRecord>();
        await foreach (var record in Server.Store.ReadAuditAsync(tenant.TenantId))
        {
            audit.Add(record);
        }

        Assert.Contains(audit, a => a.Action == "version.marked_vulnerable" && a.Target == "p.api" && a.After!.Contains("CVE-2026-1234", StringComparison.Ordinal));
        await Server.SendAsync(HttpMethod.Post, "/v1/analytics/refresh", analyst);
        var versions = JsonNode.Parse(await (await Server.SendAsync(HttpMethod.Get, "/v1/analytics/versions", analyst)).Content.ReadAsStringAsync())!.AsArray();
        var product = versions.Single(p => p!["product"]!.GetValue<string>() == "p.api")!;

        // The device ran 1.2.0 and then 1.10.0 on the same day: it counts once, on 1.10.0, the newest and not vulnerable.
        Assert.Equal("1.10.0", product["newest"]!.GetValue<string>());
        Assert.Equal(0, product["devicesOnVulnerable"]!.GetValue<long>());
        Assert.True(product["versions"]!.AsArray().Single(v => v!["version"]!.GetValue<string>() == "1.10.0")!["devices"]!.GetValue<long>() == 1);
    }

    [Fact]
    public async Task Bad_queries_and_missing_tokens_get_problem_details_with_a_code()
    {
        var (_, analyst, _) = await SeedAsync();
        var bad = await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures?from=yesterday", analyst);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_query", (await TestServer.JsonAsync(bad))["code"]!.GetValue<string>());
        var reversed = await Server.SendAsync(HttpMethod.Get, "/v1/analytics/releases?from=2026-11-20&to=2026-11-10", analyst);
        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures", null)).StatusCode);
        var hook = await Server.SendAsync(HttpMethod.Put, "/v1/analytics/alerts/webhook", analyst, """{"url":"http://127.0.0.1:9/hook"}""");
        Assert.Equal(HttpStatusCode.Forbidden, hook.StatusCode);
    }
}

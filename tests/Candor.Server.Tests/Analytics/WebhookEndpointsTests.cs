using System.Net;
using Candor.Server.Tests.Http;
using Xunit;

namespace Candor.Server.Tests.Analytics;

/// <summary>The alert webhook through the API: a credential in the URL is never echoed nor audited, removal is
/// audited, the signing secret is shown once, and a literal internal address is refused unless allowlisted. The
/// collector's resolver is replaced by one that knows no name, so nothing here asks the system's DNS.</summary>
public sealed class WebhookEndpointsTests
{
    private const string Secret = "https://alerts:pa55w0rd@hooks.example.com/services/T01/B02/abcdefghijklmnopqrstuvwx?token=s3cr3t-v4lue&channel=ops";

    private static Task<TestServer> StartAsync(params string[] allowlist) => TestServer.StartAsync(o =>
    {
        o.WebhookResolver = (host, _) => throw new HttpRequestException($"The test resolver does not know '{host}'.");
        foreach (var entry in allowlist)
        {
            o.WebhookAllowlist.Add(entry);
        }
    });

    [Fact]
    public async Task A_credential_in_the_webhook_url_is_never_echoed_nor_audited_and_removal_is_audited()
    {
        await using var server = await StartAsync();
        var tenant = await server.CreateTenantAsync();

        var set = await TestServer.JsonAsync(await server.SendAsync(HttpMethod.Put, "/v1/analytics/alerts/webhook", tenant.AdminToken,
            $$"""{"url":"{{Secret}}"}"""));
        var read = await server.SendAsync(HttpMethod.Get, "/v1/analytics/alerts/webhook", tenant.AdminToken);
        var readText = await read.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Delete, "/v1/analytics/alerts/webhook", tenant.AdminToken)).StatusCode);

        const string masked = "https://***@hooks.example.com/services/T01/B02/abcd***?token=***&channel=***";
        Assert.Equal(masked, set["url"]!.GetValue<string>());
        Assert.StartsWith("whsec_", set["signingSecret"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Candor-Signature", set["signatureHeader"]!.GetValue<string>());
        var readJson = System.Text.Json.Nodes.JsonNode.Parse(readText)!.AsObject();
        Assert.Equal(["url"], readJson.Select(p => p.Key)); // the signing secret is shown once, at set
        Assert.Equal(masked, readJson["url"]!.GetValue<string>());
        var audit = new List<Storage.AuditRecord>();
        await foreach (var record in server.Store.ReadAuditAsync(tenant.TenantId))
        {
            audit.Add(record);
        }

        var webhook = audit.Where(r => r.Action.StartsWith("alerts.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["alerts.webhook_set", "alerts.webhook_removed"], webhook.Select(r => r.Action));
        Assert.Equal(masked, System.Text.Json.Nodes.JsonNode.Parse(webhook[0].After!)!["url"]!.GetValue<string>());
        Assert.Equal(masked, System.Text.Json.Nodes.JsonNode.Parse(webhook[1].Before!)!["url"]!.GetValue<string>());
        foreach (var secret in new[] { "pa55w0rd", "s3cr3t-v4lue", "abcdefghijklmnopqrstuvwx", set["signingSecret"]!.GetValue<string>() })
        {
            Assert.DoesNotContain(audit, r => $"{r.Target} {r.Before} {r.After}".Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, readText, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::ffff:10.0.0.1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    public async Task A_webhook_at_an_internal_address_is_refused_when_it_is_set(string url)
    {
        await using var server = await StartAsync();
        var tenant = await server.CreateTenantAsync();

        var response = await server.SendAsync(HttpMethod.Put, "/v1/analytics/alerts/webhook", tenant.AdminToken, $$"""{"url":"{{url}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestServer.JsonAsync(response);
        Assert.Equal("webhook_refused", problem["code"]!.GetValue<string>());
        Assert.Contains("refused", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("""{"url":null}""", await (await server.SendAsync(HttpMethod.Get, "/v1/analytics/alerts/webhook", tenant.AdminToken))
            .Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_internal_address_the_operator_allowlists_may_be_set()
    {
        await using var server = await StartAsync("127.0.0.1");
        var tenant = await server.CreateTenantAsync();

        var response = await server.SendAsync(HttpMethod.Put, "/v1/analytics/alerts/webhook", tenant.AdminToken, """{"url":"http://127.0.0.1:9/hook"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

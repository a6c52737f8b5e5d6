using System.Net;
using Candor.Server.Tests.Http;
using Xunit;

namespace Candor.Server.Tests.Admin;

/// <summary><c>/v1/admin/credentials</c>: an owner issues and revokes the tenant's own keys and tokens (the console's
/// settings page uses the same service); only the owner may, only for its own tenant, and every change is audited
/// under the owner's token.</summary>
public sealed class OwnCredentialsTests
{
    [Fact]
    public async Task An_owner_issues_a_token_that_works_and_revoking_it_stops_it_at_once()
    {
        await using var server = await TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();
        using var issued = await server.SendAsync(HttpMethod.Post, "/v1/admin/credentials", tenant.AdminToken, """{"kind":"admin","role":"analyst"}""");
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await TestServer.JsonAsync(issued);
        var secret = body["secret"]!.GetValue<string>();
        var id = body["id"]!.GetValue<string>();
        Assert.StartsWith("cat_", secret, StringComparison.Ordinal);
        Assert.Equal("analyst", body["role"]!.GetValue<string>());

        using (var works = await server.SendAsync(HttpMethod.Get, "/v1/analytics/alerts", secret))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        using (var list = await server.SendAsync(HttpMethod.Get, "/v1/admin/credentials", tenant.AdminToken))
        {
            var text = await list.Content.ReadAsStringAsync();
            Assert.Contains(id, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        using (var revoked = await server.SendAsync(HttpMethod.Delete, "/v1/admin/credentials/" + id, tenant.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using (var refused = await server.SendAsync(HttpMethod.Get, "/v1/analytics/alerts", secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var audit = new List<Storage.AuditRecord>();
        await foreach (var record in server.Store.ReadAuditAsync(tenant.TenantId))
        {
            audit.Add(record);
        }

        Assert.Contains(audit, r => r.Action == "credential.issued" && r.Target == id && r.ActorRole == "owner");
        Assert.Contains(audit, r => r.Action == "credential.revoked" && r.Target == id && r.ActorRole == "owner");
    }

    [Fact]
    public async Task An_owner_cannot_revoke_another_tenants_credential_and_others_may_not_manage_credentials()
    {
        await using var server = await TestServer.StartAsync();
        var a = await server.CreateTenantAsync("a");
        var b = await server.CreateTenantAsync("b");
        var (bAnalystId, bAnalyst) = await AdminClient.IssueAsync(server, b.TenantId, "analyst");
        using (var other = await server.SendAsync(HttpMethod.Delete, "/v1/admin/credentials/" + bAnalystId, a.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        using (var stillWorks = await server.SendAsync(HttpMethod.Get, "/v1/analytics/alerts", bAnalyst))
        {
            Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        }

        var (_, officer) = await AdminClient.IssueAsync(server, a.TenantId, "privacy_officer");
        foreach (var token in new[] { officer, bAnalyst })
        {
            using var refused = await server.SendAsync(HttpMethod.Post, "/v1/admin/credentials", token, """{"kind":"admin","role":"owner"}""");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var bad = await server.SendAsync(HttpMethod.Post, "/v1/admin/credentials", a.AdminToken, """{"kind":"admin","role":"root"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_request", await AdminClient.ProblemCodeAsync(bad));
    }
}

using System.Net;
using Candor.Server.Tests.Http;
using Xunit;

namespace Candor.Server.Tests.Analytics;

/// <summary><c>/v1/analytics/views</c> on a real collector: every role saves and deletes, without a token nothing,
/// bad bodies and links get their problem codes, and the changes are in the audit log.</summary>
public sealed class SavedViewEndpointsTests : IAsyncLifetime
{
    private TestServer? _server;

    private TestServer Server => _server!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private async Task<string> IssueAsync(Guid tenant, string role) => (await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Post,
        $"/v1/operator/tenants/{tenant}/credentials", TestServer.OperatorToken, $$"""{"kind":"admin","role":"{{role}}"}""")))["secret"]!.GetValue<string>();

    [Theory]
    [InlineData("analyst")]
    [InlineData("privacy_officer")]
    [InlineData("owner")]
    public async Task Every_role_saves_lists_and_deletes_a_view_and_both_changes_are_audited(string role)
    {
        var tenant = await Server.CreateTenantAsync();
        var token = role == "owner" ? tenant.AdminToken : await IssueAsync(tenant.TenantId, role);

        var saved = await Server.SendAsync(HttpMethod.Post, "/v1/analytics/views", token, """{"name":" Crashes ","link":"/console/failures?kind=crash"}""");
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var view = await TestServer.JsonAsync(saved);
        Assert.Equal(("Crashes", "/console/failures?kind=crash"), (view["name"]!.GetValue<string>(), view["link"]!.GetValue<string>()));
        var id = view["id"]!.GetValue<string>();

        var listed = await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, "/v1/analytics/views", token));
        Assert.Equal(id, Assert.Single(listed)!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/analytics/views/" + id, token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Delete, "/v1/analytics/views/" + id, token)).StatusCode);

        var audit = await (await Server.SendAsync(HttpMethod.Get, "/v1/admin/audit?limit=100", tenant.AdminToken)).Content.ReadAsStringAsync();
        Assert.Contains("view.saved", audit, StringComparison.Ordinal);
        Assert.Contains("view.deleted", audit, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"link":"/console"}""", "invalid_request")]
    [InlineData("""{"name":"","link":"/console"}""", "invalid_request")]
    [InlineData("""{"name":"x","link":"http://127.0.0.1/console"}""", "invalid_link")]
    [InlineData("""{"name":"x","link":"/console/../v1/admin/export"}""", "invalid_link")]
    [InlineData("""{"name":"x"}""", "invalid_link")]
    [InlineData("""[1]""", "invalid_json")]
    public async Task A_bad_body_gets_its_problem_code_and_saves_nothing(string body, string code)
    {
        var tenant = await Server.CreateTenantAsync();
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/analytics/views", tenant.AdminToken, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await TestServer.JsonAsync(response))["code"]!.GetValue<string>());
        Assert.Empty(await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, "/v1/analytics/views", tenant.AdminToken)));
    }

    [Fact]
    public async Task Without_an_admin_token_views_are_neither_read_nor_saved()
    {
        var tenant = await Server.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/analytics/views", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await Server.SendAsync(HttpMethod.Post, "/v1/analytics/views", tenant.IngestionKey, """{"name":"x","link":"/console"}""")).StatusCode);
    }
}

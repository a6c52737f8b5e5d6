using System.Net;
using System.Text.Json.Nodes;
using Candor.Server.Tests.Http;
using Candor.Storage;
using Xunit;

namespace Candor.Server.Tests.Analytics;

/// <summary>The console's analytics on a real collector: the paged failure list, a group's detail, triage (who may,
/// the audit, the regressed alert), product series and a release against its predecessor.</summary>
public sealed class FailureTriageEndpointsTests : IAsyncLifetime
{
    private const string Crash = """{"exceptionType":"System.InvalidOperationException","stackSignature":"App!Form.Save|System.Windows.Forms.Control.OnClick"}""";

    private TestServer? _server;

    private TestServer Server => _server!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private async Task<(TenantCredentials Tenant, string Analyst, string Officer)> SeedAsync()
    {
        var tenant = await Server.CreateTenantAsync();
        async Task<string> IssueAsync(string role) => (await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Post,
            $"/v1/operator/tenants/{tenant.TenantId}/credentials", TestServer.OperatorToken, $$"""{"kind":"admin","role":"{{role}}"}""")))["secret"]!.GetValue<string>();
        var (d1, d2) = (Guid.NewGuid(), Guid.NewGuid());
        var (s1, s2, s3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var t = tenant.TenantId;
        await Server.Store.AppendAsync(
        [
            AnalyticsEndpointsTests.Event(t, d1, s1, "app.session.started", "1.2.0", "{}", 1),
            AnalyticsEndpointsTests.Event(t, d1, s1, "app.crashed", "1.2.0", Crash, 2),
            AnalyticsEndpointsTests.Event(t, d2, s2, "app.session.started", "1.3.0", "{}", 3),
            AnalyticsEndpointsTests.Event(t, d2, s2, "app.crashed", "1.3.0", Crash, 4),
            AnalyticsEndpointsTests.Event(t, d2, s3, "app.session.started", "1.3.0", "{}", 5),
            AnalyticsEndpointsTests.Event(t, d2, s3, "app.feature.failed", "1.3.0", """{"feature":"sync","errorCode":"E42"}""", 6),
        ]);
        return (tenant, await IssueAsync("analyst"), await IssueAsync("privacy_officer"));
    }

    [Fact]
    public async Task The_failure_list_pages_with_a_total_and_a_group_detail_marks_in_app_frames()
    {
        var (_, analyst, _) = await SeedAsync();
        await Server.SendAsync(HttpMethod.Post, "/v1/analytics/refresh", analyst);

        var first = await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures?limit=1&sort=devices", analyst);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("2", Assert.Single(first.Headers.GetValues("X-Total-Count")));
        var crash = Assert.Single((await TestServer.JsonAsync2(first)))!;
        Assert.Equal(("crash", 2, "open"), (crash["kind"]!.GetValue<string>(), crash["devices"]!.GetValue<long>(), crash["state"]!.GetValue<string>()));
        var second = await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures?limit=1&offset=1&sort=devices", analyst));
        Assert.Equal("sync / E42", Assert.Single(second)!["key"]!.GetValue<string>());

        var key = crash["key"]!.GetValue<string>();
        var detail = await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Get, $"/v1/analytics/failures/group?kind=crash&key={key}", analyst));
        Assert.Equal([true, false], detail["stack"]!.AsArray().Select(f => f!["inApp"]!.GetValue<bool>()));
        Assert.Equal(["1.3.0", "1.2.0"], detail["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("Windows", detail["byOs"]!.AsArray().Single()!["label"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures/group?kind=crash&key=nope", analyst)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures?sort=loudest", analyst)).StatusCode);
    }

    [Fact]
    public async Task An_analyst_resolves_a_group_audited_and_its_return_in_a_newer_version_raises_a_regressed_alert()
    {
        var (tenant, analyst, officer) = await SeedAsync();
        await Server.SendAsync(HttpMethod.Post, "/v1/analytics/refresh", analyst);
        var key = (await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures?kind=crash", analyst))).Single()!["key"]!.GetValue<string>();
        var resolve = $$"""{"kind":"crash","key":"{{key}}","state":"resolved","resolvedIn":"1.4.0"}""";

        Assert.Equal(HttpStatusCode.Forbidden, (await Server.SendAsync(HttpMethod.Post, "/v1/analytics/failures/triage", officer, resolve)).StatusCode);
        var resolved = await Server.SendAsync(HttpMethod.Post, "/v1/analytics/failures/triage", analyst, resolve);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var state = await TestServer.JsonAsync(resolved);
        Assert.Equal(("resolved", "1.4.0"), (state["state"]!.GetValue<string>(), state["resolvedIn"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, (await Server.SendAsync(HttpMethod.Post, "/v1/analytics/failures/triage", analyst,
            """{"kind":"crash","key":"x","state":"ignored","resolvedIn":"1.0"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Post, "/v1/analytics/failures/triage", analyst,
            """{"kind":"feature","key":"no / such","state":"ignored"}""")).StatusCode);

        var audit = new List<AuditRecord>();
        await foreach (var record in Server.Store.ReadAuditAsync(tenant.TenantId))
        {
            audit.Add(record);
        }

        Assert.Contains(audit, a => a.Action == "failure.triaged" && a.Target == "crash " + key && a.After!.Contains("1.4.0", StringComparison.Ordinal));

        // The same crash, received after the resolution, from the version it was resolved in.
        Server.Time.Advance(TimeSpan.FromMinutes(30));
        var again = AnalyticsEndpointsTests.Event(tenant.TenantId, Guid.NewGuid(), Guid.NewGuid(), "app.crashed", "1.4.0", Crash, 7);
        await Server.Store.AppendAsync([again with { ReceivedAt = Server.Time.GetUtcNow(), Time = Server.Time.GetUtcNow().AddSeconds(-5) }]);
        await Server.SendAsync(HttpMethod.Post, "/v1/analytics/refresh", analyst);

        var alerts = await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, "/v1/analytics/alerts", analyst));
        var alert = Assert.Single(alerts, a => a!["kind"]!.GetValue<string>() == "failure_regressed")!;
        Assert.Contains("is back", alert["subject"]!.GetValue<string>(), StringComparison.Ordinal);
        var triage = await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, "/v1/analytics/failures/triage", analyst));
        Assert.Equal(("regressed", "1.4.0"), (triage.Single()!["state"]!.GetValue<string>(), triage.Single()!["regressedVersion"]!.GetValue<string>()));

        // Detection runs every round: the alert is raised once.
        await Server.SendAsync(HttpMethod.Post, "/v1/analytics/refresh", analyst);
        Assert.Single(await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, "/v1/analytics/alerts", analyst)),
            a => a!["kind"]!.GetValue<string>() == "failure_regressed");
    }

    [Fact]
    public async Task Series_release_detail_and_new_failures_answer_for_a_pinned_window()
    {
        var (_, analyst, _) = await SeedAsync();
        await Server.SendAsync(HttpMethod.Post, "/v1/analytics/refresh", analyst);
        var day = Events.Now.AddHours(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var window = $"from={day}&to={day}";

        var series = (await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, $"/v1/analytics/series?{window}", analyst))).Single()!;
        var today = series["days"]!.AsArray().Single()!;
        Assert.Equal((3, 2, 2), (today["sessions"]!.GetValue<long>(), today["crashedSessions"]!.GetValue<long>(), today["activeDevices"]!.GetValue<long>()));
        Assert.Equal(6, series["eventsByCategory"]!.AsArray().Sum(c => c!["events"]!.GetValue<long>()));

        var detail = await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Get, $"/v1/analytics/releases/detail?{window}&product=p.api&version=1.3.0", analyst));
        Assert.Equal("1.2.0", detail["predecessor"]!.GetValue<string>());
        Assert.Equal(0.5, detail["current"]!["days"]!.AsArray().Single()!["adoption"]!.GetValue<double>());
        Assert.Equal("sync / E42", detail["newFailureGroups"]!.AsArray().Single()!["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await Server.SendAsync(HttpMethod.Get, "/v1/analytics/releases/detail?product=p.api", analyst)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Get, "/v1/analytics/releases/detail?product=p.api&version=7", analyst)).StatusCode);

        var counts = await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, $"/v1/analytics/releases/new-failures?{window}", analyst));
        Assert.Equal(["1.3.0 1", "1.2.0 1"], counts.Select(c => c!["version"]!.GetValue<string>() + " " + c["newFailureGroups"]!.GetValue<long>()));
        var perVersion = await TestServer.JsonAsync2(await Server.SendAsync(HttpMethod.Get, $"/v1/analytics/performance?{window}&byDeviceClass=false", analyst));
        Assert.Empty(perVersion);
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Candor.Server.Tests.Http;

/// <summary>One collector shared by the protocol tests; each test works in tenants of its own.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    internal TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Protocol conformance over HTTP: every status of <c>POST /v1/events</c> and <c>GET /v1/policy</c>, and
/// every rejection code, against a real Kestrel and a real DuckDB file.</summary>
public sealed class ProtocolTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await TestServer.JsonAsync(response);
        Assert.Equal(code, problem["code"]?.GetValue<string>());
        Assert.Equal((int)status, problem["status"]?.GetValue<int>());
    }

    [Fact]
    public async Task Valid_batch_gets_200_and_every_event_is_stored()
    {
        var tenant = await Server.CreateTenantAsync();
        var response = await Server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid(), Events.Valid(), Events.Valid()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestServer.JsonAsync(response);
        Assert.Equal(3, body["accepted"]!.GetValue<int>());
        Assert.Equal(0, body["duplicates"]!.GetValue<int>());
        Assert.Empty(body["rejected"]!.AsArray());
        Assert.Equal(3, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Retried_batch_stores_nothing_twice()
    {
        var tenant = await Server.CreateTenantAsync();
        var batch = Events.Batch(Events.Valid(), Events.Valid());
        var first = await TestServer.JsonAsync(await Server.PostAsync(tenant.IngestionKey, batch));
        var second = await TestServer.JsonAsync(await Server.PostAsync(tenant.IngestionKey, batch, gzip: true));

        Assert.Equal(2, first["accepted"]!.GetValue<int>());
        Assert.Equal(0, second["accepted"]!.GetValue<int>());
        Assert.Equal(2, second["duplicates"]!.GetValue<int>());
        Assert.Equal(2, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Concurrent_retries_of_one_batch_store_it_once()
    {
        var tenant = await Server.CreateTenantAsync();
        var batch = Events.Batch([.. Enumerable.Range(0, 50).Select(_ => Events.Valid())]);
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Server.PostAsync(tenant.IngestionKey, batch)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(TestServer.JsonAsync));
        Assert.Equal(50, bodies.Sum(b => b["accepted"]!.GetValue<int>()));
        Assert.Equal(50 * 7, bodies.Sum(b => b["duplicates"]!.GetValue<int>()));
        Assert.Equal(50, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Every_rejection_code_is_named_by_index()
    {
        var tenant = await Server.CreateTenantAsync();
        var put = await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", tenant.AdminToken, """
            {"collection":"on","levels":["required"],"categories":["device_connectivity_and_configuration",
             "product_and_service_performance","software_setup_and_inventory"],"retentionDays":90,"uploadIntervalSeconds":60}
            """);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        JsonObject With(Action<JsonObject> change)
        {
            var e = Events.Valid();
            change(e);
            return e;
        }

        var cases = new (string Code, JsonObject Event)[]
        {
            ("unknown_event", Events.Valid(name: "no.such.event")),
            ("unknown_product", With(e => e["product"] = "test.nothing")),
            ("level_not_allowed", Events.Valid(name: "app.feature.used")),
            ("category_not_allowed", With(e =>
            {
                e["name"] = "other.only.event";
                e["product"] = TestCatalogs.OtherProduct;
                e["data"] = new JsonObject();
            })),
            ("undeclared_field", With(e => ((JsonObject)e["data"]!)["extra"] = 1)),
            ("invalid_field", With(e => ((JsonObject)e["data"]!)["durationMs"] = "slow")),
            ("pii_detected", With(e => ((JsonObject)e["data"]!)["userRef"] = "someone@contoso.com")),
            ("expired_event", Events.Valid(name: "app.legacy.sync")),
            ("invalid_envelope", With(e => e.Remove("session"))),
            ("too_old", Events.Valid(time: Events.Now.AddDays(-60))),
            ("in_future", Events.Valid(time: Events.Now.AddDays(1))),
        };
        var response = await Server.PostAsync(tenant.IngestionKey, Events.Batch([Events.Valid(), .. cases.Select(c => c.Event)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestServer.JsonAsync(response);
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        var rejected = body["rejected"]!.AsArray();
        Assert.Equal(cases.Length, rejected.Count);
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(i + 1, rejected[i]!["index"]!.GetValue<int>());
            Assert.Equal(cases[i].Code, rejected[i]!["code"]!.GetValue<string>());
            Assert.Equal(cases[i].Event["id"]!.GetValue<string>(), rejected[i]!["id"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(rejected[i]!["message"]!.GetValue<string>()));
        }

        Assert.Equal(1, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Missing_unknown_or_wrong_kind_of_key_gets_401()
    {
        var tenant = await Server.CreateTenantAsync();
        var batch = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid()));
        await AssertProblemAsync(await Server.PostBytesAsync(null, batch), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await Server.PostBytesAsync("cik_unknown", batch), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await Server.PostBytesAsync(tenant.AdminToken, batch), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Collection_turned_off_gets_403_until_turned_on_again()
    {
        var tenant = await Server.CreateTenantAsync();
        const string Off = """{"collection":"off","levels":["required"],"categories":[],"retentionDays":30,"uploadIntervalSeconds":60}""";
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", tenant.AdminToken, Off)).StatusCode);

        await AssertProblemAsync(await Server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid())), HttpStatusCode.Forbidden, "collection_off");
        var policy = await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Get, "/v1/policy", tenant.IngestionKey));
        Assert.Equal("off", policy["collection"]!.GetValue<string>());

        const string On = """{"collection":"on","levels":["required"],"categories":["product_and_service_performance"],"retentionDays":30,"uploadIntervalSeconds":60}""";
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", tenant.AdminToken, On)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()))).StatusCode);
    }

    [Fact]
    public async Task Body_over_the_compressed_limit_gets_413()
    {
        var tenant = await Server.CreateTenantAsync();
        var big = Encoding.UTF8.GetBytes("{\"events\":[],\"pad\":\"" + new string('x', 1_100_000) + "\"}");
        await AssertProblemAsync(await Server.PostBytesAsync(tenant.IngestionKey, big), HttpStatusCode.RequestEntityTooLarge, "body_too_large");
    }

    [Fact]
    public async Task Gzip_bomb_gets_413()
    {
        var tenant = await Server.CreateTenantAsync();
        var bomb = Encoding.UTF8.GetBytes("{\"events\":[],\"pad\":\"" + new string(' ', 50_000_000) + "\"}");
        await AssertProblemAsync(await Server.PostBytesAsync(tenant.IngestionKey, bomb, gzip: true), HttpStatusCode.RequestEntityTooLarge, "body_too_large");
    }

    [Fact]
    public async Task Batch_over_the_event_limit_gets_413()
    {
        var tenant = await Server.CreateTenantAsync();
        var batch = Events.Batch([.. Enumerable.Range(0, 1001).Select(_ => Events.Valid())]);
        await AssertProblemAsync(await Server.PostAsync(tenant.IngestionKey, batch, gzip: true), HttpStatusCode.RequestEntityTooLarge, "too_many_events");
        Assert.Equal(0, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Theory]
    [InlineData("not json", false, "invalid_json")]
    [InlineData("[1,2]", false, "invalid_batch")]
    [InlineData("{\"events\":[{\"id\":", true, "invalid_json")]
    public async Task Body_that_is_not_a_batch_gets_400(string body, bool gzip, string code)
    {
        var tenant = await Server.CreateTenantAsync();
        await AssertProblemAsync(await Server.PostAsync(tenant.IngestionKey, body, gzip), HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Invalid_utf8_gets_400()
    {
        var tenant = await Server.CreateTenantAsync();
        var body = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid()));
        body[body.Length / 2] = 0xC3;
        body[(body.Length / 2) + 1] = 0x28;
        await AssertProblemAsync(await Server.PostBytesAsync(tenant.IngestionKey, body), HttpStatusCode.BadRequest, "invalid_utf8");
    }

    [Fact]
    public async Task Bad_gzip_gets_400()
    {
        var tenant = await Server.CreateTenantAsync();
        var response = await Server.PostBytesAsync(tenant.IngestionKey, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], gzip: false,
            contentType: "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new ByteArrayContent([0x1f, 0x8b, 8, 0, 9, 9, 9]) };
        request.Content.Headers.ContentType = new("application/json");
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Authorization = new("Bearer", tenant.IngestionKey);
        await AssertProblemAsync(await Server.Http.SendAsync(request), HttpStatusCode.BadRequest, "invalid_gzip");
    }

    [Fact]
    public async Task Wrong_content_type_gets_415()
    {
        var tenant = await Server.CreateTenantAsync();
        await AssertProblemAsync(await Server.PostBytesAsync(tenant.IngestionKey, Encoding.UTF8.GetBytes("{}"), contentType: "text/plain"),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Policy_defaults_to_the_family_rule_and_honours_if_none_match()
    {
        var tenant = await Server.CreateTenantAsync();
        var response = await Server.SendAsync(HttpMethod.Get, "/v1/policy", tenant.IngestionKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        var policy = await TestServer.JsonAsync(response);
        Assert.Equal("on", policy["collection"]!.GetValue<string>());
        Assert.Equal(["required"], policy["levels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(4, policy["categories"]!.AsArray().Count);
        Assert.Equal(90, policy["retentionDays"]!.GetValue<int>());
        Assert.Equal(60, policy["uploadIntervalSeconds"]!.GetValue<int>());

        var again = await Server.SendAsync(HttpMethod.Get, "/v1/policy", tenant.IngestionKey, configure: r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);

        var put = await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", tenant.AdminToken,
            """{"collection":"on","levels":["required"],"categories":["product_and_service_usage"],"retentionDays":30,"uploadIntervalSeconds":120}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var changed = await Server.SendAsync(HttpMethod.Get, "/v1/policy", tenant.IngestionKey, configure: r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal(120, (await TestServer.JsonAsync(changed))["uploadIntervalSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Default_policy_of_a_family_that_collects_optional_data_allows_both_levels()
    {
        var tenant = await Server.CreateTenantAsync(family: "open-clients");
        var policy = await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Get, "/v1/policy", tenant.IngestionKey));
        Assert.Equal(["required", "optional"], policy["levels"]!.AsArray().Select(l => l!.GetValue<string>()));
    }

    [Fact]
    public async Task Policy_that_widens_the_family_rule_is_refused_with_every_error()
    {
        var tenant = await Server.CreateTenantAsync();
        var response = await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", tenant.AdminToken,
            """{"collection":"maybe","levels":["optional"],"categories":["nope"],"retentionDays":9999,"uploadIntervalSeconds":1}""");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_policy");
        var errors = (await TestServer.JsonAsync(await Server.SendAsync(HttpMethod.Put, "/v1/admin/policy", tenant.AdminToken,
            """{"collection":"maybe","levels":["optional"],"categories":["nope"],"retentionDays":9999,"uploadIntervalSeconds":1}""")))["errors"]!.AsArray();
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public async Task Policy_without_a_valid_key_gets_401()
    {
        await AssertProblemAsync(await Server.SendAsync(HttpMethod.Get, "/v1/policy", null), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await Server.SendAsync(HttpMethod.Get, "/v1/policy", "cik_nothing"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Health_readiness_and_openapi_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/readyz")).StatusCode);
        var openapi = await Server.Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"/v1/events\"", openapi, StringComparison.Ordinal);
        Assert.Contains("\"/v1/policy\"", openapi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_get_problem_details_with_a_code()
    {
        await AssertProblemAsync(await Server.Http.GetAsync("/v2/nothing"), HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await Server.Http.GetAsync("/v1/events"), HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task Pii_is_redacted_or_rejected_and_never_stored_or_logged()
    {
        var tenant = await Server.CreateTenantAsync();
        const string Secret = "victim.person@contoso-secret.com";
        var redacted = Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["message"] = "by " + Secret });
        var rejected = Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["userRef"] = Secret });
        var body = await TestServer.JsonAsync(await Server.PostAsync(tenant.IngestionKey, Events.Batch(redacted, rejected)));

        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        Assert.Equal(1, body["redacted"]!.GetValue<int>());
        Assert.Equal("pii_detected", body["rejected"]![0]!["code"]!.GetValue<string>());
        Assert.DoesNotContain("victim", body.ToJsonString(), StringComparison.Ordinal);
        var device = Guid.Parse("c3f4a2d1-5b6e-4f70-8a91-b2c3d4e5f607");
        await foreach (var stored in Server.Store.ReadDeviceEventsAsync(tenant.TenantId, device))
        {
            Assert.DoesNotContain("victim", stored.Data, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Server.Logs, line => line.Contains("victim", StringComparison.Ordinal));
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Candor.Client.Tests.Infrastructure;
using Candor.Server;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Client.Tests.EndToEnd;

/// <summary>Issue 5 §1, the whole loop through the real collector: an administrator changes the policy with
/// <c>PUT /v1/admin/policy</c>, the SDK obeys it within one poll, the collector refuses stragglers, and the store
/// holds nothing the policy forbids from the change on.</summary>
public sealed class PolicyLoopEndToEndTests : IAsyncLifetime
{
    private const string Usage = "product_and_service_usage";
    private const string UsageEvent = "fieldservice.work_order.status_changed";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly TempFolder _temp = new();
    private CandorServerHandle _server = null!;
    private TenantCredentials _tenant = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var options = new CandorServerOptions { Urls = "http://127.0.0.1:0", DataDirectory = _temp.Sub("server"), LogLevel = LogLevel.Warning };
        options.Catalogs.Add(TestCatalogs.Shipped);
        _server = await CandorServer.StartAsync(options);
        _tenant = await _server.CreateTenantAsync("contoso", TestCatalogs.Shipped.Family.Id);
        _http = new HttpClient { BaseAddress = _server.Address };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_category_turned_off_by_the_administrator_stops_within_one_poll_and_nothing_of_it_is_stored_after()
    {
        await PutPolicyAsync(Policy("on", Usage, "product_and_service_performance", "software_setup_and_inventory"));
        await using var client = CreateClient();
        await client.FlushAsync(TimeSpan.FromSeconds(20));
        client.Track(UsageEvent, StatusChange());
        Assert.True((await client.FlushAsync(TimeSpan.FromSeconds(20))).Completed);
        var before = await ExportAsync();
        var usageBefore = before.Count(e => e["category"]!.GetValue<string>() == Usage);
        Assert.True(usageBefore > 0, "usage was collected while the policy allowed it");

        await PutPolicyAsync(Policy("on", "product_and_service_performance", "software_setup_and_inventory"));
        var changed = Stopwatch.StartNew();
        await Eventually.TrueAsync(
            () =>
            {
                client.Track(UsageEvent, StatusChange());
                return client.GetDiagnostics().FilteredFor("category_not_allowed") > 0;
            },
            "the SDK applied the new policy");
        // One poll interval plus the time for one request; generous for a loaded machine.
        Assert.True(changed.Elapsed < PollInterval * 2 + TimeSpan.FromSeconds(3), $"applied after {changed.Elapsed}");
        client.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 12, ["result"] = "success" });
        Assert.True((await client.FlushAsync(TimeSpan.FromSeconds(20))).Completed);

        // A straggler (an SDK that has not polled yet) is refused by the collector.
        var straggler = Straggler(before.First(e => e["category"]!.GetValue<string>() == Usage));
        using (var response = await PostAsync(straggler))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var rejected = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["rejected"]!.AsArray();
            Assert.Equal("category_not_allowed", Assert.Single(rejected)!["code"]!.GetValue<string>());
        }

        var after = await ExportAsync();
        Assert.Equal(usageBefore, after.Count(e => e["category"]!.GetValue<string>() == Usage));
        Assert.Contains(after, e => e["name"]!.GetValue<string>() == "fieldservice.sync.completed" && e["data"]!["durationMs"]!.GetValue<int>() == 12);
    }

    [Fact]
    public async Task Collection_turned_off_by_the_administrator_gets_403_stores_nothing_and_the_sdk_clears_its_queue()
    {
        await using var client = CreateClient();
        await client.FlushAsync(TimeSpan.FromSeconds(20));
        client.Track(UsageEvent, StatusChange());
        Assert.True((await client.FlushAsync(TimeSpan.FromSeconds(20))).Completed);
        var stored = (await ExportAsync()).Count;
        var sample = (await ExportAsync()).First();
        client.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 5, ["result"] = "success" });
        client.PersistPending();
        Assert.True(client.QueueForTests.Count > 0);

        await PutPolicyAsync(Policy("off"));

        using (var response = await PostAsync(Straggler(sample)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("\"collection_off\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(() => client.QueueForTests.Count == 0, "collection off cleared the SDK's queue");
        client.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 6, ["result"] = "success" });
        client.PersistPending();
        Assert.Equal(0, client.QueueForTests.Count);
        await client.FlushAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(stored, (await ExportAsync()).Count);
    }

    private CandorClient CreateClient() => CandorClient.Create(new CandorClientOptions
    {
        CollectorUrl = _server.Address,
        IngestionKey = _tenant.IngestionKey,
        ProductId = TestCatalogs.Product,
        AppVersion = "9.3.2411.1",
        DataFolder = _temp.Sub("client"),
        Catalog = TestCatalogs.Shipped,
        AutomaticUpload = false,
        CaptureUnhandledExceptions = false,
        PolicyPollInterval = PollInterval,
    });

    private static Dictionary<string, object?> StatusChange() => new() { ["fromStatus"] = "scheduled", ["toStatus"] = "traveling" };

    private static string Policy(string collection, params string[] categories) =>
        $$"""{"collection":"{{collection}}","levels":["required"],"categories":[{{string.Join(',', categories.Select(c => $"\"{c}\""))}}],"retentionDays":90,"uploadIntervalSeconds":60}""";

    /// <summary>A stored event sent again as a new one, as an SDK that missed the change would.</summary>
    private static string Straggler(JsonObject exported)
    {
        var e = (JsonObject)exported.DeepClone();
        e.Remove("level");
        e.Remove("category");
        e.Remove("receivedAt");
        e["id"] = Guid.NewGuid().ToString();
        return new JsonObject { ["events"] = new JsonArray(e) }.ToJsonString();
    }

    private async Task PutPolicyAsync(string policy)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/admin/policy") { Content = new StringContent(policy, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tenant.AdminToken);
        using var response = await _http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> PostAsync(string batch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/events") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tenant.IngestionKey);
        return await _http.SendAsync(request);
    }

    /// <summary>Everything stored for the tenant, through the admin export.</summary>
    private async Task<List<JsonObject>> ExportAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/admin/export");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tenant.AdminToken);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (JsonObject)JsonNode.Parse(l)!)];
    }
}

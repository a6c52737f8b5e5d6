using System.Diagnostics;
using System.Net;
using Xunit;

namespace Candor.Cluster.Tests;

/// <summary>The ingest log's bounds: a full log refuses with <c>log_full</c>, an unreachable one with
/// <c>store_unavailable</c>, and what was acknowledged is stored all the same.</summary>
public sealed class LogFullTests(OneNode cluster) : IClassFixture<OneNode>
{
    [Fact(Timeout = 240_000)]
    public async Task A_full_log_answers_503_log_full_and_loses_nothing_it_acknowledged()
    {
        // 64 KiB holds a few hundred events; no loader runs, as when PostgreSQL is down.
        await using var collector = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats, o => o.LogMaxBytes = 64 * 1024);
        using var http = Cluster.Client(collector);
        var tenant = await collector.CreateTenantAsync("acme-" + Guid.NewGuid().ToString("N")[..6], Server.Tests.TestCatalogs.Family);
        var acknowledged = new List<Guid>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 200 && refused is null; i++)
        {
            var (batch, ids) = Cluster.Batch(20);
            var response = await Cluster.PostAsync(http, tenant.IngestionKey, batch);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                acknowledged.AddRange(ids);
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("log_full", (await Cluster.JsonAsync(refused))["code"]!.GetValue<string>());
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        Assert.True(acknowledged.Count > 0);

        // The loaders come back: everything acknowledged is stored, and the log takes batches again.
        await using (var loader = await LoaderProcess.StartAsync(cluster))
        {
            await Cluster.WaitUntilAsync(async () => await StoredAsync(tenant.TenantId, acknowledged) == acknowledged.Count,
                TimeSpan.FromSeconds(60), $"the {acknowledged.Count} acknowledged events are stored");
            var (rows, distinct) = await cluster.Database.CountEventsAsync(tenant.TenantId);
            Assert.Equal(rows, distinct);
            // The loader acknowledges a message after its events are stored, and JetStream frees its space on that
            // acknowledgement, so the first batch after the count may still find the log full (1 run in 4 here).
            await Cluster.WaitUntilAsync(async () =>
            {
                using var again = await Cluster.PostAsync(http, tenant.IngestionKey, Cluster.Batch(20).Json);
                return again.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(30), "the log takes batches again");
        }


        // The log gone altogether: the collector refuses (and is not ready) rather than acknowledge what it cannot keep.
        cluster.Nats.Kill(0);
        using var unreachable = await Cluster.PostAsync(http, tenant.IngestionKey, Cluster.Batch(5).Json);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unreachable.StatusCode);
        Assert.Equal("store_unavailable", (await Cluster.JsonAsync(unreachable))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
    }

    private Task<long> StoredAsync(Guid tenant, List<Guid> ids) =>
        cluster.Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE tenant_id = @t AND event_id = ANY(@ids)",
            ("t", tenant), ("ids", ids.ToArray()));
}

/// <summary>The log unreachable for a while, then back: the collector refuses quickly and keeps running, its loader
/// keeps its loop, and both carry on when the node returns.</summary>
public sealed class LogOutageTests(OneNode cluster) : IClassFixture<OneNode>
{
    [Fact(Timeout = 180_000)]
    public async Task While_the_log_is_unreachable_batches_get_503_within_the_append_timeout_and_ingestion_resumes_when_it_returns()
    {
        await using var collector = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats);
        await using var loader = await LoaderProcess.StartAsync(cluster);
        using var http = Cluster.Client(collector);
        var tenant = await collector.CreateTenantAsync("acme-" + Guid.NewGuid().ToString("N")[..6], Server.Tests.TestCatalogs.Family);
        var acknowledged = new List<Guid>(await NodeFailureTests.SendUntilAcknowledgedAsync(http, tenant.IngestionKey, 20));

        cluster.Nats.Kill(0);
        var watch = Stopwatch.StartNew();
        var refusedBatch = Cluster.Batch(5);
        using (var refused = await Cluster.PostAsync(http, tenant.IngestionKey, refusedBatch.Json))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("store_unavailable", (await Cluster.JsonAsync(refused))["code"]!.GetValue<string>());
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        // Within the append timeout (10 s), not when the connection comes back.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"refused after {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);

        // Long enough for every loop's own publish (presence, the loader's fetch and acknowledgements) to time out.
        await Task.Delay(TimeSpan.FromSeconds(8));
        cluster.Nats.Restart(0);
        await cluster.Nats.WaitForJetStreamAsync(TimeSpan.FromSeconds(60));

        acknowledged.AddRange(await NodeFailureTests.SendUntilAcknowledgedAsync(http, tenant.IngestionKey, 20));
        await Cluster.WaitUntilAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30),
            "the collector is ready again");
        await Cluster.WaitUntilAsync(async () => (await cluster.Database.CountEventsAsync(tenant.TenantId)).Rows >= acknowledged.Count,
            TimeSpan.FromSeconds(60), $"the loader stores the {acknowledged.Count} acknowledged events");
        // Every acknowledged event once. The refused batch was not acknowledged, which is not the same as not stored: the
        // NATS client may still deliver its publish when the node returns (docs/protocol.md, store_unavailable), and a
        // client's retry of it is deduplicated. Nothing else may be there.
        var (rows, distinct) = await cluster.Database.CountEventsAsync(tenant.TenantId);
        Assert.Equal(rows, distinct);
        Assert.Equal(acknowledged.Count, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM events WHERE tenant_id = @t AND event_id = ANY(@ids)", ("t", tenant.TenantId), ("ids", acknowledged.ToArray())));
        Assert.Equal(0, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM events WHERE tenant_id = @t AND NOT (event_id = ANY(@ids))",
            ("t", tenant.TenantId), ("ids", acknowledged.Concat(refusedBatch.Ids).ToArray())));
    }
}

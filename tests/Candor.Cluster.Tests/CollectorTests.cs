using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Candor.Cluster.Tests;

/// <summary>Collectors in cluster mode (<c>--log</c>) over a real 3-node JetStream cluster, with a loader in-process.</summary>
public sealed class CollectorTests(ThreeNodes cluster) : IClassFixture<ThreeNodes>
{
    [Fact]
    public async Task A_batch_is_acknowledged_once_in_the_log_and_a_loader_stores_it_once()
    {
        await using var collector = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats);
        await using var loader = await LoaderProcess.StartAsync(cluster);
        using var http = Cluster.Client(collector);
        var tenant = await collector.CreateTenantAsync("acme-" + Guid.NewGuid().ToString("N")[..6], Server.Tests.TestCatalogs.Family);
        var (batch, _) = Cluster.Batch(20);

        var first = await Cluster.JsonAsync(await Cluster.PostAsync(http, tenant.IngestionKey, batch));
        var again = await Cluster.JsonAsync(await Cluster.PostAsync(http, tenant.IngestionKey, batch));

        Assert.Equal((20, 0), (first["accepted"]!.GetValue<int>(), first["duplicates"]!.GetValue<int>()));
        Assert.Equal((0, 20), (again["accepted"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        await Cluster.WaitUntilAsync(async () => (await cluster.Database.CountEventsAsync(tenant.TenantId)).Rows >= 20, TimeSpan.FromSeconds(60), "20 events are stored");
        await Task.Delay(500);
        Assert.Equal((20L, 20L), await cluster.Database.CountEventsAsync(tenant.TenantId));
    }
}

/// <summary>Losing a NATS node: the stream keeps a quorum of its three replicas, so ingestion goes on.</summary>
public sealed class NodeFailureTests(ThreeNodes cluster) : IClassFixture<ThreeNodes>
{
    [Fact(Timeout = 240_000)]
    public async Task Ingestion_continues_when_a_NATS_node_dies_and_nothing_acknowledged_is_lost()
    {
        await using var collector = await Cluster.StartCollectorAsync(cluster.Database, cluster.Nats);
        await using var loader = await LoaderProcess.StartAsync(cluster);
        using var http = Cluster.Client(collector);
        var tenant = await collector.CreateTenantAsync("acme-" + Guid.NewGuid().ToString("N")[..6], Server.Tests.TestCatalogs.Family);
        var acknowledged = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            if (i == 8)
            {
                // The node this collector is connected to, so that its connection must move to another node: the
                // hardest case, which a random choice would hit one time in three.
                var server = collector.Services.GetRequiredService<Server.Cluster.IngestLog>().Connection.ServerInfo?.Name;
                cluster.Nats.Kill(server is ['n', .. var index] ? int.Parse(index, CultureInfo.InvariantCulture) : 0);
            }

            acknowledged.AddRange(await SendUntilAcknowledgedAsync(http, tenant.IngestionKey, 50));
        }

        await Cluster.WaitUntilAsync(async () => (await cluster.Database.CountEventsAsync(tenant.TenantId)).Rows >= acknowledged.Count,
            TimeSpan.FromSeconds(90), $"the {acknowledged.Count} acknowledged events are stored");
        await Task.Delay(500);
        Assert.Equal(1_000, acknowledged.Count);
        Assert.Equal((1_000L, 1_000L), await cluster.Database.CountEventsAsync(tenant.TenantId));
    }

    /// <summary>Posts one batch until it is acknowledged, as the SDK does: a 503 (the stream electing a new leader)
    /// is retried after a moment.</summary>
    internal static async Task<Guid[]> SendUntilAcknowledgedAsync(HttpClient http, string key, int count)
    {
        var (batch, ids) = Cluster.Batch(count);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            using var response = await Cluster.PostAsync(http, key, batch);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return ids;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "A batch was refused for a minute after one node died.");
            await Task.Delay(500);
        }
    }
}

/// <summary>A loader for the collector tests, in this process: the production loop over its own connection and store.</summary>
internal sealed class LoaderProcess : IAsyncDisposable
{
    private readonly Server.Cluster.IngestLog _log;
    private readonly Storage.Postgres.PostgresStore _store;
    private readonly Server.Cluster.LogLoader _loader;

    private LoaderProcess(Server.Cluster.IngestLog log, Storage.Postgres.PostgresStore store, Server.Cluster.LogLoader loader)
    {
        _log = log;
        _store = store;
        _loader = loader;
    }

    public static async Task<LoaderProcess> StartAsync(ClusterFixture cluster)
    {
        var log = await Cluster.ConnectLogAsync(cluster.Nats, ensureStream: false);
        var store = await Cluster.OpenStoreAsync(cluster.Database);
        var loader = new Server.Cluster.LogLoader(log.JetStream, store, new Server.Cluster.LoaderOptions
        {
            BatchSize = 1_000,
            FetchWait = TimeSpan.FromSeconds(1),
            AckWait = TimeSpan.FromSeconds(3),
            RetryDelay = TimeSpan.FromMilliseconds(200),
        }, Cluster.Log);
        await loader.StartAsync(CancellationToken.None);
        return new LoaderProcess(log, store, loader);
    }

    public async ValueTask DisposeAsync()
    {
        await _loader.DisposeAsync();
        await _log.DisposeAsync();
        await _store.DisposeAsync();
    }
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Candor.Core.Model;
using Candor.Server;
using Candor.Server.Cluster;
using Candor.Server.Tests;
using Candor.Storage;
using Candor.Storage.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Candor.Cluster.Tests;

/// <summary>A test class's cluster: a JetStream cluster of <see cref="Nodes"/> nodes and a fresh, migrated
/// PostgreSQL database, both torn down after the class, whether its tests passed or not.</summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    internal NatsCluster Nats { get; private set; } = null!;

    internal PostgresDatabase Database { get; private set; } = null!;

    protected abstract int Nodes { get; }

    public async Task InitializeAsync()
    {
        Database = await PostgresDatabase.CreateAsync();
        await using (var store = await Cluster.OpenStoreAsync(Database))
        {
            await store.MigrateAsync();
        }

        Nats = await NatsCluster.StartAsync(Nodes);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Nats is not null)
            {
                await Nats.DisposeAsync();
            }
        }
        finally
        {
            if (Database is not null)
            {
                await Database.DisposeAsync();
            }
        }
    }
}

/// <summary>Three NATS nodes (the stream has three replicas).</summary>
public sealed class ThreeNodes : ClusterFixture
{
    protected override int Nodes => 3;
}

/// <summary>One NATS node, for what does not need replication (a full log).</summary>
public sealed class OneNode : ClusterFixture
{
    protected override int Nodes => 1;
}

/// <summary>What the cluster tests build on: events, the log, the store, collectors and waiting.</summary>
internal static class Cluster
{
    public static readonly ILogger Log = NullLogger.Instance;

    public static Task<PostgresStore> OpenStoreAsync(PostgresDatabase database) =>
        PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = database.ConnectionString });

    /// <summary>Connects to the cluster and, as a collector does, makes sure the stream exists (a loader does not:
    /// <paramref name="ensureStream"/> false leaves the stream as the collectors made it).</summary>
    public static async Task<IngestLog> ConnectLogAsync(NatsCluster nats, bool ensureStream = true)
    {
        var log = await IngestLog.ConnectAsync(new IngestLogOptions { Servers = IngestLogOptions.ParseServers(nats.Servers) },
            "candor-test", CancellationToken.None);
        if (ensureStream)
        {
            await log.EnsureStreamAsync(Log, CancellationToken.None);
        }

        return log;
    }

    /// <summary>Events of one tenant as a collector accepts them.</summary>
    public static List<StoredEvent> Events(Guid tenant, int count)
    {
        var now = TimeProvider.System.GetUtcNow();
        return [.. Enumerable.Range(0, count).Select(i => new StoredEvent
        {
            TenantId = tenant,
            EventId = Guid.CreateVersion7(),
            Name = TestCatalogs.Sync,
            Level = DataLevel.Required,
            Category = DataCategory.ProductAndServicePerformance,
            Product = TestCatalogs.Product,
            AppVersion = "9.3.2411.1",
            Sdk = "candor-dotnet/1.0.0",
            SessionId = Guid.NewGuid(),
            DeviceId = Guid.NewGuid(),
            DeviceClass = "desktop",
            Os = "Windows",
            OsVersion = "11",
            Arch = "x64",
            Locale = "en-GB",
            Seq = i,
            Time = now.AddSeconds(-10),
            ReceivedAt = now,
            Data = """{"durationMs":12,"result":"success"}""",
        })];
    }

    /// <summary>A wire batch of <paramref name="count"/> valid events happening now, and their ids.</summary>
    public static (string Json, Guid[] Ids) Batch(int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        var now = TimeProvider.System.GetUtcNow().AddSeconds(-5);
        return (Server.Tests.Events.Batch([.. ids.Select(id => Server.Tests.Events.Valid(time: now, id: id))]), ids);
    }

    /// <summary>A collector in this process over the database, appending to the cluster's log when given one.</summary>
    public static Task<CandorServerHandle> StartCollectorAsync(PostgresDatabase database, NatsCluster? nats, Action<CandorServerOptions>? configure = null)
    {
        var options = new CandorServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Store = database.ConnectionString,
            Log = nats?.Servers,
            DataDirectory = Path.Combine(Path.GetTempPath(), "candor-cluster-" + Guid.NewGuid().ToString("N")),
            OperatorToken = OperatorToken,
            LogLevel = LogLevel.Warning,
            LeaderCheckInterval = TimeSpan.FromMilliseconds(500),
            PresenceInterval = TimeSpan.FromMilliseconds(500),
        };
        options.Catalogs.Add(TestCatalogs.Create());
        configure?.Invoke(options);
        return CandorServer.StartAsync(options);
    }

    public const string OperatorToken = "operator-token-for-the-cluster-tests-0123456789";

    public static HttpClient Client(CandorServerHandle collector) =>
        new() { BaseAddress = collector.Address, Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await client.SendAsync(request);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>Polls until the condition holds; fails the test with <paramref name="what"/> when it does not in time.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F0} s waiting until {what}.");
            }

            await Task.Delay(100);
        }
    }
}

using System.Collections.Concurrent;
using Candor.Analytics.Alerts;
using Candor.Server.Analytics;
using Candor.Server.Tests.Http;
using Candor.Storage;
using Candor.Storage.DuckDb;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Candor.Server.Tests.Analytics;

/// <summary>A background analytics round runs under a lower DuckDB memory limit, and the store gets its configured limit
/// back after the round (issue 11: the collector's peak memory follows DuckDB's limit during the rounds).</summary>
public sealed class RoundMemoryLimitTests
{
    [Fact]
    public async Task A_round_reads_the_store_under_three_quarters_of_the_limit_and_gives_the_limit_back()
    {
        var folder = Path.Combine(Path.GetTempPath(), "candor-round-memory-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder, MemoryLimitMiB = 400 });
            await store.MigrateAsync();
            await store.CreateTenantAsync(new TenantRecord(Guid.NewGuid(), "t", "test", Events.Now), default);
            Assert.Equal("400.0 MiB", await LimitAsync(store));

            var recording = new LimitRecordingStore(store);
            using var webhooks = new WebhookClient(new WebhookAddressFilter([]));
            var service = new AnalyticsService(recording, store, new FakeTimeProvider(Events.Now), TimeSpan.FromMinutes(1), webhooks, 1,
                NullLogger<AnalyticsService>.Instance, memoryLimitMiB: 400);
            Assert.Equal((400, 300), (service.RoundMemory!.LimitMiB, service.RoundMemory.RoundLimitMiB));

            // The first round projects (nothing) and, being the first, detects for the tenant: both read the store.
            await service.StartAsync(default);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!(recording.Limits.Count > 0 && await LimitAsync(store) == "400.0 MiB") && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            await service.StopAsync(default);
            // The projection (it reads the arrivals first) and detection (sessions per version first) ran under the round's
            // limit; the alerts' delivery after the round (a small read of due alerts) runs under the configured one.
            var round = recording.Limits.Where(r => !r.Sql.Contains("analytics_alert", StringComparison.Ordinal)).ToList();
            Assert.Contains(round, r => r.Sql.Contains("analytics_arrivals", StringComparison.Ordinal));
            Assert.Contains(round, r => r.Sql.Contains("FROM analytics_sessions s", StringComparison.Ordinal));
            Assert.All(round, r => Assert.Equal("300.0 MiB", r.Limit));
            Assert.Equal("400.0 MiB", await LimitAsync(store));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task The_collector_on_DuckDB_gives_its_rounds_the_configured_limit()
    {
        await using var server = await TestServer.StartAsync(o => o.DuckDbMemoryLimitMiB = 256);
        var limit = server.Handle.Services.GetRequiredService<AnalyticsService>().RoundMemory;
        Assert.NotNull(limit);
        Assert.Equal((256, 192), (limit.LimitMiB, limit.RoundLimitMiB));
    }

    private static async Task<string> LimitAsync(IAnalyticsStore store) =>
        (string)(await store.QueryAsync(new SqlStatement("SELECT current_setting('memory_limit')")))[0][0]!;

    /// <summary>The store a round uses: before each of the round's statements, records the memory limit it runs under and
    /// the statement.</summary>
    private sealed class LimitRecordingStore(DuckDbStore inner) : IAnalyticsStore
    {
        public ConcurrentQueue<(string Limit, string Sql)> Limits { get; } = new();

        public SqlDialect Dialect => inner.Dialect;

        public async Task<IReadOnlyList<long>> ExecuteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
        {
            Limits.Enqueue((await LimitAsync(inner), statements[0].Sql));
            return await inner.ExecuteAsync(statements, cancellationToken);
        }

        public async Task<IReadOnlyList<object?[]>> QueryAsync(SqlStatement query, CancellationToken cancellationToken = default)
        {
            if (!query.Sql.StartsWith("SET memory_limit", StringComparison.Ordinal))
            {
                Limits.Enqueue((await LimitAsync(inner), query.Sql));
            }

            return await inner.QueryAsync(query, cancellationToken);
        }
    }
}

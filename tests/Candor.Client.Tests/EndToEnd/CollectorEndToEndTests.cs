using System.Diagnostics;
using System.Text.Json;
using Candor.Client.Tests.Infrastructure;
using Candor.Server;
using Xunit;
using Xunit.Abstractions;

namespace Candor.Client.Tests.EndToEnd;

/// <summary>The SDK against the real collector (Candor.Server on Kestrel, 127.0.0.1 port 0) and its real DuckDB
/// store: what the store holds at the end is read back from the DuckDB file.</summary>
public sealed class CollectorEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Exactly_the_events_the_policy_allows_arrive_and_planted_personal_data_never_reaches_a_stored_value()
    {
        var server = await LoopbackCollector.StartAsync(_temp.Sub("server"));
        TenantCredentials tenant;
        try
        {
            tenant = await server.CreateTenantAsync("contoso", TestCatalogs.Shipped.Family.Id);
            await LoopbackCollector.PutPolicyAsync(server.Address, tenant.AdminToken, """
                {"collection":"on","levels":["required"],"categories":["product_and_service_performance","software_setup_and_inventory"],"retentionDays":90,"uploadIntervalSeconds":60}
                """);

            await using var client = CandorClient.Create(Options(server.Address, tenant.IngestionKey));
            client.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 1840, ["recordCount"] = 312, ["result"] = "success" });
            client.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 90, ["result"] = "failed" });
            client.Track("fieldservice.work_order.status_changed", new Dictionary<string, object?> { ["fromStatus"] = "scheduled", ["toStatus"] = "traveling" });
            client.ReportFeatureFailure("offline_sync", "denied for jane.doe@contoso.com");
            client.ReportFeatureFailure("offline_sync", "0x80072EE7");
            using (var op = client.StartOperation("work_order_sync"))
            {
                op.Complete();
            }

            var receipt = await client.FlushAsync(TimeSpan.FromSeconds(20));
            Assert.True(receipt.Completed, "the flush emptied the queue");
            // Events recorded before the first policy answer were queued under the default policy; the tenant's
            // policy removed those it forbids before anything was uploaded.
            Assert.True(receipt.Dropped.Keys.All(k => k == "policy_changed"), string.Join(", ", receipt.Dropped.Select(d => d.Key + "=" + d.Value)) + "; " +
                string.Join(", ", client.ReadTranscript().Select(t => t.Name + ":" + t.Outcome)));
        }
        finally
        {
            await server.DisposeAsync();
        }

        var stored = LoopbackCollector.ReadStore(_temp.Sub("server"), tenant.TenantId);
        var names = stored.Select(r => r.Name).Order().ToList();
        // Usage (session, work order) and device configuration are outside the policy: none of them may arrive.
        string[] expected =
        [
            "app.feature.failed", "app.feature.failed", "app.first_run", "app.installed", "app.operation.completed",
            "fieldservice.sync.completed", "fieldservice.sync.completed",
        ];
        Assert.Equal(expected, names);
        Assert.All(stored, r => Assert.Contains(r.Category, new[] { "product_and_service_performance", "software_setup_and_inventory" }));
        Assert.DoesNotContain(stored, r => r.Data.Contains("jane", StringComparison.OrdinalIgnoreCase) || r.Data.Contains("contoso", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(stored, r => r.Name == "app.feature.failed" && r.Data.Contains("[redacted:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_killed_and_restarted_mid_stream_loses_no_acknowledged_event_and_duplicates_none()
    {
        var server = await LoopbackCollector.StartAsync(_temp.Sub("server"));
        var acknowledged = new HashSet<int>();
        TenantCredentials tenant;
        try
        {
            tenant = await server.CreateTenantAsync("fabrikam", TestCatalogs.Shipped.Family.Id);
            var data = _temp.Sub("device");
            var random = new Random(1129);
            const int runs = 6;
            for (var run = 0; run < runs; run++)
            {
                var start = new ProcessStartInfo(Path.ChangeExtension(TestCatalogs.BuiltProgram("tests/Candor.Client.CrashHost", "Candor.Client.CrashHost.dll"), null))
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                };
                foreach (var a in new[] { "client", data, server.Address.ToString(), tenant.IngestionKey, TestCatalogs.ShippedPath, ((run + 1) * 1_000_000).ToString() })
                {
                    start.ArgumentList.Add(a);
                }

                using var child = Process.Start(start)!;
                Assert.Equal("ready", await child.StandardOutput.ReadLineAsync());
                var lines = new List<string>();
                var reading = Task.Run(async () =>
                {
                    while (await child.StandardOutput.ReadLineAsync() is { } line)
                    {
                        lock (lines)
                        {
                            lines.Add(line);
                        }
                    }
                });
                await Task.Delay(random.Next(400, 1500));
                child.Kill();
                await child.WaitForExitAsync();
                await reading;
                lock (lines)
                {
                    foreach (var line in lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)))
                    {
                        acknowledged.Add(int.Parse(line.AsSpan(4)));
                    }
                }
            }

            // The next run of the app, undisturbed, sends what the killed runs left in the queue.
            await using var last = CandorClient.Create(Options(server.Address, tenant.IngestionKey, data));
            var receipt = await last.FlushAsync(TimeSpan.FromSeconds(30));
            Assert.True(receipt.Completed);
        }
        finally
        {
            await server.DisposeAsync();
        }

        var counts = LoopbackCollector.ReadStore(_temp.Sub("server"), tenant.TenantId)
            .Where(r => r.Name == "fieldservice.sync.completed")
            .Select(r => JsonDocument.Parse(r.Data).RootElement.GetProperty("recordCount").GetInt32())
            .ToList();
        output.WriteLine($"{acknowledged.Count} events acknowledged over 6 killed runs; {counts.Count} stored");
        Assert.True(acknowledged.Count > 0);
        var duplicates = counts.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToList();
        Assert.True(duplicates.Count == 0, "stored twice: " + string.Join(", ", duplicates));
        var lost = acknowledged.Except(counts).Take(5).ToList();
        Assert.True(lost.Count == 0, "acknowledged but never stored: " + string.Join(", ", lost));
    }

    private CandorClientOptions Options(Uri collector, string key, string? dataFolder = null) => new()
    {
        CollectorUrl = collector,
        IngestionKey = key,
        ProductId = TestCatalogs.Product,
        AppVersion = "9.3.2411.1",
        DataFolder = dataFolder ?? _temp.Sub("client"),
        Catalog = TestCatalogs.Shipped,
        AutomaticUpload = false,
        CaptureUnhandledExceptions = false,
    };
}

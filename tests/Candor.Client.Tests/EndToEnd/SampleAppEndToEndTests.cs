using System.Diagnostics;
using System.Text.Json;
using Candor.Client.Diagnostics;
using Candor.Client.Queue;
using Candor.Client.Tests.Infrastructure;
using Candor.Core.Model;
using Xunit;
using Xunit.Abstractions;

namespace Candor.Client.Tests.EndToEnd;

/// <summary>The Field Service sample app itself (samples/Candor.Samples.FieldService, typed generated events, a
/// crashing child process), built from the Candor packages, run as a separate process against the real collector (Candor.Server on Kestrel,
/// 127.0.0.1 port 0, DuckDB), with the store read back from the DuckDB file.</summary>
public sealed class SampleAppEndToEndTests(ITestOutputHelper output) : IDisposable
{
    // Performance and setup events only: the sample's usage events (work orders, sessions) and its device
    // configuration must never arrive.
    private const string Policy =
        """{"collection":"on","levels":["required"],"categories":["product_and_service_performance","software_setup_and_inventory"],"retentionDays":90,"uploadIntervalSeconds":60}""";

    private static readonly string[] AllowedCategories = ["product_and_service_performance", "software_setup_and_inventory"];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_sample_app_delivers_exactly_the_events_the_policy_allows_and_none_of_its_planted_personal_data()
    {
        var data = _temp.Sub("device");
        var server = await LoopbackCollector.StartAsync(_temp.Sub("server"));
        Guid tenantId;
        try
        {
            var tenant = await server.CreateTenantAsync("contoso", TestCatalogs.Shipped.Family.Id);
            tenantId = tenant.TenantId;
            await LoopbackCollector.PutPolicyAsync(server.Address, tenant.AdminToken, Policy);
            // Three sessions: the second ends with a child process that dies of an exception whose message names
            // jane.doe@contoso.com and a home path; its app.crashed is uploaded by the third session.
            var (exit, stdout) = await RunSampleAsync(server.Address, tenant.IngestionKey, data, sessions: 3, killAfter: null);
            output.WriteLine(stdout);
            Assert.Equal(0, exit);
        }
        finally
        {
            await server.DisposeAsync();
        }

        var stored = LoopbackCollector.ReadStore(_temp.Sub("server"), tenantId);
        var transcript = CandorClient.ReadTranscript(data);
        var names = stored.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", names.OrderBy(n => n.Key).Select(n => n.Key + "=" + n.Value)));

        // Exactly what the policy allows: four syncs and four operations per session, the crash of the child, the
        // install, and no usage or device event at all.
        Assert.Equal(12, names.GetValueOrDefault("fieldservice.sync.completed"));
        Assert.Equal(12, names.GetValueOrDefault("app.operation.completed"));
        Assert.Equal(1, names.GetValueOrDefault("app.crashed"));
        Assert.Equal(1, names.GetValueOrDefault("app.installed"));
        Assert.All(stored, r => Assert.Contains(r.Category, AllowedCategories));
        foreach (var forbidden in new[] { "fieldservice.work_order.status_changed", "app.session.started", "app.session.ended", "device.configuration" })
        {
            Assert.False(names.ContainsKey(forbidden), forbidden + " arrived although the policy forbids its category");
        }

        // Everything the device's transcript says was accepted is stored, and nothing else is.
        var accepted = transcript.Where(t => t.Outcome == "accepted").Select(EventId).ToHashSet();
        Assert.Equal(accepted.Order(), stored.Select(r => r.Id).Order());

        // The planted personal data (the exception message, the technician's email and home path) reaches no stored
        // value; the crash carries only the exception type and a stack signature.
        Assert.DoesNotContain(stored, r => r.Data.Contains("jane", StringComparison.OrdinalIgnoreCase)
            || r.Data.Contains("contoso", StringComparison.OrdinalIgnoreCase) || r.Data.Contains("/data/", StringComparison.Ordinal));
        var crash = JsonDocument.Parse(stored.Single(r => r.Name == "app.crashed").Data).RootElement;
        Assert.Equal("System.IO.InvalidDataException", crash.GetProperty("exceptionType").GetString());
    }

    [Fact]
    public async Task The_sample_app_killed_mid_run_and_restarted_loses_no_persisted_event_and_stores_none_twice()
    {
        var data = _temp.Sub("device");
        var server = await LoopbackCollector.StartAsync(_temp.Sub("server"));
        Guid tenantId;
        var persistedAtKill = new HashSet<string>();
        try
        {
            var tenant = await server.CreateTenantAsync("fabrikam", TestCatalogs.Shipped.Family.Id);
            tenantId = tenant.TenantId;
            await LoopbackCollector.PutPolicyAsync(server.Address, tenant.AdminToken, Policy);
            var random = new Random(1129);
            for (var run = 0; run < 3; run++)
            {
                // kill -9 somewhere inside the second or third session (each takes about a second). On a quiet
                // machine a run may upload everything before its kill, so the middle run talks to a collector that
                // is down: its kill always leaves persisted, unsent events for the next runs to deliver.
                var collector = run == 1 ? DeadCollector() : server.Address;
                var (_, stdout) = await RunSampleAsync(collector, tenant.IngestionKey, data, sessions: 4, killAfter: TimeSpan.FromMilliseconds(random.Next(1200, 3500)));
                output.WriteLine(stdout);
                // What the killed run had made durable but not yet sent: the next run must send every one of them.
                using var diagnostics = new SelfDiagnostics();
                using var queue = DurableQueue.Open(Path.Combine(data, "queue"), 5 * 1024 * 1024, 1024 * 1024, diagnostics);
                foreach (var entry in queue.Snapshot())
                {
                    // Events queued before the first run's first policy answer (under the default policy) that the
                    // tenant's policy forbids are removed by the next run, by design: they must not arrive.
                    var category = TestCatalogs.Shipped.Events.Single(e => e.Name == entry.Name).Category.ToWire();
                    if (AllowedCategories.Contains(category))
                    {
                        persistedAtKill.Add(JsonDocument.Parse(entry.Json).RootElement.GetProperty("id").GetString()!);
                    }
                }
            }

            // The next run of the app, undisturbed, sends what the killed runs left in the queue.
            var (exit, last) = await RunSampleAsync(server.Address, tenant.IngestionKey, data, sessions: 1, killAfter: null);
            output.WriteLine(last);
            Assert.Equal(0, exit);
        }
        finally
        {
            await server.DisposeAsync();
        }

        var stored = LoopbackCollector.ReadStore(_temp.Sub("server"), tenantId).Select(r => r.Id).ToList();
        var transcript = CandorClient.ReadTranscript(data);
        var sent = transcript.Where(t => t.Outcome == "accepted").Select(EventId).ToList();
        output.WriteLine($"{persistedAtKill.Count} events were on disk and unsent at the kills; {sent.Count} uploads accepted; {stored.Count} stored");
        Assert.NotEmpty(persistedAtKill);
        var lost = persistedAtKill.Except(stored).Take(5).ToList();
        Assert.True(lost.Count == 0, "persisted before a kill but never stored: " + string.Join(", ", lost));
        // Each event is stored once, and the store holds nothing the device does not show in its transcript. (A kill
        // between the collector's answer and the local cursor update makes the next run send a batch again: the
        // collector keeps the first copy, so "none twice" is a property of what is stored.)
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Subset(transcript.Select(EventId).ToHashSet(), stored.ToHashSet());
        Assert.Subset(stored.ToHashSet(), sent.ToHashSet());
    }

    /// <summary>A loopback address nothing listens on: connections are refused at once.</summary>
    private static Uri DeadCollector()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static string EventId(TranscriptEntry entry) => JsonDocument.Parse(entry.Json).RootElement.GetProperty("id").GetString()!;

    /// <summary>Runs the sample app; with <paramref name="killAfter"/> it is killed (with its crashing child, if one
    /// is running) by SIGKILL after that time, or earlier exit is fine.</summary>
    private static async Task<(int Exit, string Stdout)> RunSampleAsync(Uri collector, string key, string data, int sessions, TimeSpan? killAfter)
    {
        // Built from the Candor packages in a clean folder, as an app team builds it (Packaging/PackagedApps).
        var dll = await Packaging.PackagedApps.BuiltSampleAsync("Candor.Samples.FieldService");
        var start = new ProcessStartInfo(Path.ChangeExtension(dll, null)) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "--collector", collector.ToString(), "--key", key, "--catalog", TestCatalogs.ShippedPath, "--data-folder", data, "--sessions", sessions.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var reading = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(killAfter ?? TimeSpan.FromSeconds(180));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.True(killAfter is not null, "the sample app did not finish within 180 s");
        }

        return (process.ExitCode, await reading);
    }
}

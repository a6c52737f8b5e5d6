using System.Text.Json;
using Candor.Client.Tests.EndToEnd;
using Candor.Client.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Candor.Client.Tests.Packaging;

/// <summary>What an app team gets from the packages (docs/sdk.md, "Three steps"): a generic-host app built from
/// Candor.Client.Extensions.Hosting in a clean folder reports to the real collector; the catalog item turns YAML
/// mistakes into build errors at their line and YAML changes into new typed methods without a clean build. The
/// console app (the FieldService sample, built the same way) is run by EndToEnd/SampleAppEndToEndTests.</summary>
public sealed class PackagedAppTests(ITestOutputHelper output) : IDisposable
{
    private const string HostedSample = "Candor.Samples.HostedWorker";

    // Every category of the family's required level, so that the session and crash events of the host arrive too.
    private const string Policy =
        """{"collection":"on","levels":["required"],"categories":["product_and_service_performance","software_setup_and_inventory","product_and_service_usage","device_connectivity_and_configuration"],"retentionDays":90,"uploadIntervalSeconds":60}""";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_generic_host_app_built_from_the_packages_sends_its_typed_events_and_records_its_failed_worker_as_a_crash()
    {
        var program = await PackagedApps.BuiltSampleAsync(HostedSample);
        var data = _temp.Sub("device");
        var (server, tenant) = await LoopbackCollector.StartWithTenantAsync(_temp.Sub("server"), "contoso", Policy);
        try
        {
            string[] Settings(bool fail) =>
            [
                program, "--Candor:CollectorUrl=" + server.Address, "--Candor:IngestionKey=" + tenant.IngestionKey,
                "--Candor:DataFolder=" + data, "--Worker:Syncs=3", "--Worker:Fail=" + (fail ? "true" : "false"),
            ];

            var (exit, log) = await PackagedApps.RunAsync("dotnet", Settings(fail: false), _temp.Path, RunTimeout);
            output.WriteLine(log);
            Assert.Equal(0, exit);

            // The worker throws: the host logs it and stops; the integration records the crash and flushes it.
            (_, log) = await PackagedApps.RunAsync("dotnet", Settings(fail: true), _temp.Path, RunTimeout);
            output.WriteLine(log);
            Assert.Contains("The work order store is damaged.", log, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }

        var stored = LoopbackCollector.ReadStore(_temp.Sub("server"), tenant.TenantId);
        var names = stored.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", names.OrderBy(n => n.Key).Select(n => n.Key + "=" + n.Value)));

        // Three typed syncs per run; the product, version and session come from the build and the host, not from
        // the app's code: the hosted service started a session in each run and ended it at the host's stop.
        Assert.Equal(6, names.GetValueOrDefault("fieldservice.sync.completed"));
        Assert.Equal(2, names.GetValueOrDefault("app.session.started"));
        Assert.Equal(2, names.GetValueOrDefault("app.session.ended"));
        var crash = JsonDocument.Parse(stored.Single(r => r.Name == "app.crashed").Data).RootElement;
        Assert.Equal("System.IO.InvalidDataException", crash.GetProperty("exceptionType").GetString());
    }

    [Fact]
    public async Task A_generic_host_app_without_an_ingestion_key_stops_at_start_with_every_option_problem()
    {
        var program = await PackagedApps.BuiltSampleAsync(HostedSample);
        var (exit, log) = await PackagedApps.RunAsync(
            "dotnet", [program, "--Candor:CollectorUrl=ftp://collector/", "--Candor:DataFolder=" + _temp.Sub("device")], _temp.Path, RunTimeout);
        output.WriteLine(log);

        Assert.NotEqual(0, exit);
        Assert.Contains("OptionsValidationException", log, StringComparison.Ordinal);
        Assert.Contains("CollectorUrl must be an absolute http or https URL.", log, StringComparison.Ordinal);
        Assert.Contains("IngestionKey is required.", log, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Sub("device")), "the client was created although its options are invalid");
    }

    [Fact]
    public async Task A_catalog_change_regenerates_the_typed_methods_without_a_clean_build()
    {
        var project = Path.Combine(await PackagedApps.CreateRootAsync(_temp.Path, HostedSample), HostedSample);
        await BuildAsync(project, expectSuccess: true);
        var compiled = Path.Combine(project, "obj", "Release", "net10.0", "candor", "dynamics365-clients.candor.json");
        var firstWrite = File.GetLastWriteTimeUtc(compiled);

        // Nothing changed: the catalog is not compiled again.
        await BuildAsync(project, expectSuccess: true);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(compiled));

        // A new event in the YAML and code that calls its typed method: only a regenerated CandorEvents compiles.
        File.AppendAllText(Path.Combine(_temp.Path, "catalog", "dynamics365-clients", "events", "product-and-service-performance.yaml"), """

  - name: app.launch.retried
    description: The product started a second time right after a failed start, recorded with the wait to find failing starts.
    level: required
    category: product_and_service_performance
    products: all
    owner: client-telemetry-sdk
    added: 2026-01-15
    expires: never
    expiryJustification: Failed starts are a permanent health signal of every product.
    retentionDays: 90
    fields:
      - name: durationMs
        type: duration
        description: Time from the failed start until the second start.
        required: true
        classification: numeric

""");
        File.WriteAllText(Path.Combine(project, "Retry.cs"), """
            namespace Candor.Samples.HostedWorker;

            internal static class Retry
            {
                public static void Record(Candor.Client.CandorClient client) =>
                    Candor.Generated.CandorEvents.TrackAppLaunchRetried(client, System.TimeSpan.FromSeconds(2));
            }
            """);
        await BuildAsync(project, expectSuccess: true);
        Assert.NotEqual(firstWrite, File.GetLastWriteTimeUtc(compiled));
        Assert.Contains("app.launch.retried", File.ReadAllText(compiled), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_catalog_lint_error_fails_the_build_at_its_yaml_file_and_line()
    {
        var project = Path.Combine(await PackagedApps.CreateRootAsync(_temp.Path, HostedSample), HostedSample);
        var yaml = Path.Combine(_temp.Path, "catalog", "dynamics365-clients", "events", "product-and-service-performance.yaml");
        var lines = File.ReadAllLines(yaml);
        var broken = Array.FindIndex(lines, l => l == "    level: required");
        lines[broken] = "    levle: required";
        File.WriteAllLines(yaml, lines);

        var log = await BuildAsync(project, expectSuccess: false);

        // The form IDEs list and jump from: the YAML file, its line and column, the rule's code.
        Assert.Contains($"{yaml}({broken + 1},5): error CAT002:", log, StringComparison.Ordinal);
        Assert.DoesNotContain("error CS", log, StringComparison.Ordinal);
    }

    private async Task<string> BuildAsync(string project, bool expectSuccess)
    {
        var (exit, log) = await PackagedApps.BuildAsync(project);
        output.WriteLine(log);
        Assert.True(expectSuccess == (exit == 0), $"dotnet build exited with {exit}:\n{log}");
        return log;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Candor.Client;
using Candor.Core.Catalog;
using Candor.Server;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Cli.Tests.Privacy;

/// <summary><c>candor privacy ...</c> run as a real process against a real collector (Kestrel on 127.0.0.1, DuckDB
/// in a temporary folder, the shipped catalog compiled by <c>candor catalog compile</c>) that the real SDK
/// uploaded to.</summary>
public sealed class PrivacyCommandTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-privacy-").FullName;
    private CandorServerHandle? _server;
    private CompiledCatalog? _catalog;
    private TenantCredentials? _tenant;

    private string Url => _server!.Address.ToString();

    private string Token => _tenant!.AdminToken;

    public async Task InitializeAsync()
    {
        var compiled = Path.Combine(_folder, "catalog.json");
        var compile = await CandorProcess.RunAsync(_folder, "catalog", "compile", "--out", compiled);
        Assert.True(compile.ExitCode == 0, compile.Stderr);
        _catalog = CompiledCatalogJson.Load(compiled);
        var options = new CandorServerOptions { Urls = "http://127.0.0.1:0", DataDirectory = Path.Combine(_folder, "data"), LogLevel = LogLevel.Warning };
        options.Catalogs.Add(_catalog);
        _server = await CandorServer.StartAsync(options);
        _tenant = await _server.CreateTenantAsync("contoso", _catalog.Family.Id);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Export_report_delete_and_audit_work_end_to_end_on_what_the_sdk_uploaded()
    {
        await UploadWithSdkAsync();

        // The tenant export finds the SDK's device; the device export has all of its events.
        var tenantExport = await RunOkAsync("privacy", "export", "--url", Url, "--token", Token);
        var lines = Lines(tenantExport);
        Assert.Contains(lines, l => l["name"]!.GetValue<string>() == "fieldservice.sync.completed");
        var device = lines.Select(l => l["device"]!["id"]!.GetValue<string>()).Distinct().Single();
        var deviceExport = Lines(await RunOkAsync("privacy", "export", "--device", device, "--url", Url, "--token", Token));
        Assert.Equal(lines.Count, deviceExport.Count);
        var performance = Lines(await RunOkAsync("privacy", "export", "--device", device, "--category", "product_and_service_performance",
            "--url", Url, "--token", Token));
        Assert.All(performance, l => Assert.Equal("product_and_service_performance", l["category"]!.GetValue<string>()));
        Assert.Contains(performance, l => l["name"]!.GetValue<string>() == "fieldservice.sync.completed");

        var parquet = Path.Combine(_folder, "contoso.parquet");
        await RunOkAsync("privacy", "export", "--format", "parquet", "--out", parquet, "--url", Url, "--token", Token);
        Assert.Equal("PAR1"u8.ToArray(), (await File.ReadAllBytesAsync(parquet))[..4]);

        var report = await RunOkAsync("privacy", "report", "--url", Url, "--token", Token);
        Assert.Contains("d365.field-service / ", report, StringComparison.Ordinal);
        Assert.Contains("fieldservice.sync.completed: 2 events, kept", report, StringComparison.Ordinal);
        Assert.Contains("durationMs (duration, numeric)", report, StringComparison.Ordinal);
        var json = JsonNode.Parse(await RunOkAsync("privacy", "report", "--json", "--url", Url, "--token", Token))!;
        Assert.Equal(lines.Count, json["groups"]!.AsArray().Sum(g => g!["events"]!.GetValue<long>()));

        var receipt = JsonNode.Parse(await RunOkAsync("privacy", "delete", "--device", device, "--url", Url, "--token", Token))!;
        Assert.Equal(lines.Count, receipt["eventsRemoved"]!.GetValue<long>());
        Assert.Empty(Lines(await RunOkAsync("privacy", "export", "--device", device, "--url", Url, "--token", Token)));

        var audit = await RunOkAsync("privacy", "audit", "--url", Url, "--token", Token);
        foreach (var action in new[] { "admin.signed_in", "tenant.exported", "device.exported", "device.deleted" })
        {
            Assert.Contains(action, audit, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Url_and_token_come_from_the_environment_and_bulk_deletion_prints_its_receipt()
    {
        await UploadWithSdkAsync();
        var environment = new Dictionary<string, string> { ["CANDOR_URL"] = Url, ["CANDOR_ADMIN_TOKEN"] = Token };

        var result = await CandorProcess.RunAsync(_folder, environment, "privacy", "delete", "--product", "d365.field-service", "--from", "2000-01-01");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(JsonNode.Parse(result.Stdout)!["eventsRemoved"]!.GetValue<long>() > 0);
        Assert.Empty(Lines((await CandorProcess.RunAsync(_folder, environment, "privacy", "export")).Stdout));
    }

    [Theory]
    [InlineData("No admin token given: pass --token or set CANDOR_ADMIN_TOKEN.", "privacy", "report", "--url", "http://127.0.0.1:9")]
    [InlineData("Nothing to delete: give --device ID, or --product and/or --from/--to.", "privacy", "delete", "--url", "http://127.0.0.1:9", "--token", "x")]
    [InlineData("--format parquet writes a binary file: give --out FILE.", "privacy", "export", "--format", "parquet", "--url", "http://127.0.0.1:9", "--token", "x")]
    [InlineData("--category filters one device's events: give --device too.", "privacy", "export", "--category", "x", "--url", "http://127.0.0.1:9", "--token", "x")]
    public async Task Usage_errors_are_one_clear_line(string message, params string[] args)
    {
        var result = await CandorProcess.RunAsync(_folder, new Dictionary<string, string> { ["CANDOR_URL"] = "", ["CANDOR_ADMIN_TOKEN"] = "" }, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("candor: " + message, result.Stderr.Trim());
    }

    [Fact]
    public async Task Server_refusals_and_an_unreachable_collector_are_one_clear_line()
    {
        var badQuery = await CandorProcess.RunAsync(_folder, "privacy", "export", "--device", Guid.NewGuid().ToString(), "--level", "loud",
            "--url", Url, "--token", Token);
        Assert.Equal(1, badQuery.ExitCode);
        Assert.StartsWith("candor: GET /v1/admin/devices/", badQuery.Stderr, StringComparison.Ordinal);
        Assert.Contains("failed: 400 invalid_query: level 'loud' is not one of: required, optional.", badQuery.Stderr, StringComparison.Ordinal);
        Assert.Single(badQuery.Stderr.Trim().Split('\n'));

        var wrongToken = await CandorProcess.RunAsync(_folder, "privacy", "report", "--url", Url, "--token", "wrong");
        Assert.Equal("candor: GET /v1/admin/inventory failed: 401 unauthorized: A valid admin token is required: Authorization: Bearer <admin token>.",
            wrongToken.Stderr.Trim());

        var unreachable = await CandorProcess.RunAsync(_folder, "privacy", "report", "--url", "http://127.0.0.1:9", "--token", Token);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith("candor: Cannot reach the collector at http://127.0.0.1:9/", unreachable.Stderr, StringComparison.Ordinal);
    }

    private async Task UploadWithSdkAsync()
    {
        await using var client = CandorClient.Create(new CandorClientOptions
        {
            CollectorUrl = _server!.Address,
            IngestionKey = _tenant!.IngestionKey,
            ProductId = "d365.field-service",
            AppVersion = "9.3.2411.1",
            DataFolder = Path.Combine(_folder, "client"),
            Catalog = _catalog!,
            AutomaticUpload = false,
            CaptureUnhandledExceptions = false,
        });
        client.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 1840, ["recordCount"] = 312, ["result"] = "success" });
        client.Track("fieldservice.sync.completed", new Dictionary<string, object?> { ["durationMs"] = 90, ["result"] = "failed" });
        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(20));
        Assert.True(receipt.Completed, "the SDK's queue was uploaded");
    }

    private async Task<string> RunOkAsync(params string[] args)
    {
        var result = await CandorProcess.RunAsync(_folder, args);
        Assert.True(result.ExitCode == 0, $"candor {string.Join(' ', args)}: {result.Stderr}");
        return result.Stdout;
    }

    private static List<JsonObject> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonObject>(l)!)];
}

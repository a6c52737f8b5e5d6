using System.Net.Http.Headers;
using Candor.Fleet.Load;
using Candor.Server;
using Microsoft.Extensions.Logging;

namespace Candor.Fleet.Tests.Load;

/// <summary><c>loadgen --otlp</c> against the real collector: the same fleet events through <c>/v1/logs</c> as
/// through <c>/v1/events</c>, so that one tool measures both.</summary>
[Collection(CatalogCollection.Name)]
public sealed class OtlpLoadTests(CatalogFixture fixture)
{
    [Fact]
    public async Task Otlp_load_stores_the_same_events_as_the_json_load_and_a_second_run_stores_nothing_more()
    {
        var folder = Path.Combine(Path.GetTempPath(), "candor-fleet-otlp-" + Guid.NewGuid().ToString("N"));
        var options = new CandorServerOptions { Urls = "http://127.0.0.1:0", DataDirectory = folder, LogLevel = LogLevel.Warning, MaxEventAgeDays = 3650 };
        options.Catalogs.Add(fixture.Catalog);
        await using var server = await CandorServer.StartAsync(options);
        try
        {
            var viaJson = await server.CreateTenantAsync("json", fixture.Catalog.Family.Id);
            var viaOtlp = await server.CreateTenantAsync("otlp", fixture.Catalog.Family.Id);
            LoadOptions Load(string key, bool otlp) => new()
            {
                Url = server.Address, Key = key, Events = 3_000, Concurrency = 2, Seed = 5, Otlp = otlp, Gzip = otlp, TimeLimit = TimeSpan.FromMinutes(1),
            };

            var json = await Run(Load(viaJson.IngestionKey, otlp: false));
            var otlp = await Run(Load(viaOtlp.IngestionKey, otlp: true));
            var again = await Run(Load(viaOtlp.IngestionKey, otlp: true));

            Assert.Equal(0, otlp.BatchesFailed);
            Assert.Equal(json.Accepted, otlp.Accepted);
            Assert.Equal(json.RejectionCodes, otlp.RejectionCodes);
            Assert.Equal(otlp.Accepted, again.Accepted);
            var jsonStored = await ExportAsync(server.Address, viaJson.AdminToken);
            var otlpStored = await ExportAsync(server.Address, viaOtlp.AdminToken);
            Assert.Equal(json.Accepted, jsonStored);
            Assert.Equal(jsonStored, otlpStored);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }

        async Task<LoadReport> Run(LoadOptions load) =>
            await new LoadGenerator(load, TimeProvider.System).RunAsync(LoadGenerator.Prepare(fixture.Catalog, load, FleetData.End), 0);
    }

    private static async Task<int> ExportAsync(Uri server, string adminToken)
    {
        using var http = new HttpClient { BaseAddress = server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var lines = await http.GetStringAsync("/v1/admin/export");
        return lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}

using Candor.Core.Catalog;
using Candor.Server;
using Candor.Storage.DuckDb;
using Microsoft.Extensions.Logging;

namespace Candor.Cli.Tests.LoadGen;

/// <summary>The real collector, started in the test process on 127.0.0.1 port 0 with the embedded DuckDB store in
/// a temporary folder and the shipped catalog compiled by the real <c>candor catalog compile</c>, with one tenant.
/// After it stops, <see cref="StoredEventsAsync"/> opens the DuckDB file and counts what was stored.</summary>
internal sealed class RealCollector : IAsyncDisposable
{
    private readonly string _folder;
    private CandorServerHandle? _server;

    private RealCollector(string folder, CandorServerHandle server, TenantCredentials tenant)
    {
        _folder = folder;
        _server = server;
        Tenant = tenant;
    }

    public TenantCredentials Tenant { get; }

    public Uri Url => _server!.Address;

    public static async Task<RealCollector> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("candor-collector-").FullName;
        var compiledPath = Path.Combine(folder, "catalog.json");
        var compile = await CandorProcess.RunAsync(folder, "catalog", "compile", "--out", compiledPath);
        if (compile.ExitCode != 0)
        {
            throw new InvalidOperationException("catalog compile failed: " + compile.Stderr);
        }

        var options = new CandorServerOptions
        {
            Urls = "http://127.0.0.1:0",
            DataDirectory = Path.Combine(folder, "data"),
            LogLevel = LogLevel.Warning,
        };
        options.Catalogs.Add(CompiledCatalogJson.Load(compiledPath));
        var server = await CandorServer.StartAsync(options);
        var tenant = await server.CreateTenantAsync("load", "dynamics365-clients");
        return new RealCollector(folder, server, tenant);
    }

    /// <summary>Stops the collector (it writes what it acknowledged) and counts the tenant's events in the file.</summary>
    public async Task<long> StoredEventsAsync()
    {
        await StopAsync();
        await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = Path.Combine(_folder, "data") });
        return await store.CountAsync(Tenant.TenantId);
    }

    /// <summary>Stops the collector and reads the earliest and latest event time of the tenant's stored events.</summary>
    public async Task<(DateTime First, DateTime Last)> StoredEventTimesAsync()
    {
        await StopAsync();
        await using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(_folder, "data", DuckDbStoreOptions.DefaultFileName)}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(time), max(time) FROM events WHERE tenant_id = $tenant";
        command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("tenant", Tenant.TenantId));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDateTime(0), reader.GetDateTime(1));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }
}

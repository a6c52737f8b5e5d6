using Candor.Storage;
using Candor.Storage.DuckDb;
using Xunit;

namespace Candor.Cli.Tests.WebConsole;

/// <summary><c>candor console bench --data FOLDER</c> on a tiny store that <c>candor demo</c> left: it serves the store
/// itself, times every page with an owner token it issues and revokes, and adopts a tenant whose events have no tenant
/// record (as <c>analytics bench</c> leaves them).</summary>
public sealed class ConsoleBenchCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candor-console-bench-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Bench_on_a_data_folder_times_every_page_and_revokes_its_token_and_adopts_a_tenant_without_a_record()
    {
        var data = Path.Combine(_folder, "data");
        var demo = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), "demo", "--devices", "15", "--days", "2", "--data", data);
        Assert.True(demo.ExitCode == 0, demo.Stderr + demo.Stdout);

        var bench = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), "console", "bench", "--data", data, "--repeat", "1");
        Assert.True(bench.ExitCode is 0 or 1, $"exit {bench.ExitCode}: {bench.Stderr}\n{bench.Stdout}");
        Assert.Contains("tenant \"demo\"", bench.Stdout, StringComparison.Ordinal);
        foreach (var page in new[] { "/console ", "/console/failures ", "/console/releases ", "/console/privacy ", "/console/settings " })
        {
            Assert.Matches(@"\n  " + System.Text.RegularExpressions.Regex.Escape(page) + @"\s+200\s+\d+\s+\d+", bench.Stdout);
        }

        Assert.Contains("The bench's owner token is revoked.", bench.Stdout, StringComparison.Ordinal);
        Guid tenantId;
        await using (var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = data }))
        {
            var tenant = Assert.Single(await store.ListTenantsAsync());
            tenantId = tenant.Id;
            var owners = (await store.ListCredentialsAsync(tenant.Id)).Where(c => c.Kind == CredentialKind.Admin).ToList();
            // The demo's owner token, still valid, and the bench's, revoked.
            Assert.Equal(2, owners.Count);
            Assert.Single(owners, c => c.RevokedAt is null);

            // Events without a tenant record, as analytics bench loads them.
            await ((IAnalyticsStore)store).ExecuteAsync([new SqlStatement("DELETE FROM tenants WHERE tenant_id = $1", tenant.Id)]);
        }

        var adopted = await CandorProcess.RunAsync(_folder, TimeSpan.FromMinutes(3), "console", "bench", "--data", data, "--repeat", "1");
        Assert.True(adopted.ExitCode is 0 or 1, $"exit {adopted.ExitCode}: {adopted.Stderr}\n{adopted.Stdout}");
        Assert.Contains($"Adopted the store's tenant {tenantId:D}", adopted.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n  /console/failures\s+200\s+\d+", adopted.Stdout);
        await using (var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = data }))
        {
            Assert.Equal(tenantId, Assert.Single(await store.ListTenantsAsync()).Id);
        }
    }

    [Fact]
    public async Task Bench_refuses_a_folder_without_a_store_and_mixed_options()
    {
        var empty = await CandorProcess.RunAsync(_folder, "console", "bench", "--data", Path.Combine(_folder, "nothing"));
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("holds no Candor store", empty.Stderr, StringComparison.Ordinal);

        var mixed = await CandorProcess.RunAsync(_folder, "console", "bench", "--data", _folder, "--url", "http://127.0.0.1:1", "--token", "x");
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("either --url and --token", mixed.Stderr, StringComparison.Ordinal);

        var notPostgres = await CandorProcess.RunAsync(_folder, "console", "bench", "--store", "duckdb");
        Assert.Equal(2, notPostgres.ExitCode);
        Assert.Contains("--store must be a PostgreSQL store", notPostgres.Stderr, StringComparison.Ordinal);
    }
}

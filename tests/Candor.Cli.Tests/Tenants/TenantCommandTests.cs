using System.Text.Json.Nodes;
using Candor.Storage.DuckDb;
using Xunit;

namespace Candor.Cli.Tests.Tenants;

public sealed class TenantCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "candor-tenant-" + Guid.NewGuid().ToString("N"));

    public TenantCommandTests() => Directory.CreateDirectory(_data);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Tenant_create_prints_its_secrets_once_as_json_and_stores_only_their_hashes()
    {
        var result = await CandorProcess.RunAsync(_data, "tenant", "create", "Contoso", "--family", "dynamics365-clients", "--data", _data, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var created = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(["tenantId", "ingestionKey", "adminToken"], created.Select(p => p.Key));
        var key = created["ingestionKey"]!.GetValue<string>();
        var token = created["adminToken"]!.GetValue<string>();
        await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _data });
        var tenant = await store.GetTenantAsync(created["tenantId"]!.GetValue<Guid>());
        Assert.Equal("dynamics365-clients", tenant?.Family);
        var credentials = await store.ListCredentialsAsync(tenant!.Id);
        Assert.Equal(2, credentials.Count);
        Assert.DoesNotContain(credentials, c => c.SecretHash.Contains(key[4..12], StringComparison.Ordinal) || c.SecretHash == token);
        Assert.All(credentials, c => Assert.Equal(64, c.SecretHash.Length));
    }

    [Fact]
    public async Task Tenant_of_an_unknown_family_is_refused_with_a_clear_message()
    {
        var result = await CandorProcess.RunAsync(_data, "tenant", "create", "Contoso", "--family", "no-such-family", "--data", _data);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-such-family", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issued_key_with_revoke_others_rotates_the_ingestion_key()
    {
        var created = JsonNode.Parse((await CandorProcess.RunAsync(_data, "tenant", "create", "Rotate", "--data", _data, "--json")).Stdout)!;
        var id = created["tenantId"]!.GetValue<string>();
        var issued = await CandorProcess.RunAsync(_data, "tenant", "issue", id, "--revoke-others", "--data", _data, "--json");
        Assert.True(issued.ExitCode == 0, issued.Stderr);

        var listed = await CandorProcess.RunAsync(_data, "tenant", "credentials", id, "--data", _data);
        var ingestion = listed.Stdout.Split('\n').Where(l => l.Contains("ingestion", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, ingestion.Count);
        Assert.Single(ingestion, l => l.Contains("revoked", StringComparison.Ordinal));
    }
}

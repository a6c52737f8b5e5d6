using System.Net.Http.Headers;
using System.Text;
using Candor.Client.Tests.Infrastructure;
using Candor.Server;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Client.Tests.EndToEnd;

/// <summary>The real collector for the end-to-end tests: Kestrel on 127.0.0.1 port 0 with its DuckDB store in a
/// folder of the test, the admin policy call, and the store read back from the DuckDB file after the server
/// stopped.</summary>
internal static class LoopbackCollector
{
    public static Task<CandorServerHandle> StartAsync(string dataDirectory)
    {
        var options = new CandorServerOptions
        {
            Urls = "http://127.0.0.1:0",
            DataDirectory = dataDirectory,
            LogLevel = LogLevel.Warning,
        };
        options.Catalogs.Add(TestCatalogs.Shipped);
        return CandorServer.StartAsync(options);
    }

    /// <summary>The collector with one tenant of the shipped family under the given policy.</summary>
    public static async Task<(CandorServerHandle Server, TenantCredentials Tenant)> StartWithTenantAsync(string dataDirectory, string tenantName, string policy)
    {
        var server = await StartAsync(dataDirectory);
        try
        {
            var tenant = await server.CreateTenantAsync(tenantName, TestCatalogs.Shipped.Family.Id);
            await PutPolicyAsync(server.Address, tenant.AdminToken, policy);
            return (server, tenant);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public static async Task PutPolicyAsync(Uri server, string adminToken, string policy)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(server, "v1/admin/policy"))
        {
            Content = new StringContent(policy, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"PUT /v1/admin/policy: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static List<(string Id, string Name, string Category, string Data)> ReadStore(string dataDirectory, Guid tenantId)
    {
        using var connection = new DuckDBConnection("Data Source=" + Path.Combine(dataDirectory, "candor.duckdb"));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT CAST(event_id AS VARCHAR), name, category, data FROM events WHERE tenant_id = $tenant";
        command.Parameters.Add(new DuckDBParameter("tenant", tenantId));
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return rows;
    }
}

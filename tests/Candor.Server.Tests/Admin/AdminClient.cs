using System.Net;
using System.Text.Json.Nodes;
using Candor.Server.Tests.Http;
using Npgsql;
using Xunit;

namespace Candor.Server.Tests.Admin;

/// <summary>Helpers for driving the admin API of a <see cref="TestServer"/> as an administrator would.</summary>
internal static class AdminClient
{
    /// <summary>Issues an admin token of <paramref name="role"/> through the operator API; returns its id and secret.</summary>
    public static async Task<(string Id, string Secret)> IssueAsync(TestServer server, Guid tenantId, string role)
    {
        using var response = await server.SendAsync(HttpMethod.Post, $"/v1/operator/tenants/{tenantId}/credentials", TestServer.OperatorToken,
            $$"""{"kind":"admin","role":"{{role}}"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await TestServer.JsonAsync(response);
        return (body["id"]!.GetValue<string>(), body["secret"]!.GetValue<string>());
    }

    /// <summary>GETs JSON lines and parses each line.</summary>
    public static async Task<List<JsonObject>> LinesAsync(TestServer server, string path, string token)
    {
        using var response = await server.SendAsync(HttpMethod.Get, path, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (JsonObject)JsonNode.Parse(l)!)];
    }

    public static async Task<string> ProblemCodeAsync(HttpResponseMessage response) =>
        (await TestServer.JsonAsync(response))["code"]!.GetValue<string>();

    public static JsonObject Event(Guid device, string name = TestCatalogs.Sync, string product = TestCatalogs.Product)
    {
        var e = Events.Valid(name: name);
        e["device"]!["id"] = device.ToString();
        e["product"] = product;
        return e;
    }
}

/// <summary>A fresh PostgreSQL database on the server of <c>CANDOR_TEST_POSTGRES</c>, as a <c>postgres://</c> URL the
/// collector's <c>--store</c> takes; dropped on dispose.</summary>
internal sealed class PostgresScratch : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name = "candor_admin_" + Guid.NewGuid().ToString("N");

    private PostgresScratch(string server) => _server = server;

    public string Url { get; private set; } = "";

    public static async Task<PostgresScratch> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)
            ?? throw new InvalidOperationException("CANDOR_TEST_POSTGRES is not set.");
        var scratch = new PostgresScratch(server);
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {scratch._name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var b = new NpgsqlConnectionStringBuilder(server);
        scratch.Url = $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}{(b.Password is { } p ? ":" + Uri.EscapeDataString(p) : "")}@{b.Host}:{b.Port}/{scratch._name}";
        return scratch;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>A fact that needs PostgreSQL: skipped, with the reason in the test output, only when
/// <c>CANDOR_TEST_POSTGRES</c> is unset (./test.sh always sets it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "CANDOR_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"{Variable} is not set, so the PostgreSQL variant is skipped; run ./test.sh, which starts a PostgreSQL server.";
        }
    }
}

using System.Net;
using Candor.Server.Stores;
using Candor.Server.Tests.Http;
using Npgsql;
using Xunit;

namespace Candor.Server.Tests.Stores;

/// <summary>The collector over PostgreSQL (<c>--store postgres://...</c>), on the server named by
/// <c>CANDOR_TEST_POSTGRES</c> (./test.sh starts one), in a database of its own.</summary>
public sealed class PostgresCollectorTests : IAsyncLifetime
{
    private readonly string _name = "candor_server_" + Guid.NewGuid().ToString("N");
    private string _server = "";

    public async Task InitializeAsync()
    {
        _server = Environment.GetEnvironmentVariable("CANDOR_TEST_POSTGRES") is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException("CANDOR_TEST_POSTGRES is not set: run ./test.sh, which starts a PostgreSQL server.");
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", admin);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Collector_over_postgres_stores_a_batch_once_whatever_the_retries()
    {
        var b = new NpgsqlConnectionStringBuilder(_server);
        var url = $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}{(b.Password is { } p ? ":" + Uri.EscapeDataString(p) : "")}@{b.Host}:{b.Port}/{_name}";
        await using var server = await TestServer.StartAsync(o => o.Store = url);
        var tenant = await server.CreateTenantAsync();
        var batch = Events.Batch(Events.Valid(), Events.Valid(), Events.Valid());

        var first = await TestServer.JsonAsync(await server.PostAsync(tenant.IngestionKey, batch));
        var retry = await TestServer.JsonAsync(await server.PostAsync(tenant.IngestionKey, batch, gzip: true));

        Assert.Equal(3, first["accepted"]!.GetValue<int>());
        Assert.Equal(3, retry["duplicates"]!.GetValue<int>());
        Assert.Equal(3, await server.Store.CountAsync(tenant.TenantId));
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/readyz")).StatusCode);
    }

    [Theory]
    [InlineData("postgres://candor:s%40cret@db.example:6543/events?sslmode=require", "db.example", 6543, "events", "candor", "s@cret")]
    [InlineData("postgresql://reader@localhost/candor", "localhost", 5432, "candor", "reader", null)]
    public void Postgres_url_becomes_a_connection_string(string url, string host, int port, string database, string user, string? password)
    {
        var built = new NpgsqlConnectionStringBuilder(StoreFactory.ToConnectionString(url));
        Assert.Equal((host, port, database, user, password), (built.Host, built.Port, built.Database, built.Username, built.Password));
    }
}

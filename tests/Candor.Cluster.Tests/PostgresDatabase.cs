using Npgsql;

namespace Candor.Cluster.Tests;

/// <summary>A fresh database on the PostgreSQL of ./test.sh (<c>CANDOR_TEST_POSTGRES</c>), dropped on dispose.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _server;

    private PostgresDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The database's connection string (what <c>--store</c> takes as well as a URL).</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("CANDOR_TEST_POSTGRES") is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException("CANDOR_TEST_POSTGRES is not set: run ./test.sh, which starts a PostgreSQL server.");
        var name = "candor_cluster_" + Guid.NewGuid().ToString("N");
        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
        await create.ExecuteNonQueryAsync();
        return new PostgresDatabase(server, name);
    }

    /// <summary>One value of a query on this database.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many rows of events a tenant has, and how many distinct event ids among them.</summary>
    public async Task<(long Rows, long Distinct)> CountEventsAsync(Guid tenantId) =>
        (await ScalarAsync<long>("SELECT count(*) FROM events WHERE tenant_id = @t", ("t", tenantId)),
         await ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM events WHERE tenant_id = @t", ("t", tenantId)));

    /// <summary>Ends a session of this database, as a crash of its client or a network cut would.</summary>
    public async Task TerminateAsync(int backend)
    {
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", admin);
        kill.Parameters.AddWithValue("pid", backend);
        await kill.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

using Npgsql;
using Xunit;

namespace Candor.Storage.Tests.Postgres;

/// <summary>A fresh database for one test class on the server named by <c>CANDOR_TEST_POSTGRES</c> (./test.sh
/// starts a throwaway server and sets it), dropped afterwards.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "CANDOR_TEST_POSTGRES";

    private readonly string _name = "candor_test_" + Guid.NewGuid().ToString("N");
    private string? _server;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_server))
        {
            var where = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
                ? "CI is true but no PostgreSQL server was provided"
                : "No PostgreSQL server is configured";
            throw new InvalidOperationException(
                $"{where}: set {Variable} to an Npgsql connection string of a server where databases may be created, or run ./test.sh, which starts one.");
        }

        await using (var admin = new NpgsqlConnection(_server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (string.IsNullOrWhiteSpace(_server) || ConnectionString.Length == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

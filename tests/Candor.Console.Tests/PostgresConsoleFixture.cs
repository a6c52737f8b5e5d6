using Npgsql;
using Xunit;

namespace Candor.Console.Tests;

/// <summary>The console fixture on PostgreSQL: the same collector, tenants, tokens and simulated fleet as
/// <see cref="ConsoleFixture"/>, with its store in a database of its own on the server named by
/// <c>CANDOR_TEST_POSTGRES</c> (./test.sh starts one), dropped afterwards; so the console is proven on both stores.</summary>
public sealed class PostgresConsoleFixture : ConsoleFixture
{
    public const string Variable = "CANDOR_TEST_POSTGRES";

    private readonly string _database = "candor_console_" + Guid.NewGuid().ToString("N");
    private string? _server;

    protected override async Task<string> OpenStoreAsync()
    {
        _server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_server))
        {
            throw new InvalidOperationException(
                $"No PostgreSQL server is configured: set {Variable} to an Npgsql connection string of a server where databases may be created, or run ./test.sh, which starts one.");
        }

        await using (var admin = new NpgsqlConnection(_server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ConnectionString;
    }

    protected override async Task DropStoreAsync()
    {
        if (string.IsNullOrWhiteSpace(_server))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>Run apart from the DuckDB collection: its tests write the same screenshots, and two collectors with their
/// browsers at once only make both slower.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresConsoleCollection : ICollectionFixture<PostgresConsoleFixture>
{
    public const string Name = "console-postgres";
}

using Candor.Storage.Postgres;
using Npgsql;
using Xunit;

namespace Candor.Storage.Tests.Postgres;

/// <summary>The event store contract over a real PostgreSQL database, shared by the tests of this class.</summary>
public sealed class PostgresStoreTests(PostgresDatabase database) : EventStoreContractTests, IClassFixture<PostgresDatabase>
{
    protected override async Task<ICandorStore> OpenStoreAsync()
    {
        var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = database.ConnectionString });
        await store.MigrateAsync();
        return store;
    }

    [Fact]
    public async Task Concurrent_migrations_of_a_new_database_apply_each_script_once()
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
                PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = fresh.ConnectionString })));
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));
            foreach (var s in stores)
            {
                await s.DisposeAsync();
            }

            await using var connection = new NpgsqlConnection(fresh.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT version), min(version) FROM schema_migrations", connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
            Assert.Equal(1, reader.GetInt32(2));
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_database_migrated_by_a_newer_candor_is_refused()
    {
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            await using var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = fresh.ConnectionString });
            await store.MigrateAsync();
            await using (var connection = new NpgsqlConnection(fresh.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("INSERT INTO schema_migrations VALUES (9999, '9999_future', now())", connection);
                await command.ExecuteNonQueryAsync();
            }

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync());

            Assert.Contains("9999", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_table_leads_with_tenant_id_so_that_citus_can_distribute_it()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT c.relname, a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
            WHERE i.indisprimary AND c.relname NOT IN ('schema_migrations', 'analytics_watermark', 'analytics_arrivals', 'console_data_protection_keys')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var leading = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            leading[reader.GetString(0)] = reader.GetString(1);
        }

        // schema_migrations, the analytics projector's watermark and to-do list of appends (migration 0021) and the console's
        // data-protection key ring (migration 0040) are per database, not per tenant (Citus local tables).
        Assert.Equal(
            ["analytics_alert_webhooks", "analytics_alerts", "analytics_commands", "analytics_crashes", "analytics_device_days",
             "analytics_durations", "analytics_failure_triage", "analytics_feature_failures", "analytics_fingerprints", "analytics_session_ends", "analytics_sessions",
             "analytics_vulnerable_versions", "audit", "console_saved_views", "credentials", "events", "policies", "tenants"],
            leading.Keys.Order());
        Assert.All(leading.Values, column => Assert.Equal("tenant_id", column));
    }

    [Fact]
    public async Task Options_without_a_connection_string_are_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PostgresStore.OpenAsync(new PostgresStoreOptions()));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_server_answers_ping_with_false()
    {
        await using var store = await PostgresStore.OpenAsync(new PostgresStoreOptions
        {
            ConnectionString = "Host=127.0.0.1;Port=1;Username=candor;Timeout=2",
        });

        Assert.False(await store.PingAsync());
    }
}

/// <summary>The tenant store contract over a real PostgreSQL database.</summary>
public sealed class PostgresTenantStoreTests(PostgresDatabase database) : TenantStoreContractTests, IClassFixture<PostgresDatabase>
{
    protected override async Task<ICandorStore> OpenStoreAsync()
    {
        var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = database.ConnectionString });
        await store.MigrateAsync();
        return store;
    }
}

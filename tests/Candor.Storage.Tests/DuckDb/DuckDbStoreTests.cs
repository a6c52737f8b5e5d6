using Candor.Storage.DuckDb;
using DuckDB.NET.Data;
using Xunit;

namespace Candor.Storage.Tests.DuckDb;

/// <summary>A real DuckDB file in a temporary folder, one per test.</summary>
public sealed class DuckDbStoreTests : EventStoreContractTests
{
    private readonly TempFolder _folder = new();

    protected override async Task<ICandorStore> OpenStoreAsync()
    {
        var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _folder.Path });
        await store.MigrateAsync();
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Reopening_an_existing_file_keeps_its_data()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 10);
        await Store.AppendAsync(events);
        await Store.DisposeAsync();

        await using var reopened = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _folder.Path });
        await reopened.MigrateAsync();

        TestEvents.AssertSame(events, await reopened.ReadAll(tenant, device));
        Assert.Equal(1, (await reopened.AppendAsync([TestEvents.Make(tenant, device, 50)])).Stored);
        Assert.Equal(10, (await reopened.AppendAsync(events)).DuplicateIndexes.Count);
    }

    [Fact]
    public async Task Committed_append_survives_a_close_without_checkpoint()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 10);
        var path = ((DuckDbStore)Store).FilePath;
        await Store.AppendAsync(events);

        // As after a crash: the file is closed without folding the write-ahead log into it. The setting is the
        // database's, shared by every connection of this process to the file.
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA disable_checkpoint_on_shutdown";
            command.ExecuteNonQuery();
        }

        await Store.DisposeAsync();
        Assert.True(new FileInfo(path + ".wal").Length > 0, "the events should be only in the write-ahead log");

        await using var reopened = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { FilePath = path });
        TestEvents.AssertSame(events, await reopened.ReadAll(tenant, device));
    }

    [Fact]
    public async Task Store_opens_the_default_file_in_a_new_data_folder()
    {
        var folder = Path.Combine(_folder.Path, "nested", "data");

        await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder });
        await store.MigrateAsync();

        Assert.Equal(Path.Combine(folder, DuckDbStoreOptions.DefaultFileName), store.FilePath);
        Assert.True(File.Exists(store.FilePath));
    }

    [Fact]
    public async Task Options_with_neither_or_both_locations_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => DuckDbStore.OpenAsync(new DuckDbStoreOptions()));
        var both = await Assert.ThrowsAsync<ArgumentException>(() => DuckDbStore.OpenAsync(
            new DuckDbStoreOptions { DataFolder = _folder.Path, FilePath = Path.Combine(_folder.Path, "x.duckdb") }));
        Assert.Contains("exactly one", both.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrations_are_recorded_once_with_their_version()
    {
        await Store.MigrateAsync();
        var path = ((DuckDbStore)Store).FilePath;

        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name, count(*) OVER () FROM schema_migrations ORDER BY version";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.Equal("0001_initial", reader.GetString(1));
    }

    [Fact]
    public async Task A_file_migrated_by_a_newer_candor_is_refused()
    {
        var path = ((DuckDbStore)Store).FilePath;
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_migrations VALUES (9999, '9999_future', TIMESTAMP '2030-01-01')";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.MigrateAsync());

        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The tenant store contract over a real DuckDB file.</summary>
public sealed class DuckDbTenantStoreTests : TenantStoreContractTests
{
    private readonly TempFolder _folder = new();

    protected override async Task<ICandorStore> OpenStoreAsync()
    {
        var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _folder.Path });
        await store.MigrateAsync();
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}

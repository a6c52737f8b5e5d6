using System.Runtime.InteropServices;
using Candor.Storage.DuckDb;
using Xunit;

namespace Candor.Storage.Tests.DuckDb;

/// <summary>The DuckDB store's two writers: analytics writes (the projector's rounds) run on their own connection beside
/// appends, and a deletion of events waits for an analytics write in flight, so that the facts of deleted events never
/// come back. An analytics write is held open at a known point by a statement that reads a named pipe: DuckDB blocks
/// in the pipe's open until the test opens its other end, and in its read until the test closes it.</summary>
public sealed class DuckDbConcurrentWritesTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private DuckDbStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = _folder.Path });
        await _store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task An_append_is_stored_while_an_analytics_write_is_in_flight()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var pipe = MakePipe();
        // DuckDB's calls are synchronous: the write runs on a thread of its own.
        var analytics = Task.Run(() => _store.ExecuteAsync(
        [
            new SqlStatement("INSERT INTO analytics_watermark (projection, watermark) VALUES ('probe', TIMESTAMP '2026-12-01 00:00:00')"),
            new SqlStatement($"SELECT length(content) FROM read_text('{pipe}')"),
        ]));
        await using (var writer = await OpenWhenReadAsync(pipe))
        {
            // The analytics write is now inside its transaction, blocked on the pipe: with one writer for everything
            // the append would wait for it.
            var append = await _store.AppendAsync(TestEvents.ManyTimeOrdered(tenant, device, 100)).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(100, append.Stored);
            Assert.False(analytics.IsCompleted);
            Assert.Equal(100, await _store.CountAsync(tenant));
            await writer.WriteAsync("n\n1\n"u8.ToArray());
        }

        Assert.Equal(1L, (await analytics.WaitAsync(TimeSpan.FromSeconds(30)))[0]);
        Assert.Equal(1L, Scalar("SELECT count(*) FROM analytics_watermark WHERE projection = 'probe'"));
    }

    [Fact]
    public async Task A_deletion_waits_for_an_analytics_write_in_flight_so_the_facts_of_deleted_events_do_not_survive()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        await _store.AppendAsync(TestEvents.ManyTimeOrdered(tenant, device, 20));
        var pipe = MakePipe();

        // A projection that has inserted the command facts of the tenant's events but not committed yet.
        var projection = Task.Run(() => _store.ExecuteAsync(
        [
            new SqlStatement(
                "INSERT INTO analytics_commands (tenant_id, event_id, device_id, product, day, command, received_at) " +
                "SELECT tenant_id, event_id, device_id, product, CAST(time AS DATE), 'save', received_at FROM events WHERE tenant_id = $1",
                tenant),
            new SqlStatement($"SELECT length(content) FROM read_text('{pipe}')"),
        ]));
        Task<long> deletion;
        await using (var writer = await OpenWhenReadAsync(pipe))
        {
            deletion = Task.Run(() => _store.DeleteEventsAsync(tenant, new BulkDeletion { Product = "d365.field-service" }));
            await Task.Delay(300);
            Assert.False(deletion.IsCompleted);
            await writer.WriteAsync("n\n1\n"u8.ToArray());
        }

        await projection.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(20, await deletion.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0L, Scalar($"SELECT count(*) FROM analytics_commands WHERE tenant_id = '{tenant}'"));
        Assert.Equal(0, await _store.CountAsync(tenant));
    }

    private long Scalar(string sql) =>
        Convert.ToInt64(_store.QueryAsync(new SqlStatement(sql)).GetAwaiter().GetResult()[0][0], System.Globalization.CultureInfo.InvariantCulture);

    private string MakePipe()
    {
        var path = Path.Combine(_folder.Path, $"hold-{Guid.NewGuid():N}.csv");
        Assert.Equal(0, MakeFifo(path, Convert.ToUInt32("600", 8)));
        return path;
    }

    /// <summary>Opens the pipe for writing: returns once DuckDB has opened it for reading (an open of a named pipe
    /// waits for its other end), i.e. once the statements before the read have run.</summary>
    private static async Task<FileStream> OpenWhenReadAsync(string pipe) =>
        await Task.Run(() => new FileStream(pipe, FileMode.Open, FileAccess.Write)).WaitAsync(TimeSpan.FromSeconds(30));

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);
}

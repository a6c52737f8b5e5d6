using Candor.Core.Model;
using Candor.Server.Ingestion;
using Candor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Candor.Server.Tests.Ingestion;

public sealed class GroupCommitWriterTests
{
    private static StoredEvent Event(Guid id) => new()
    {
        TenantId = Guid.Empty, EventId = id, Name = "a.b.c", Level = DataLevel.Required, Category = DataCategory.ProductAndServiceUsage,
        Product = "p", AppVersion = "1.0", Sdk = "s", SessionId = Guid.Empty, DeviceId = Guid.Empty, DeviceClass = "desktop", Os = "o",
        OsVersion = "1", Arch = "x64", Locale = "en", Seq = 1, Time = Events.Now, ReceivedAt = Events.Now, Data = "{}",
    };

    [Fact]
    public async Task Concurrent_batches_are_grouped_into_one_append_and_duplicates_mapped_back_to_each()
    {
        var store = new GatedStore();
        await using var writer = new GroupCommitWriter(store, 16, 10_000, new CandorMetrics(), NullLogger.Instance);
        var shared = Guid.NewGuid();
        var first = writer.TryEnqueue([Event(Guid.NewGuid())])!;
        await store.Entered.WaitAsync(TimeSpan.FromSeconds(10));

        // While the first commit is held, three more batches queue up; they must go out together.
        var a = writer.TryEnqueue([Event(shared), Event(Guid.NewGuid())])!;
        var b = writer.TryEnqueue([Event(Guid.NewGuid()), Event(shared)])!;
        var c = writer.TryEnqueue([Event(shared)])!;
        Assert.Equal(3, writer.Depth);
        store.Release();

        var ra = await a;
        var rb = await b;
        var rc = await c;
        await first;
        Assert.Equal(2, store.Calls);
        Assert.Equal((2, 0), (ra.Stored, ra.DuplicateIndexes.Count));
        Assert.Equal([1], rb.DuplicateIndexes);
        Assert.Equal(1, rb.Stored);
        Assert.Equal([0], rc.DuplicateIndexes);
        Assert.Equal(0, rc.Stored);
    }

    [Fact]
    public async Task Full_queue_refuses_at_once_instead_of_growing()
    {
        var store = new GatedStore();
        await using var writer = new GroupCommitWriter(store, 2, 10_000, new CandorMetrics(), NullLogger.Instance);
        var held = writer.TryEnqueue([Event(Guid.NewGuid())])!;
        await store.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(writer.TryEnqueue([Event(Guid.NewGuid())]));
        Assert.NotNull(writer.TryEnqueue([Event(Guid.NewGuid())]));

        Assert.Null(writer.TryEnqueue([Event(Guid.NewGuid())]));

        store.Release();
        await held;
    }

    [Fact]
    public async Task Failed_append_fails_every_request_of_the_group_and_the_writer_goes_on()
    {
        var store = new GatedStore { FailNext = true };
        store.Release();
        await using var writer = new GroupCommitWriter(store, 16, 10_000, new CandorMetrics(), NullLogger.Instance);
        await Assert.ThrowsAsync<IOException>(() => writer.TryEnqueue([Event(Guid.NewGuid())])!);
        var ok = await writer.TryEnqueue([Event(Guid.NewGuid())])!;
        Assert.Equal(1, ok.Stored);
    }

    [Fact]
    public async Task Disposing_writes_what_was_queued()
    {
        var store = new GatedStore();
        var writer = new GroupCommitWriter(store, 16, 10_000, new CandorMetrics(), NullLogger.Instance);
        var first = writer.TryEnqueue([Event(Guid.NewGuid())])!;
        await store.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        var queued = writer.TryEnqueue([Event(Guid.NewGuid())])!;
        var disposing = writer.DisposeAsync();
        store.Release();
        await disposing;
        Assert.Equal(1, (await queued).Stored);
        Assert.Equal(1, (await first).Stored);
    }

    /// <summary>An append-only store in memory whose first append waits until released, so that a test can pile
    /// batches up behind it (a real store cannot be made to hold a commit at a chosen moment).</summary>
    private sealed class GatedStore : IEventStore
    {
        private readonly HashSet<Guid> _ids = [];
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public int Calls { get; private set; }

        public bool FailNext { get; set; }

        public void Release() => _gate.TrySetResult();

        public async Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
        {
            Calls++;
            _entered.TrySetResult();
            await _gate.Task;
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("disk full");
            }

            var duplicates = new List<int>();
            for (var i = 0; i < events.Count; i++)
            {
                if (!_ids.Add(events[i].EventId))
                {
                    duplicates.Add(i);
                }
            }

            return new AppendResult(events.Count - duplicates.Count, duplicates);
        }

        public Task MigrateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public IAsyncEnumerable<StoredEvent> ReadDeviceEventsAsync(Guid tenantId, Guid deviceId, EventFilter? filter = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<long> DeleteDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> DeleteReceivedBeforeAsync(Guid tenantId, DateTimeOffset cutoff, string? eventName = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<long> CountAsync(Guid tenantId, DataLevel? level = null, DataCategory? category = null, CancellationToken cancellationToken = default) =>
            Task.FromResult((long)_ids.Count);

        public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

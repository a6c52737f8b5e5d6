using Candor.Server.Cluster;
using Candor.Storage;
using Xunit;

namespace Candor.Cluster.Tests;

/// <summary>Loaders over a real 3-node JetStream cluster and a real PostgreSQL: acknowledgement only after the commit,
/// exact deduplication across redeliveries and across loaders.</summary>
public sealed class LoaderTests(ThreeNodes cluster) : IClassFixture<ThreeNodes>
{
    /// <summary>Short waits, so that a batch left by a dead loader comes back within the test.</summary>
    private static readonly LoaderOptions Options = new()
    {
        BatchSize = 1_000,
        FetchWait = TimeSpan.FromSeconds(1),
        AckWait = TimeSpan.FromSeconds(3),
        RetryDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Events_appended_to_the_log_are_stored_once_and_a_resend_is_a_duplicate()
    {
        await using var log = await Cluster.ConnectLogAsync(cluster.Nats);
        Assert.Equal(3, (await log.JetStream.GetStreamAsync(IngestLogOptions.StreamName)).Info.Config.NumReplicas);
        var tenant = Guid.NewGuid();
        var events = Cluster.Events(tenant, 500);
        var appender = new LogAppender(log);

        var first = await appender.AppendAsync(events);
        var resend = await appender.AppendAsync(events);

        Assert.Equal((500, 0), (first.Stored, first.DuplicateIndexes.Count));
        Assert.Equal((0, 500), (resend.Stored, resend.DuplicateIndexes.Count));
        await using var store = await Cluster.OpenStoreAsync(cluster.Database);
        await using var loader = new LogLoader(log.JetStream, store, Options, Cluster.Log);
        await loader.StartAsync(CancellationToken.None);
        await Cluster.WaitUntilAsync(async () => (await cluster.Database.CountEventsAsync(tenant)).Rows >= 500, TimeSpan.FromSeconds(60), "500 events are stored");
        await Task.Delay(500);
        Assert.Equal((500L, 500L), await cluster.Database.CountEventsAsync(tenant));
    }

    [Fact]
    public async Task Redelivery_after_a_commit_whose_acknowledgement_was_lost_stores_nothing_twice()
    {
        await using var log = await Cluster.ConnectLogAsync(cluster.Nats);
        var tenant = Guid.NewGuid();
        await new LogAppender(log).AppendAsync(Cluster.Events(tenant, 800));
        await using var store = await Cluster.OpenStoreAsync(cluster.Database);

        // The first commit of this tenant's events succeeds, then the loader "dies" before acknowledging: the store
        // throws after committing, so the messages are handed back and delivered again.
        var crashing = new CrashAfterCommitStore(store, tenant);
        await using var loader = new LogLoader(log.JetStream, crashing, Options, Cluster.Log);
        await loader.StartAsync(CancellationToken.None);
        await Cluster.WaitUntilAsync(() => Task.FromResult(crashing.Crashed && crashing.RedeliveredAfterCrash > 0), TimeSpan.FromSeconds(60),
            "the committed batch is delivered again");
        await Cluster.WaitUntilAsync(async () => (await cluster.Database.CountEventsAsync(tenant)).Rows >= 800, TimeSpan.FromSeconds(60), "800 events are stored");
        await Task.Delay(1_000);

        Assert.Equal((800L, 800L), await cluster.Database.CountEventsAsync(tenant));
        Assert.True(loader.Duplicates >= crashing.CommittedBeforeCrash, $"{loader.Duplicates} duplicates, {crashing.CommittedBeforeCrash} committed before the crash");
    }

    [Fact]
    public async Task A_loader_killed_mid_batch_loses_nothing_and_another_loader_takes_its_messages()
    {
        var tenant = Guid.NewGuid();
        await using (var producer = await Cluster.ConnectLogAsync(cluster.Nats))
        {
            await new LogAppender(producer).AppendAsync(Cluster.Events(tenant, 2_000));
        }

        await using var store = await Cluster.OpenStoreAsync(cluster.Database);

        // The first loader takes a batch and hangs in its transaction; then its process "dies": its connection to the
        // log closes without a single acknowledgement.
        var hanging = new HangingStore();
        var doomedLog = await Cluster.ConnectLogAsync(cluster.Nats);
        var doomed = new LogLoader(doomedLog.JetStream, hanging, Options, Cluster.Log);
        await doomed.StartAsync(CancellationToken.None);
        await Cluster.WaitUntilAsync(() => Task.FromResult(hanging.Held > 0), TimeSpan.FromSeconds(30), "the first loader holds a batch");
        var held = hanging.Held;
        await doomedLog.DisposeAsync();
        await doomed.DisposeAsync();

        // Two loaders share the consumer from here: between them every event is stored, once.
        await using var log = await Cluster.ConnectLogAsync(cluster.Nats);
        await using var a = new LogLoader(log.JetStream, store, Options, Cluster.Log);
        await using var b = new LogLoader(log.JetStream, store, Options, Cluster.Log);
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        await Cluster.WaitUntilAsync(async () => (await cluster.Database.CountEventsAsync(tenant)).Rows >= 2_000, TimeSpan.FromSeconds(90),
            "the 2,000 events are stored");
        await Task.Delay(1_000);

        Assert.True(held > 0);
        Assert.Equal((2_000L, 2_000L), await cluster.Database.CountEventsAsync(tenant));
        Assert.True(a.Stored + b.Stored >= 2_000, $"the two loaders stored {a.Stored} + {b.Stored}");
    }

    [Fact]
    public void An_event_survives_the_log_encoding_unchanged_and_garbage_is_refused()
    {
        var e = Cluster.Events(Guid.NewGuid(), 1)[0] with { Data = """{"message":"naïve ☃"}""" };

        Assert.Equal(e, EventCodec.Decode(EventCodec.Encode(e)));
        Assert.Throws<FormatException>(() => EventCodec.Decode(new byte[] { 1, 2, 3 }));
        Assert.Throws<FormatException>(() => EventCodec.Decode(EventCodec.Encode(e).Concat(new byte[] { 0 }).ToArray()));
    }

    /// <summary>Commits the first batch holding the tenant's events, then throws as if the loader died before its
    /// acknowledgements; counts what comes back afterwards.</summary>
    private sealed class CrashAfterCommitStore(IEventStore inner, Guid tenant) : ForwardingStore(inner)
    {
        private int _crashed;

        public bool Crashed => Volatile.Read(ref _crashed) == 1;

        public int CommittedBeforeCrash { get; private set; }

        public int RedeliveredAfterCrash { get; private set; }

        public override async Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
        {
            var result = await base.AppendAsync(events, cancellationToken);
            var mine = events.Count(e => e.TenantId == tenant);
            if (mine > 0 && Interlocked.CompareExchange(ref _crashed, 1, 0) == 0)
            {
                CommittedBeforeCrash = result.Stored;
                throw new InvalidOperationException("The loader died after the commit.");
            }

            if (Crashed)
            {
                RedeliveredAfterCrash += result.DuplicateIndexes.Count;
            }

            return result;
        }
    }

    /// <summary>Takes a batch and never commits it (until cancelled).</summary>
    private sealed class HangingStore() : ForwardingStore(null!)
    {
        private int _held;

        public int Held => Volatile.Read(ref _held);

        public override async Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref _held, events.Count);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}

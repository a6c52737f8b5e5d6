using Candor.Core.Model;
using Xunit;

namespace Candor.Storage.Tests;

/// <summary>What every event store does. A backend's test class derives from this and opens a fresh, migrated
/// store in <see cref="OpenStoreAsync"/>; tests use fresh tenant ids, so a backend may share one database
/// between tests.</summary>
public abstract class EventStoreContractTests : IAsyncLifetime
{
    private ICandorStore? _store;

    protected ICandorStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>A migrated store, ready to use.</summary>
    protected abstract Task<ICandorStore> OpenStoreAsync();

    public virtual async Task InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Appended_events_read_back_exactly_oldest_first()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 20);
        events[3] = events[3] with { Data = """{"text":"Zürich — 東京 \"quoted\"","nested":{"a":[1,2.5,true,null]}}""" };

        var reversed = events.AsEnumerable().Reverse().ToList();
        var result = await Store.AppendAsync(reversed);

        Assert.Equal(20, result.Stored);
        Assert.Empty(result.DuplicateIndexes);
        TestEvents.AssertSame(events, await Store.ReadAll(tenant, device));
    }

    [Fact]
    public async Task Times_keep_microseconds_and_come_back_in_utc()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var local = new DateTimeOffset(2026, 6, 1, 23, 59, 59, TimeSpan.FromHours(2)).AddTicks(1234560);
        var e = TestEvents.Make(tenant, device, 0) with { Time = local, ReceivedAt = local.AddTicks(10) };

        await Store.AppendAsync([e]);

        var read = Assert.Single(await Store.ReadAll(tenant, device));
        Assert.Equal(local.UtcTicks, read.Time.UtcTicks);
        Assert.Equal(TimeSpan.Zero, read.Time.Offset);
        Assert.Equal(local.AddTicks(10).UtcTicks, read.ReceivedAt.UtcTicks);
    }

    [Fact]
    public async Task Empty_append_stores_nothing()
    {
        var result = await Store.AppendAsync([]);

        Assert.Equal(0, result.Stored);
        Assert.Empty(result.DuplicateIndexes);
    }

    [Fact]
    public async Task Repeated_event_within_one_call_is_stored_once_and_reported_at_its_later_index()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 5);
        var batch = new List<StoredEvent>(events) { events[1], events[4] with { Seq = 99 }, events[1] };

        var result = await Store.AppendAsync(batch);

        Assert.Equal(5, result.Stored);
        Assert.Equal([5, 6, 7], result.DuplicateIndexes);
        TestEvents.AssertSame(events, await Store.ReadAll(tenant, device));
    }

    [Fact]
    public async Task Event_stored_by_an_earlier_call_is_not_stored_again_and_reported()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var first = TestEvents.Many(tenant, device, 4);
        await Store.AppendAsync(first);
        var fresh = TestEvents.Make(tenant, device, 10);

        var result = await Store.AppendAsync([fresh, first[2] with { Data = "{}" }, first[0], fresh]);

        Assert.Equal(1, result.Stored);
        Assert.Equal([1, 2, 3], result.DuplicateIndexes);
        var stored = await Store.ReadAll(tenant, device);
        TestEvents.AssertSame([.. first, fresh], stored);
        Assert.Equal(5, await Store.CountAsync(tenant));
    }

    [Fact]
    public async Task Retried_call_reports_every_event_as_duplicate()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 50);
        await Store.AppendAsync(events);

        var retry = await Store.AppendAsync(events);

        Assert.Equal(0, retry.Stored);
        Assert.Equal(Enumerable.Range(0, 50), retry.DuplicateIndexes);
        Assert.Equal(50, await Store.CountAsync(tenant));
    }

    [Fact]
    public async Task Same_event_id_in_two_tenants_is_stored_for_each()
    {
        var (a, b, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var inA = TestEvents.Make(a, device, 0);
        var inB = inA with { TenantId = b };

        var result = await Store.AppendAsync([inA, inB]);

        Assert.Equal(2, result.Stored);
        Assert.Empty(result.DuplicateIndexes);
        Assert.Equal(1, await Store.CountAsync(a));
        Assert.Equal(1, await Store.CountAsync(b));
    }

    [Fact]
    public async Task Time_ordered_ids_are_stored_once_across_calls_and_within_a_call()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var first = TestEvents.ManyTimeOrdered(tenant, device, 20);
        Assert.Equal(20, (await Store.AppendAsync(first)).Stored);

        // A retry of part of the first call, new events, and one of the new events twice.
        var next = TestEvents.ManyTimeOrdered(tenant, device, 5, first: 20);
        List<StoredEvent> mixed = [first[3], next[0], first[19], next[1], next[2], next[0], next[3], next[4]];
        var result = await Store.AppendAsync(mixed);

        Assert.Equal(5, result.Stored);
        Assert.Equal([0, 2, 5], result.DuplicateIndexes.Order());
        Assert.Equal(25, await Store.CountAsync(tenant));
    }

    [Fact]
    public async Task Time_ordered_id_in_two_tenants_is_stored_for_each_and_deduplicated_in_each()
    {
        var (a, b, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.ManyTimeOrdered(a, device, 3);
        var copies = events.Select(e => e with { TenantId = b }).ToList();

        Assert.Equal(3, (await Store.AppendAsync(events)).Stored);
        Assert.Equal(3, (await Store.AppendAsync(copies)).Stored);
        Assert.Equal(6, (await Store.AppendAsync([.. events, .. copies])).DuplicateIndexes.Count);
        Assert.Equal(3, await Store.CountAsync(a));
        Assert.Equal(3, await Store.CountAsync(b));
    }

    [Fact]
    public async Task Concurrent_appends_from_many_tasks_store_each_event_exactly_once()
    {
        var tenant = Guid.NewGuid();
        var devices = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var pool = devices.SelectMany(d => TestEvents.Many(tenant, d, 250)).ToArray();

        // Sixteen writers, each sending an overlapping, shuffled half of the pool, as retrying clients would.
        var tasks = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var mine = pool.Where(_ => random.Next(2) == 0).OrderBy(_ => random.Next()).ToList();
            var stored = 0;
            var duplicates = 0;
            foreach (var chunk in mine.Chunk(100))
            {
                var result = await Store.AppendAsync(chunk);
                stored += result.Stored;
                duplicates += result.DuplicateIndexes.Count;
                Assert.Equal(chunk.Length, result.Stored + result.DuplicateIndexes.Count);
            }

            return (Sent: mine.Count, Stored: stored, Duplicates: duplicates);
        })).ToArray();
        var outcomes = await Task.WhenAll(tasks);

        var distinctSent = outcomes.Sum(o => o.Sent) - outcomes.Sum(o => o.Duplicates);
        Assert.Equal(distinctSent, outcomes.Sum(o => o.Stored));
        Assert.Equal(outcomes.Sum(o => (long)o.Stored), await Store.CountAsync(tenant));
        foreach (var device in devices)
        {
            var read = await Store.ReadAll(tenant, device);
            Assert.Equal(read.Count, read.Select(e => e.EventId).Distinct().Count());
        }
    }

    [Fact]
    public async Task Reads_filter_by_level_category_and_time()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = new List<StoredEvent>
        {
            TestEvents.Make(tenant, device, 0, DataLevel.Required, DataCategory.ProductAndServicePerformance),
            TestEvents.Make(tenant, device, 1, DataLevel.Optional, DataCategory.ProductAndServiceUsage),
            TestEvents.Make(tenant, device, 2, DataLevel.Required, DataCategory.SoftwareSetupAndInventory),
            TestEvents.Make(tenant, device, 3, DataLevel.Optional, DataCategory.ProductAndServicePerformance),
            TestEvents.Make(tenant, device, 4, DataLevel.Required, DataCategory.ProductAndServicePerformance),
        };
        await Store.AppendAsync(events);

        TestEvents.AssertSame([events[1], events[3]], await Store.ReadAll(tenant, device, new() { Level = DataLevel.Optional }));
        TestEvents.AssertSame([events[0], events[3], events[4]],
            await Store.ReadAll(tenant, device, new() { Category = DataCategory.ProductAndServicePerformance }));
        TestEvents.AssertSame([events[0], events[4]],
            await Store.ReadAll(tenant, device, new() { Level = DataLevel.Required, Category = DataCategory.ProductAndServicePerformance }));
        TestEvents.AssertSame([events[1], events[2]],
            await Store.ReadAll(tenant, device, new() { From = events[1].Time, To = events[3].Time }));
        Assert.Empty(await Store.ReadAll(tenant, device, new() { From = events[4].Time.AddTicks(10) }));
    }

    [Fact]
    public async Task Reads_page_with_limit_and_offset_in_time_order()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 25);
        await Store.AppendAsync(events.OrderBy(e => e.EventId).ToList());

        var pages = new List<StoredEvent>();
        for (var offset = 0; offset < 30; offset += 10)
        {
            pages.AddRange(await Store.ReadAll(tenant, device, new() { Limit = 10, Offset = offset }));
        }

        TestEvents.AssertSame(events, pages);
        Assert.Empty(await Store.ReadAll(tenant, device, new() { Limit = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadAll(tenant, device, new() { Offset = -1 }));
    }

    [Fact]
    public async Task Events_with_equal_times_page_without_loss_or_repeat()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 12).Select(e => e with { Time = TestEvents.Base, Seq = 7 }).ToList();
        await Store.AppendAsync(events);

        var pages = new List<StoredEvent>();
        for (var offset = 0; offset < 12; offset += 5)
        {
            pages.AddRange(await Store.ReadAll(tenant, device, new() { Limit = 5, Offset = offset }));
        }

        Assert.Equal(events.Select(e => e.EventId).Order(), pages.Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task Deleting_a_device_returns_its_count_and_leaves_other_devices_and_tenants()
    {
        var (tenant, other, device, neighbour) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await Store.AppendAsync([
            .. TestEvents.Many(tenant, device, 7),
            .. TestEvents.Many(tenant, neighbour, 3),
            .. TestEvents.Many(other, device, 4),
        ]);

        Assert.Equal(7, await Store.DeleteDeviceAsync(tenant, device));

        Assert.Empty(await Store.ReadAll(tenant, device));
        Assert.Equal(3, (await Store.ReadAll(tenant, neighbour)).Count);
        Assert.Equal(4, (await Store.ReadAll(other, device)).Count);
        Assert.Equal(0, await Store.DeleteDeviceAsync(tenant, device));
    }

    [Fact]
    public async Task Deleted_device_event_can_be_stored_again()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var e = TestEvents.Make(tenant, device, 0);
        await Store.AppendAsync([e]);
        await Store.DeleteDeviceAsync(tenant, device);

        var again = await Store.AppendAsync([e]);

        Assert.Equal(1, again.Stored);
        Assert.Single(await Store.ReadAll(tenant, device));
    }

    [Fact]
    public async Task Deleting_received_before_a_cutoff_removes_only_older_events_of_that_tenant()
    {
        var (tenant, other, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var cutoff = TestEvents.Base.AddDays(-30);
        var old = Enumerable.Range(0, 6).Select(i => TestEvents.Make(tenant, device, i, receivedAt: cutoff.AddTicks(-10 - i))).ToList();
        var atCutoff = TestEvents.Make(tenant, device, 10, receivedAt: cutoff);
        var otherOld = TestEvents.Make(other, device, 0, receivedAt: cutoff.AddDays(-1));
        await Store.AppendAsync([.. old, atCutoff, otherOld]);

        Assert.Equal(6, await Store.DeleteReceivedBeforeAsync(tenant, cutoff));

        TestEvents.AssertSame([atCutoff], await Store.ReadAll(tenant, device));
        Assert.Equal(1, await Store.CountAsync(other));
    }

    [Fact]
    public async Task Deleting_received_before_a_cutoff_for_one_event_name_keeps_other_names()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var cutoff = TestEvents.Base;
        var crash = TestEvents.Make(tenant, device, 0, name: "app.crashed", receivedAt: cutoff.AddDays(-2));
        var sync = TestEvents.Make(tenant, device, 1, name: "fieldservice.sync.completed", receivedAt: cutoff.AddDays(-2));
        var recentCrash = TestEvents.Make(tenant, device, 2, name: "app.crashed", receivedAt: cutoff.AddDays(1));
        await Store.AppendAsync([crash, sync, recentCrash]);

        Assert.Equal(1, await Store.DeleteReceivedBeforeAsync(tenant, cutoff, "app.crashed"));

        TestEvents.AssertSame([sync, recentCrash], await Store.ReadAll(tenant, device));
    }

    [Fact]
    public async Task Count_is_per_tenant_and_by_level_and_category()
    {
        var (tenant, other, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await Store.AppendAsync([
            TestEvents.Make(tenant, device, 0, DataLevel.Required, DataCategory.ProductAndServiceUsage),
            TestEvents.Make(tenant, device, 1, DataLevel.Required, DataCategory.ProductAndServicePerformance),
            TestEvents.Make(tenant, device, 2, DataLevel.Optional, DataCategory.ProductAndServiceUsage),
            TestEvents.Make(other, device, 3, DataLevel.Optional, DataCategory.ProductAndServiceUsage),
        ]);

        Assert.Equal(3, await Store.CountAsync(tenant));
        Assert.Equal(2, await Store.CountAsync(tenant, DataLevel.Required));
        Assert.Equal(1, await Store.CountAsync(tenant, DataLevel.Optional));
        Assert.Equal(2, await Store.CountAsync(tenant, category: DataCategory.ProductAndServiceUsage));
        Assert.Equal(1, await Store.CountAsync(tenant, DataLevel.Optional, DataCategory.ProductAndServiceUsage));
        Assert.Equal(0, await Store.CountAsync(tenant, category: DataCategory.SoftwareSetupAndInventory));
        Assert.Equal(0, await Store.CountAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_tenant_never_reads_or_deletes_another_tenants_events()
    {
        var (a, b, device) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var ofA = TestEvents.Many(a, device, 5);
        await Store.AppendAsync(ofA);

        Assert.Empty(await Store.ReadAll(b, device));
        Assert.Equal(0, await Store.CountAsync(b));
        Assert.Equal(0, await Store.DeleteDeviceAsync(b, device));
        Assert.Equal(0, await Store.DeleteReceivedBeforeAsync(b, DateTimeOffset.MaxValue.AddDays(-1)));
        TestEvents.AssertSame(ofA, await Store.ReadAll(a, device));
    }

    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_data()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var events = TestEvents.Many(tenant, device, 3);
        await Store.AppendAsync(events);

        await Store.MigrateAsync();
        await Store.MigrateAsync();

        TestEvents.AssertSame(events, await Store.ReadAll(tenant, device));
        var more = TestEvents.Make(tenant, device, 9);
        Assert.Equal(1, (await Store.AppendAsync([more])).Stored);
    }

    [Fact]
    public async Task Event_with_a_missing_text_is_rejected_before_anything_is_stored()
    {
        var (tenant, device) = (Guid.NewGuid(), Guid.NewGuid());
        var good = TestEvents.Make(tenant, device, 0);
        var bad = TestEvents.Make(tenant, device, 1) with { Os = null! };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync([good, bad]));

        Assert.Contains("Event 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Store.CountAsync(tenant));
    }

    [Fact]
    public async Task Ping_answers_true()
    {
        Assert.True(await Store.PingAsync());
    }
}

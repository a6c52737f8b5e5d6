using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests.Policy;

public sealed class PolicyTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output = output;
    private readonly TempFolder _temp = new();
    private TestCollector _collector = null!;

    public async Task InitializeAsync() => _collector = await TestCollector.StartAsync();

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Optional_event_is_never_queued_when_policy_is_required_only()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        client.Track(TestCatalogs.OptionalEvent);
        client.PersistPending();

        Assert.DoesNotContain(client.QueueForTests.Snapshot(), e => e.Name == TestCatalogs.OptionalEvent);
        Assert.Equal(1, client.GetDiagnostics().FilteredFor("level_not_allowed"));
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(_collector.EventsNamed(TestCatalogs.OptionalEvent));
    }

    [Fact]
    public async Task Optional_event_is_sent_when_the_family_and_the_policy_both_allow_it()
    {
        _collector.Policy = TestCollector.PolicyJson(levels: ["required", "optional"]);
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        client.Track(TestCatalogs.OptionalEvent);
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Single(_collector.EventsNamed(TestCatalogs.OptionalEvent));
    }

    [Fact]
    public async Task Optional_event_is_filtered_when_the_family_allows_required_only_whatever_the_policy_says()
    {
        _collector.Policy = TestCollector.PolicyJson(levels: ["required", "optional"]);
        var shipped = TestCatalogs.Shipped;
        var gate = new Candor.Client.Policy.PolicyGate(
            new Candor.Client.Events.EventTable(
                new Candor.Core.Catalog.CompiledCatalog
                {
                    Family = shipped.Family,
                    Products = shipped.Products,
                    Events = TestCatalogs.Wide.Events,
                },
                TestCatalogs.Product,
                DateTimeOffset.Parse("2026-11-29T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
            new Candor.Core.Policy.TenantPolicy { Levels = [Candor.Core.Model.DataLevel.Required, Candor.Core.Model.DataLevel.Optional] },
            0.0);

        Assert.Equal(Candor.Client.Diagnostics.FilterReason.LevelNotAllowed, gate.Check(TestCatalogs.OptionalEvent));
        Assert.Equal(Candor.Client.Diagnostics.FilterReason.None, gate.Check("app.session.started"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Nothing_is_uploaded_before_the_first_policy_answer_so_events_it_forbids_never_leave()
    {
        // Regression: the wait for the first policy used an "infinite" delay that completed at once.
        _collector.Policy = TestCollector.PolicyJson(categories: ["product_and_service_performance"]);
        _collector.PolicyDelay = TimeSpan.FromSeconds(1);
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        client.Track("fieldservice.work_order.status_changed", Clients.Fields(("fromStatus", "scheduled"), ("toStatus", "traveling")));
        client.ReportFeatureFailure("offline_sync", "503");

        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(15));

        Assert.True(receipt.Completed);
        var sent = _collector.Events.Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(["app.feature.failed"], sent);
        Assert.Equal(0, client.GetDiagnostics().DroppedFor("rejected_by_collector"));
    }

    [Fact]
    public async Task Event_of_a_category_the_policy_excludes_is_filtered()
    {
        _collector.Policy = TestCollector.PolicyJson(categories: ["product_and_service_usage"]);
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        client.ReportFeatureFailure("offline_sync", "0x80070005");
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, client.GetDiagnostics().FilteredFor("category_not_allowed"));
        Assert.Empty(_collector.EventsNamed("app.feature.failed"));
    }

    [Fact]
    public async Task A_policy_change_applies_without_restart_and_removes_queued_events_it_now_forbids()
    {
        _collector.Policy = TestCollector.PolicyJson(levels: ["required", "optional"]);
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.PolicyPollInterval = TimeSpan.FromSeconds(1));
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        for (var i = 0; i < 3; i++)
        {
            client.Track(TestCatalogs.OptionalEvent);
        }

        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "kept")));
        client.PersistPending();
        var d = client.GetDiagnostics();
        Assert.True(3 == client.QueueForTests.Snapshot().Count(e => e.Name == TestCatalogs.OptionalEvent), string.Join(",", d.Filtered.Select(x => x.Key + "=" + x.Value)) + " dropped " + string.Join(",", d.Dropped.Select(x => x.Key + "=" + x.Value)) + " persisted " + d.Persisted + " sent " + d.Sent + " q " + string.Join(",", client.QueueForTests.Snapshot().Select(e => e.Name)));

        _collector.Policy = TestCollector.PolicyJson(levels: ["required"]);
        await Eventually.TrueAsync(() => client.GetDiagnostics().DroppedFor("policy_changed") == 3, "the new policy removed the queued optional events");
        client.Track(TestCatalogs.OptionalEvent);
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(_collector.EventsNamed(TestCatalogs.OptionalEvent));
        Assert.Single(_collector.EventsNamed(TestCatalogs.NoteEvent));
        Assert.Equal(1, client.GetDiagnostics().FilteredFor("level_not_allowed"));
    }

    [Fact]
    public async Task When_collection_is_off_nothing_is_queued_and_the_queue_is_cleared()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.PolicyPollInterval = TimeSpan.FromSeconds(1));
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "queued before")));
        client.PersistPending();
        Assert.Equal(1, client.QueueForTests.Count);

        _collector.Policy = TestCollector.PolicyJson(on: false);
        await Eventually.TrueAsync(() => client.QueueForTests.Count == 0, "collection off cleared the queue");
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "after")));
        client.PersistPending();

        Assert.Equal(0, client.QueueForTests.Count);
        Assert.Equal(1, client.GetDiagnostics().FilteredFor("collection_off"));
        Assert.Equal(1, client.GetDiagnostics().DroppedFor("collection_off"));
    }

    [Fact]
    public async Task A_403_stops_collection_clears_the_queue_and_polls_the_policy_at_once()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var pollsBefore = _collector.PolicyRequests;

        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
        _collector.NextUploadResponses.Enqueue((403, null));
        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.True(receipt.Completed);
        Assert.Equal(0, receipt.Pending);
        Assert.Equal(1, receipt.Dropped["collection_off"]);
        await Eventually.TrueAsync(() => _collector.PolicyRequests > pollsBefore, "the 403 triggered a policy poll");
        // The collector's policy is still on: the re-poll turns collection back on without a restart.
        await Eventually.TrueAsync(
            () =>
            {
                client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "y")));
                client.PersistPending();
                return client.QueueForTests.Count > 0;
            },
            "collection resumed after the re-poll");
    }

    [Fact]
    public async Task The_policy_is_cached_on_disk_and_obeyed_after_a_restart_without_network()
    {
        _collector.Policy = TestCollector.PolicyJson(on: false);
        await using (var first = Clients.Create(_collector.Url, _temp.Path))
        {
            await first.FlushAsync(TimeSpan.FromSeconds(10));
        }

        var unreachable = new Uri("http://127.0.0.1:9/");
        await using var second = Clients.Create(unreachable, _temp.Path, o => o.RecordLifecycleEvents = false);
        second.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));

        Assert.Equal(1, second.GetDiagnostics().FilteredFor("collection_off"));
    }

    [Fact]
    public async Task The_policy_is_polled_with_its_etag_and_an_unchanged_policy_costs_a_304()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.PolicyPollInterval = TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _collector.PolicyNotModified >= 1, "a second poll was answered 304");
    }

    [Fact]
    public async Task A_filtered_event_allocates_nothing()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        // Warm up until the loop runs fully optimised code (tiering and on-stack replacement allocate once).
        for (var round = 0; round < 5; round++)
        {
            TrackFiltered(client, 200_000);
            await Task.Delay(50);
        }

        // After the awaits this may be another thread: its first count allocates the thread's counter block, once.
        TrackFiltered(client, 1_000);
        const int n = 1_000_000;
        var watch = new System.Diagnostics.Stopwatch();
        var before = GC.GetAllocatedBytesForCurrentThread();
        watch.Start();
        TrackFiltered(client, n);
        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(n + 1_001_000, client.GetDiagnostics().FilteredFor("level_not_allowed"));
        // Time is reported, not asserted: on a shared machine a wall-clock bound only measures the neighbours. The
        // benchmarks (bench/) measure it properly.
        _output.WriteLine($"{watch.Elapsed.TotalMilliseconds * 1e6 / n:F1} ns per filtered event (wall clock)");
    }

    [Fact]
    public async Task A_filtered_typed_event_allocates_nothing()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var optional = new CandorGeneratedEvent(TestCatalogs.OptionalEvent, []);
        for (var round = 0; round < 5; round++)
        {
            TrackTypedFiltered(client, optional, 200_000);
            await Task.Delay(50);
        }

        // After the awaits this may be another thread: its first count allocates the thread's counter block, once.
        TrackTypedFiltered(client, optional, 1_000);
        const int n = 1_000_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        TrackTypedFiltered(client, optional, n);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(n + 1_001_000, client.GetDiagnostics().FilteredFor("level_not_allowed"));
    }

    [Fact]
    public async Task An_accepted_typed_event_allocates_only_the_value_array_of_its_generated_method()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, catalog: TestCatalogs.Shipped);
        var statusChanged = new CandorGeneratedEvent("fieldservice.work_order.status_changed", ["fromStatus", "toStatus", "offline"]);
        var one = GC.GetAllocatedBytesForCurrentThread();
        var array = new CandorFieldValue[3];
        var arrayBytes = GC.GetAllocatedBytesForCurrentThread() - one;
        GC.KeepAlive(array);

        var allocated = await AllocatedByAcceptedBurstAsync(client, n => TrackTypedAccepted(client, statusChanged, n));

        Assert.Equal(AcceptedBurst * arrayBytes, allocated);
        _output.WriteLine($"{allocated / (double)AcceptedBurst} bytes per accepted typed event: one array of {arrayBytes} bytes");
    }

    [Fact]
    public async Task An_accepted_typed_event_with_inline_values_allocates_nothing()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, catalog: TestCatalogs.Shipped);
        var statusChanged = new CandorGeneratedEvent("fieldservice.work_order.status_changed", ["fromStatus", "toStatus", "offline"]);

        var allocated = await AllocatedByAcceptedBurstAsync(client, n => TrackTypedInline(client, statusChanged, n));

        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Inline_values_arrive_in_their_fields_and_a_wrong_count_is_an_invalid_field()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false, catalog: TestCatalogs.Shipped);
        var statusChanged = new CandorGeneratedEvent("fieldservice.work_order.status_changed", ["fromStatus", "toStatus", "offline"]);
        TrackTypedInline(client, statusChanged, 1);
        var tooMany = new CandorFieldValues(CandorFieldValues.MaxCount + 1);
        client.TrackGenerated(statusChanged, in tooMany);
        await client.FlushAsync(TimeSpan.FromSeconds(30));

        var data = Assert.Single(_collector.EventsNamed("fieldservice.work_order.status_changed")).GetProperty("data");
        Assert.Equal("traveling", data.GetProperty("fromStatus").GetString());
        Assert.Equal("in_progress", data.GetProperty("toStatus").GetString());
        Assert.True(data.GetProperty("offline").GetBoolean());
        Assert.Equal(1, client.GetDiagnostics().FilteredFor("invalid_field"));
    }

    [Fact]
    public async Task Writing_an_event_to_the_queue_allocates_only_what_the_queue_keeps_for_the_uploader()
    {
        // The background writer's garbage would pause the app's threads (a collection stops them all): it serialises
        // into reused buffers, and per event allocates only the JSON the queue keeps, its entry and the event id.
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false, catalog: TestCatalogs.Shipped);
        var statusChanged = new CandorGeneratedEvent("fieldservice.work_order.status_changed", ["fromStatus", "toStatus", "offline"]);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        const int n = 1_000;
        for (var round = 0; round < 3; round++)
        {
            TrackTypedInline(client, statusChanged, n);
            client.PersistPending();
        }

        var lastSeq = client.QueueForTests.LastSeq;
        TrackTypedInline(client, statusChanged, n);
        var before = GC.GetAllocatedBytesForCurrentThread();
        client.PersistPending();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The background loop may have written part of the burst itself, which only lowers what this thread saw.
        var written = client.QueueForTests.Snapshot().Where(e => e.Seq > lastSeq).ToList();
        Assert.Equal(n, written.Count);
        var kept = written.Sum(e => (long)e.Json.Length);
        _output.WriteLine($"{allocated / (double)n:F0} bytes allocated per event written, {kept / (double)n:F0} of them its JSON");
        Assert.True(allocated <= kept + (n * 256L), $"{allocated} bytes for {n} events of {kept} bytes of JSON");
    }

    private const int AcceptedBurst = 4_000;

    /// <summary>The bytes one burst of <see cref="AcceptedBurst"/> accepted calls allocates on the calling thread
    /// (deterministic, unlike a time), after the burst was written to disk (every event of it persisted).</summary>
    private static async Task<long> AllocatedByAcceptedBurstAsync(CandorClient client, Action<int> track)
    {
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        // Bursts below the in-memory stage's capacity, written out in between: the first ones also grow that stage
        // to its working size and get the code fully optimised.
        for (var round = 0; round < 5; round++)
        {
            track(AcceptedBurst);
            await client.FlushAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(50);
        }

        // After the awaits this may be another thread: its first count allocates the thread's counter block, once.
        var persisted = client.GetDiagnostics().Persisted;
        track(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        track(AcceptedBurst);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await client.FlushAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(persisted + AcceptedBurst + 1, client.GetDiagnostics().Persisted);
        return allocated;
    }

    /// <summary>What a generated method does: check the policy, and only then build the values.</summary>
    private static void TrackTypedFiltered(CandorClient client, CandorGeneratedEvent e, int n)
    {
        for (var i = 0; i < n; i++)
        {
            if (client.ShouldTrack(e))
            {
                client.TrackGenerated(e, []);
            }
        }
    }

    private static void TrackTypedAccepted(CandorClient client, CandorGeneratedEvent e, int n)
    {
        for (var i = 0; i < n; i++)
        {
            if (client.ShouldTrack(e))
            {
                client.TrackGenerated(e, [CandorFieldValue.From("traveling"), CandorFieldValue.From("in_progress"), CandorFieldValue.From(true)]);
            }
        }
    }

    /// <summary>What a generated method of three fields emits today: the values in a struct on the stack.</summary>
    private static void TrackTypedInline(CandorClient client, CandorGeneratedEvent e, int n)
    {
        for (var i = 0; i < n; i++)
        {
            if (client.ShouldTrack(e))
            {
                var values = new CandorFieldValues(3);
                values.Set(0, CandorFieldValue.From("traveling"));
                values.Set(1, CandorFieldValue.From("in_progress"));
                values.Set(2, CandorFieldValue.From(true));
                client.TrackGenerated(e, in values);
            }
        }
    }

    private static void TrackFiltered(CandorClient client, int n)
    {
        for (var i = 0; i < n; i++)
        {
            client.Track(TestCatalogs.OptionalEvent);
        }
    }
}

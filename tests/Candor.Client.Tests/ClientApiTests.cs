using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests;

/// <summary>The client's public calls. Run alone (<see cref="MeterTestsCollection"/>): a MeterListener sees the
/// meter of every client in the process, and the meter tests read exact values.</summary>
[Collection(nameof(MeterTestsCollection))]
public sealed class ClientApiTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private TestCollector _collector = null!;

    public async Task InitializeAsync() => _collector = await TestCollector.StartAsync();

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public void Invalid_options_are_reported_together_in_one_exception()
    {
        var options = new CandorClientOptions { CollectorUrl = new Uri("ftp://x/"), AppVersion = "latest", MaxBatchEvents = 900 };

        var errors = options.Validate();
        var ex = Assert.Throws<ArgumentException>(() => CandorClient.Create(options));

        Assert.True(errors.Count >= 5, string.Join("\n", errors));
        foreach (var part in new[] { "CollectorUrl", "IngestionKey", "DataFolder", "AppVersion", "Catalog", "MaxBatchEvents" })
        {
            Assert.Contains(part, ex.Message);
        }
    }

    [Fact]
    public void A_product_missing_from_the_catalog_is_an_option_error()
    {
        var options = Clients.Options(_collector.Url, _temp.Path);
        options.ProductId = "d365.nonexistent";

        Assert.Contains(options.Validate(), e => e.Contains("d365.nonexistent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_events_and_wrong_fields_are_counted_and_never_thrown()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);

        client.Track("no.such.event");
        client.Track(null!);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x"), ("userName", "jane")));
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", 42)));
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("count", 1)));
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", new string('x', 201))));
        client.Track("device.configuration", Clients.Fields(("networkType", "carrier_pigeon"), ("memoryClass", "over_16gb"), ("displayClass", "phone"), ("processorCount", 4)));
        client.Track("fieldservice.sync.completed", Clients.Fields(("durationMs", -5)));
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var d = client.GetDiagnostics();
        Assert.Equal(2, d.FilteredFor("unknown_event"));
        Assert.Equal(1, d.FilteredFor("undeclared_field"));
        Assert.Equal(5, d.FilteredFor("invalid_field"));
        Assert.Equal(8, d.Received);
        Assert.Empty(_collector.Events);
    }

    [Fact]
    public async Task An_event_of_another_product_is_filtered()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        var other = TestCatalogs.Wide.Events.First(e => !e.AllProducts && !e.Products.Contains(TestCatalogs.Product));

        client.Track(other.Name);

        Assert.Equal(1, client.GetDiagnostics().FilteredFor("unknown_product"));
    }

    [Fact]
    public async Task An_operation_records_its_duration_and_outcome_once()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        using (var op = client.StartOperation("form_save"))
        {
            await Task.Delay(30);
            op.Complete();
        }

        using (client.StartOperation("work_order_close"))
        {
            // Left without Complete, as when an exception skips it: a failure.
        }

        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var ops = _collector.EventsNamed("app.operation.completed").Select(e => e.GetProperty("data")).ToDictionary(d => d.GetProperty("operation").GetString()!);
        Assert.Equal(2, ops.Count);
        Assert.True(ops["form_save"].GetProperty("success").GetBoolean());
        Assert.True(ops["form_save"].GetProperty("durationMs").GetInt64() >= 25);
        Assert.False(ops["work_order_close"].GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task A_feature_failure_is_recorded_with_its_error_code()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.ReportFeatureFailure("offline_sync", "0x80072EE7");
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var data = Assert.Single(_collector.EventsNamed("app.feature.failed")).GetProperty("data");
        Assert.Equal("offline_sync", data.GetProperty("feature").GetString());
        Assert.Equal("0x80072EE7", data.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task After_dispose_tracking_is_counted_and_ignored_and_dispose_twice_is_harmless()
    {
        var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.Dispose();
        client.Dispose();
        await client.DisposeAsync();

        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "late")));
        var receipt = await client.FlushAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(1, client.GetDiagnostics().FilteredFor("client_disposed"));
        Assert.Equal(0, receipt.Persisted);
    }

    [Fact]
    public async Task The_meter_publishes_the_same_counters_as_the_diagnostics_api()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        client.Track(TestCatalogs.OptionalEvent);
        client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var seen = MeterReading.Read();

        var d = client.GetDiagnostics();
        Assert.True(seen["candor.client.events.received"] >= d.Received);
        Assert.True(seen["candor.client.events.filtered:level_not_allowed"] >= 1);
        Assert.True(seen["candor.client.events.sent"] >= 1);
    }

    [Fact]
    public async Task The_meter_shows_the_queue_depth_a_failed_upload_and_the_events_a_rejected_batch_dropped()
    {
        await using var client = Clients.Create(_collector.Url, _temp.Path, o => o.RecordLifecycleEvents = false);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        // The first upload fails with 503 (retried); the retry is refused with 400, which drops the batch.
        _collector.NextUploadResponses.Enqueue((503, null));
        _collector.NextUploadResponses.Enqueue((400, null));
        for (var i = 0; i < 3; i++)
        {
            client.Track(TestCatalogs.NoteEvent, Clients.Fields(("note", "x")));
        }

        // Written to disk first, so that no event is between the stage and the queue while the gauge is read.
        client.PersistPending();
        Assert.Equal(3, MeterReading.Read()["candor.client.queue.depth"]);

        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var after = MeterReading.Read();
        Assert.Equal(0, after["candor.client.queue.depth"]);
        Assert.True(after["candor.client.uploads.failed"] >= 1, "the 503 is a failed upload");
        Assert.Equal(client.GetDiagnostics().UploadsFailed, after["candor.client.uploads.failed"]);
        Assert.Equal(3, after["candor.client.events.dropped:batch_rejected"]);
    }
}

/// <summary>The tests that read the meters run alone.</summary>
[CollectionDefinition(nameof(MeterTestsCollection), DisableParallelization = true)]
public sealed class MeterTestsCollection;

using System.Diagnostics.Metrics;
using Candor.Client.Tests.Infrastructure;
using Xunit;

namespace Candor.Client.Tests.Diagnostics;

/// <summary>Run alone: a MeterListener sees the meter of every client in the process, and these tests read exact
/// values.</summary>
[CollectionDefinition(nameof(MeterTests), DisableParallelization = true)]
public sealed class MeterTestsCollection;

/// <summary>What an app that exports metrics (with OpenTelemetry, say) sees of the SDK through the
/// <c>Candor.Client</c> meter: the queue depth, failed uploads and drops by reason.</summary>
[Collection(nameof(MeterTests))]
public sealed class MeterTests : IAsyncLifetime
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
        Assert.Equal(3, Read()["candor.client.queue.depth"]);

        await client.FlushAsync(TimeSpan.FromSeconds(10));

        var after = Read();
        Assert.Equal(0, after["candor.client.queue.depth"]);
        Assert.True(after["candor.client.uploads.failed"] >= 1, "the 503 is a failed upload");
        Assert.Equal(3, after["candor.client.events.dropped:batch_rejected"]);
        Assert.Equal(client.GetDiagnostics().UploadsFailed, after["candor.client.uploads.failed"]);
    }

    private static Dictionary<string, long> Read()
    {
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Candor.Client")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += ":" + tag.Value;
            }

            seen[key] = seen.GetValueOrDefault(key) + value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }
}

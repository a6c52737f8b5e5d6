using System.Globalization;
using System.Text.Json;
using Candor.Fleet.Wire;

namespace Candor.Fleet.Tests.Wire;

[Collection(CatalogCollection.Name)]
public sealed class BatchWriterTests(CatalogFixture fixture)
{
    [Fact]
    public void Batches_carry_an_id_the_time_of_their_last_event_and_at_most_500_events()
    {
        var batches = FleetData.Batches(fixture.Catalog, FleetData.Options(60, 2));

        Assert.All(batches, batch =>
        {
            using var doc = JsonDocument.Parse(batch.Json);
            var root = doc.RootElement;
            Assert.Equal(["batchId", "sentAt", "events"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(batch.BatchId, root.GetProperty("batchId").GetGuid());
            var events = root.GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(batch.EventCount, events.Count);
            Assert.InRange(events.Count, 1, 500);
            Assert.Equal(events[^1].GetProperty("time").GetString(), root.GetProperty("sentAt").GetString());
        });
        Assert.Equal(batches.Count, batches.Select(b => b.BatchId).Distinct().Count());
    }

    [Fact]
    public void Events_follow_the_protocol_envelope_with_the_fleet_sdk()
    {
        var batch = FleetData.Batches(fixture.Catalog, FleetData.Options(20, 1))[0];
        using var doc = JsonDocument.Parse(batch.Json);
        var ev = doc.RootElement.GetProperty("events")[0];

        Assert.Equal(["id", "name", "time", "seq", "product", "appVersion", "sdk", "session", "device", "data"], ev.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "class", "os", "osVersion", "arch", "locale"], ev.GetProperty("device").EnumerateObject().Select(p => p.Name));
        Assert.Equal("candor-fleet/1.0.0", ev.GetProperty("sdk").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", ev.GetProperty("time").GetString());
        Assert.Equal(TimeSpan.Zero, DateTimeOffset.Parse(ev.GetProperty("time").GetString()!, CultureInfo.InvariantCulture).Offset);
    }

    [Fact]
    public void Sampled_events_come_from_about_their_fraction_of_devices()
    {
        var events = fixture.Week;
        var devices = events.Select(e => e.Device).Distinct().Count();

        foreach (var definition in fixture.Catalog.Events.Where(e => e.AllProducts && e.Sampling < 1))
        {
            var senders = events.Where(e => e.Name == definition.Name).Select(e => e.Device).Distinct().Count();
            Assert.InRange(senders / (double)devices, definition.Sampling * .5, Math.Min(1, definition.Sampling * 1.5));
        }
    }
}

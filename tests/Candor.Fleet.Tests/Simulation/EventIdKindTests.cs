using System.Globalization;
using Candor.Fleet.Simulation;

namespace Candor.Fleet.Tests.Simulation;

[Collection(CatalogCollection.Name)]
public sealed class EventIdKindTests(CatalogFixture fixture)
{
    private List<(Guid Id, DateTimeOffset Time)> Ids(EventIdKind kind) =>
        [.. FleetData.RawEvents(FleetData.Batches(fixture.Catalog, FleetData.Options(40, 2, seed: 5) with { Ids = kind }))
            .Select(e => (Guid.Parse(e.GetProperty("id").GetString()!),
                DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture)))];

    [Fact]
    public void Fleet_ids_are_version_7_by_default_and_carry_each_events_millisecond()
    {
        var events = Ids(new FleetOptions { End = FleetData.End }.Ids);

        Assert.True(events.Count > 100);
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.All(events, e =>
        {
            var text = e.Id.ToString("D");
            Assert.Equal('7', text[14]);
            Assert.Equal(e.Time.ToUnixTimeMilliseconds(), Convert.ToInt64(text[..8] + text[9..13], 16));
        });
    }

    [Fact]
    public void Fleet_ids_in_stream_order_sort_in_time_order_with_v7_and_are_random_with_v4()
    {
        var ordered = Ids(EventIdKind.V7).Select(e => e.Id.ToString("D")).ToList();
        var random = Ids(EventIdKind.V4).Select(e => e.Id.ToString("D")).ToList();

        // The stream is in time order; ids of one millisecond may tie on time and differ in their random part.
        Assert.All(ordered.Zip(ordered.Skip(1)), p => Assert.True(string.CompareOrdinal(p.First[..13], p.Second[..13]) <= 0));
        Assert.All(random, id => Assert.Equal('4', id[14]));
        Assert.True(random.Zip(random.Skip(1)).Count(p => string.CompareOrdinal(p.First, p.Second) > 0) > random.Count / 3);
    }
}

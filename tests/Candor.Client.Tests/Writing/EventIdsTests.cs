using Candor.Client.Writing;
using Xunit;

namespace Candor.Client.Tests.Writing;

public sealed class EventIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Id_is_a_version_7_uuid_carrying_the_events_millisecond()
    {
        // Ids are monotonic per process: a time later than any other test's keeps this one's own millisecond.
        var time = At.AddYears(50).AddTicks(1_234_567);
        var id = EventIds.Next(time).ToString("D");

        Assert.Equal('7', id[14]);
        Assert.Contains(id[19], "89ab");
        var ms = Convert.ToInt64(id[..8] + id[9..13], 16);
        Assert.Equal(time.ToUnixTimeMilliseconds(), ms);
    }

    [Fact]
    public void Ids_of_one_millisecond_and_of_a_clock_that_steps_back_still_increase()
    {
        var ids = new List<string>();
        for (var i = 0; i < 10_000; i++)
        {
            ids.Add(EventIds.Next(At.AddYears(2)).ToString("D"));
        }

        ids.Add(EventIds.Next(At.AddYears(2).AddSeconds(-5)).ToString("D"));
        ids.Add(EventIds.Next(At.AddYears(2).AddMilliseconds(1)).ToString("D"));

        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} is not before {ids[i]}");
        }
    }

    [Fact]
    public void Ids_made_from_many_threads_are_distinct()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                ids.Add(EventIds.Next(At.AddYears(3)));
            }
        });

        Assert.Equal(40_000, ids.Distinct().Count());
    }

    [Fact]
    public void Composed_fields_land_in_the_rfc_9562_positions()
    {
        var id = EventIds.Compose(0x0123_4567_89AB, 0xCDE, 0x3FFF_FFFF_FFFF_FFFF).ToString("D");

        Assert.Equal("01234567-89ab-7cde-bfff-ffffffffffff", id);
    }
}

using System.Globalization;
using Candor.Analytics.Projection;
using Candor.Core.Model;
using Candor.Storage;
using Xunit;

namespace Candor.Analytics.Tests.Projection;

/// <summary>A projection in rounds, as the collector runs it, ends with the same facts as one projection of the same
/// events, also when appends commit long after their received_at (behind the watermark, where the old fixed ten-minute
/// re-read never looked), and a round reads what was appended since the last one rather than a window of the store.</summary>
public sealed class IncrementalProjectionTests
{
    private static readonly DateOnly Day = new(2026, 11, 21);
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] FactQueries =
    [
        "SELECT * FROM analytics_sessions",
        "SELECT * FROM analytics_session_ends",
        "SELECT * FROM analytics_crashes",
        "SELECT * FROM analytics_feature_failures",
        "SELECT * FROM analytics_durations",
        "SELECT * FROM analytics_commands",
        "SELECT * FROM analytics_fingerprints",

        // When a device-day was first projected is bookkeeping, not a figure: a late append may bring an earlier one.
        "SELECT tenant_id, device_id, product, app_version, day FROM analytics_device_days",
    ];

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Rounds_with_appends_committed_hours_after_their_received_at_give_the_facts_of_one_projection(string backend)
    {
        var batches = Batches();
        await using var rounds = await TestStore.OpenAsync(backend);
        var projector = new AnalyticsProjector(rounds.Analytics);

        // Batches 0 to 11 were received an hour apart. 2 and 7 commit late: 2 after the round that passed hour 5, 7 after
        // the one that passed hour 10, each hours behind the watermark. The last round finds nothing new.
        int[][] commits = [[0, 1], [3, 4, 5], [2, 6], [8, 9, 10], [7], [11], []];
        var seen = new List<long>();
        foreach (var round in commits)
        {
            foreach (var batch in round)
            {
                await rounds.Store.AppendAsync(batches[batch]);
            }

            seen.Add(await projector.RunAsync());
        }

        await using var once = await TestStore.OpenAsync(backend);
        await once.Store.AppendAsync([.. batches.SelectMany(b => b)]);
        var total = await new AnalyticsProjector(once.Analytics).RunAsync();

        Assert.Equal(total, seen.Sum());
        Assert.Equal(0, seen[^1]);
        Assert.True(seen[2] > 0 && seen[4] > 0, "the rounds after a late append added its facts");
        foreach (var query in FactQueries)
        {
            var expected = await RowsAsync(once.Analytics, query);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await RowsAsync(rounds.Analytics, query));
        }

        Assert.Equal(0L, Convert.ToInt64((await rounds.Analytics.QueryAsync(new SqlStatement("SELECT count(*) FROM analytics_arrivals")))[0][0],
            CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_round_reads_the_appends_since_the_last_round_and_an_idle_round_reads_nothing(string backend)
    {
        var batches = Batches();
        await using var store = await TestStore.OpenAsync(backend);
        var projector = new AnalyticsProjector(store.Analytics);
        await store.Store.AppendAsync(batches[0]);
        await projector.RunAsync();

        Assert.Empty(await store.Analytics.QueryAsync(new SqlStatement("SELECT * FROM analytics_arrivals")));

        // The append records the range of received_at it stored, in its own transaction; the round consumes it.
        await store.Store.AppendAsync(batches[1]);
        var arrivals = await store.Analytics.QueryAsync(new SqlStatement("SELECT first_received, last_received, events FROM analytics_arrivals"));
        Assert.Single(arrivals);
        Assert.Equal(batches[1].Count, Convert.ToInt64(arrivals[0][2], CultureInfo.InvariantCulture));
        Assert.Equal(batches[1].Min(e => e.ReceivedAt).UtcDateTime, Time(arrivals[0][0]));
        Assert.Equal(batches[1].Max(e => e.ReceivedAt).UtcDateTime, Time(arrivals[0][1]));

        Assert.True(await projector.RunAsync() > 0);
        Assert.Empty(await store.Analytics.QueryAsync(new SqlStatement("SELECT * FROM analytics_arrivals")));
        Assert.Equal(0, await projector.RunAsync());
    }

    [Fact]
    public void Overlapping_or_nearly_adjacent_ranges_become_one_window_and_too_many_windows_are_joined_across_the_smallest_gaps()
    {
        var t = Start.UtcDateTime;
        var merged = AnalyticsProjector.Merge(
        [
            (t.AddMinutes(5), t.AddMinutes(9)), (t, t.AddMinutes(6)), (t.AddHours(1), t.AddHours(2)),
            (t.AddHours(2).AddSeconds(30), t.AddHours(3)), (t.AddHours(3).AddMinutes(2), t.AddHours(4)),
        ]);
        Assert.Equal([(t, t.AddMinutes(9)), (t.AddHours(1), t.AddHours(3)), (t.AddHours(3).AddMinutes(2), t.AddHours(4))], merged);

        var many = Enumerable.Range(0, AnalyticsProjector.MaxWindows + 1).Select(i => (t.AddHours(i * 10), t.AddHours(i * 10 + 1))).ToList();
        many[3] = (t.AddHours(21.5), t.AddHours(31)); // 30 minutes after the third range: the smallest gap.
        var joined = AnalyticsProjector.Merge(many);
        Assert.Equal(AnalyticsProjector.MaxWindows, joined.Count);
        Assert.Contains((t.AddHours(20), t.AddHours(31)), joined);
    }

    private static DateTime Time(object? cell) => cell switch
    {
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        DateTimeOffset o => o.UtcDateTime,
        _ => throw new InvalidCastException(cell?.GetType().Name),
    };

    /// <summary>Twelve batches of two tenants' events, each received within its own hour: sessions that end, crashes of
    /// two kinds, feature failures, operations with and without a product event describing the same measurement,
    /// product events with a duration of their own, commands; a device on a new version from batch 6.</summary>
    private static List<List<StoredEvent>> Batches()
    {
        var batches = new List<List<StoredEvent>>();
        var tenants = new[] { new Fleetlet(Guid.NewGuid()), new Fleetlet(Guid.NewGuid()) };
        var devices = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        for (var b = 0; b < 12; b++)
        {
            var batch = new List<StoredEvent>();
            foreach (var f in tenants)
            {
                f.Events.Clear();
                f.ReceivedAt = Start.AddHours(b);
                for (var d = 0; d < devices.Length; d++)
                {
                    var version = b >= 6 && d == 0 ? "1.1" : "1.0";
                    var day = Day.AddDays(b / 4);
                    var session = f.Session(devices[d], "p.one", version, day, endedAfterMs: 60_000 + (1000 * b) + d);
                    f.Operation(devices[d], session, "p.one", version, day, "sync", 100 + (10 * b) + d);
                    f.Add(devices[d], session, "p.one", version, day, "p.sync.completed", DataCategory.ProductAndServicePerformance,
                        string.Create(CultureInfo.InvariantCulture, $$"""{"durationMs":{{100 + (10 * b) + d}}}"""));
                    f.Events[^1] = f.Events[^1] with { Time = f.Events[^2].Time };
                    f.Add(devices[d], session, "p.one", version, day, "p.form.load_completed", DataCategory.ProductAndServicePerformance,
                        string.Create(CultureInfo.InvariantCulture, $$"""{"durationMs":{{200 + b}}}"""));
                    f.Command(devices[d], session, "p.one", version, day, d % 2 == 0 ? "save" : "open");
                    if ((b + d) % 3 == 0)
                    {
                        f.Crash(devices[d], session, "p.one", version, day, "System.NullReferenceException",
                            b % 2 == 0 ? "P.Sync.Run() +0x1a|P.App.Main()" : "P.Forms.Load() +0x2b|P.App.Main()");
                    }

                    if ((b + d) % 4 == 1)
                    {
                        f.FeatureFailed(devices[d], session, "p.one", version, day, "upload", "E42");
                    }
                }

                batch.AddRange(f.Events);
            }

            batches.Add(batch);
        }

        return batches;
    }

    private static async Task<List<string>> RowsAsync(IAnalyticsStore store, string query)
    {
        var rows = await store.QueryAsync(new SqlStatement(query));
        return
        [
            .. rows.Select(r => string.Join("|", r.Select(c => c switch
            {
                DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
                DateTimeOffset o => o.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                DateOnly d => d.ToString("O", CultureInfo.InvariantCulture),
                _ => Convert.ToString(c, CultureInfo.InvariantCulture),
            }))).Order(StringComparer.Ordinal),
        ];
    }
}

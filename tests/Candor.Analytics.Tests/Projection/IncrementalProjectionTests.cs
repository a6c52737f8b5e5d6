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

    /// <summary>The duplicate check reads only facts up to each table's high-water mark: an append of events that are
    /// already projected (a collector's retried batch, an arrival range replayed after a restore) lies below the mark,
    /// so it is checked, and adds nothing.</summary>
    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_replayed_append_of_events_already_projected_adds_no_fact(string backend)
    {
        var batches = Batches();
        await using var store = await TestStore.OpenAsync(backend);
        var projector = new AnalyticsProjector(store.Analytics);
        foreach (var batch in batches.Take(6))
        {
            await store.Store.AppendAsync(batch);
            Assert.True(await projector.RunAsync() > 0);
        }

        var projected = await SnapshotAsync(store.Analytics);

        // The same batch again through the store (nothing new is stored, whatever it records as an arrival), then arrival
        // rows over ranges every event of which is projected: one batch's, and one across batches 1 to 4.
        await store.Store.AppendAsync(batches[2]);
        await store.Analytics.ExecuteAsync(
        [
            new SqlStatement("INSERT INTO analytics_arrivals (first_received, last_received, events) VALUES ($1, $2, 0)",
                batches[3].Min(e => e.ReceivedAt).UtcDateTime, batches[3].Max(e => e.ReceivedAt).UtcDateTime),
            new SqlStatement("INSERT INTO analytics_arrivals (first_received, last_received, events) VALUES ($1, $2, 0)",
                batches[1].Min(e => e.ReceivedAt).UtcDateTime, batches[4].Max(e => e.ReceivedAt).UtcDateTime),
        ]);
        Assert.Equal(0, await projector.RunAsync());
        Assert.Equal(projected, await SnapshotAsync(store.Analytics));

        // A new projector (a restarted collector) reads the marks from the store, not from memory.
        await store.Analytics.ExecuteAsync([new SqlStatement("INSERT INTO analytics_arrivals (first_received, last_received, events) VALUES ($1, $2, 0)",
            batches[0].Min(e => e.ReceivedAt).UtcDateTime, batches[5].Max(e => e.ReceivedAt).UtcDateTime)]);
        Assert.Equal(0, await new AnalyticsProjector(store.Analytics).RunAsync());
        Assert.Equal(projected, await SnapshotAsync(store.Analytics));
    }

    /// <summary>A round that stops after some of its inserts leaves its arrivals and its old watermark, so the next round
    /// reads the same ranges, which lie above that watermark. Skipping the check above the round watermark would insert
    /// the stopped round's facts twice; each table's mark, raised in the insert's own transaction, does not.</summary>
    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_round_that_stops_half_way_is_read_again_without_doubling_a_fact(string backend)
    {
        var batches = Batches();
        await using var store = await TestStore.OpenAsync(backend);
        await store.Store.AppendAsync(batches[0]);
        await new AnalyticsProjector(store.Analytics).RunAsync();
        await store.Store.AppendAsync(batches[1]);
        await store.Store.AppendAsync(batches[2]);

        var failing = new FailingStore(store.Analytics, "INSERT INTO analytics_commands");
        await Assert.ThrowsAsync<InvalidOperationException>(() => new AnalyticsProjector(failing).RunAsync());
        Assert.True(failing.Executed > 0, "the stopped round inserted the facts of the tables before the commands");
        Assert.NotEmpty(await store.Analytics.QueryAsync(new SqlStatement("SELECT * FROM analytics_arrivals")));

        Assert.True(await new AnalyticsProjector(store.Analytics).RunAsync() > 0);

        await using var once = await TestStore.OpenAsync(backend);
        await once.Store.AppendAsync([.. batches.Take(3).SelectMany(b => b)]);
        await new AnalyticsProjector(once.Analytics).RunAsync();
        Assert.Equal(await SnapshotAsync(once.Analytics), await SnapshotAsync(store.Analytics));
    }

    /// <summary>A store projected before the marks existed (facts, no mark): the first round takes each table's newest
    /// fact as its mark, so a range below it is still checked.</summary>
    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task Facts_projected_before_the_marks_existed_are_still_checked(string backend)
    {
        var batches = Batches();
        await using var store = await TestStore.OpenAsync(backend);
        var projector = new AnalyticsProjector(store.Analytics);
        await store.Store.AppendAsync([.. batches.Take(4).SelectMany(b => b)]);
        await projector.RunAsync();
        var projected = await SnapshotAsync(store.Analytics);

        await store.Analytics.ExecuteAsync(
        [
            new SqlStatement("DELETE FROM analytics_watermark WHERE projection LIKE 'facts:%'"),
            new SqlStatement("INSERT INTO analytics_arrivals (first_received, last_received, events) VALUES ($1, $2, 0)",
                batches[0].Min(e => e.ReceivedAt).UtcDateTime, batches[3].Max(e => e.ReceivedAt).UtcDateTime),
        ]);
        Assert.Equal(0, await new AnalyticsProjector(store.Analytics).RunAsync());
        Assert.Equal(projected, await SnapshotAsync(store.Analytics));
        Assert.Equal(6L, Convert.ToInt64((await store.Analytics.QueryAsync(
            new SqlStatement("SELECT count(*) FROM analytics_watermark WHERE projection LIKE 'facts:%'")))[0][0], CultureInfo.InvariantCulture));
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

    private static async Task<List<string>> SnapshotAsync(IAnalyticsStore store)
    {
        var all = new List<string>();
        foreach (var query in FactQueries)
        {
            var rows = await RowsAsync(store, query);
            Assert.NotEmpty(rows);
            all.Add(query);
            all.AddRange(rows);
        }

        return all;
    }

    /// <summary>A store whose transactions fail from the first one holding a statement that starts with a given text:
    /// a projector round that stops half-way (the process killed, the database gone) after what it committed before.</summary>
    private sealed class FailingStore(IAnalyticsStore inner, string failAt) : IAnalyticsStore
    {
        public int Executed { get; private set; }

        public SqlDialect Dialect => inner.Dialect;

        public Task<IReadOnlyList<long>> ExecuteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
        {
            if (statements.Any(s => s.Sql.TrimStart().StartsWith(failAt, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException("The round stops here.");
            }

            Executed++;
            return inner.ExecuteAsync(statements, cancellationToken);
        }

        public Task<IReadOnlyList<object?[]>> QueryAsync(SqlStatement query, CancellationToken cancellationToken = default) =>
            inner.QueryAsync(query, cancellationToken);
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

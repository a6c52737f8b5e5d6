using System.Globalization;
using Candor.Analytics.Projection;
using Candor.Core.Model;
using Candor.Storage;
using Xunit;

namespace Candor.Analytics.Tests.Projection;

/// <summary>A round over more events than its bound projects them in parts in order of reception (issue 11: the
/// collector's memory stays bounded whatever backlog a round meets), and the parts give exactly the facts of one
/// statement over the whole window: measurements reported twice are still counted once when the two reports lie on
/// either side of a part's end, in either order, and reading the window again adds nothing.</summary>
public sealed class BoundedPartsTests
{
    private const int Bound = 23;

    private static readonly DateOnly Day = new(2026, 11, 21);
    private static readonly DateTime Start = new(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);

    private static readonly string[] FactQueries =
    [
        "SELECT * FROM analytics_sessions",
        "SELECT * FROM analytics_session_ends",
        "SELECT * FROM analytics_crashes",
        "SELECT * FROM analytics_feature_failures",
        "SELECT * FROM analytics_durations",
        "SELECT * FROM analytics_commands",
        "SELECT * FROM analytics_fingerprints",
        "SELECT * FROM analytics_device_days",
    ];

    /// <summary>Reported durations (the twin check) run per span of parts: one span over the window, and spans of a few
    /// parts each, whose ends also fall between twins.</summary>
    [Theory]
    [InlineData("duckdb", AnalyticsProjector.MaxSpanEvents)]
    [InlineData("duckdb", 3 * Bound)]
    [InlineData("postgres", AnalyticsProjector.MaxSpanEvents)]
    [InlineData("postgres", 3 * Bound)]
    public async Task A_round_in_parts_of_a_few_events_gives_the_facts_of_one_statement_over_the_window_and_reading_it_again_adds_nothing(
        string backend, long spanBound)
    {
        var events = Dataset();
        await using var bounded = await TestStore.OpenAsync(backend);
        await bounded.Store.AppendAsync(events);
        var projector = new AnalyticsProjector(bounded.Analytics, Bound, spanBound);
        var added = await projector.RunAsync();

        await using var whole = await TestStore.OpenAsync(backend);
        await whole.Store.AppendAsync(events);
        Assert.Equal(await new AnalyticsProjector(whole.Analytics, int.MaxValue).RunAsync(), added);
        foreach (var query in FactQueries)
        {
            var expected = await RowsAsync(whole.Analytics, query);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await RowsAsync(bounded.Analytics, query));
        }

        // Twins straddle part ends: every sync is counted once, under the operation.
        Assert.Equal(0L, await CountAsync(bounded.Analytics, "SELECT count(*) FROM analytics_durations WHERE operation = 'p.sync.completed'"));
        Assert.Equal(Sessions * 2L, await CountAsync(bounded.Analytics, "SELECT count(*) FROM analytics_durations WHERE operation = 'sync'"));

        // The whole stretch read again, as after a round that stopped before consuming its arrivals.
        await bounded.Analytics.ExecuteAsync([new SqlStatement(
            "INSERT INTO analytics_arrivals (first_received, last_received, events) SELECT min(received_at), max(received_at), count(*) FROM events")]);
        Assert.Equal(0, await projector.RunAsync());
        foreach (var query in FactQueries)
        {
            Assert.Equal(await RowsAsync(whole.Analytics, query), await RowsAsync(bounded.Analytics, query));
        }
    }

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_window_of_more_events_than_the_bound_is_cut_into_consecutive_parts_of_at_most_the_bound(string backend)
    {
        var events = Dataset();
        await using var store = await TestStore.OpenAsync(backend);
        await store.Store.AppendAsync(events);
        var (from, to) = (Start.AddTicks(-10), events.Max(e => e.ReceivedAt).UtcDateTime);

        var parts = await new AnalyticsProjector(store.Analytics, Bound).PartsAsync(from, to, CancellationToken.None);
        Assert.Equal(events.Count, parts.Sum(p => p.Events));

        Assert.True(parts.Count >= events.Count / Bound, $"{parts.Count} parts");
        Assert.Equal(from, parts[0].Lower);
        Assert.Equal(to, parts[^1].Upper);
        for (var i = 0; i < parts.Count; i++)
        {
            Assert.True(i == 0 || parts[i].Lower == parts[i - 1].Upper, "parts are consecutive");
            var inPart = events.Count(e => e.ReceivedAt.UtcDateTime > parts[i].Lower && e.ReceivedAt.UtcDateTime <= parts[i].Upper);
            Assert.InRange(inPart, 1, Bound);
        }

        // The dataset puts twins on either side of a part's end, in both orders (what the first test needs).
        var ends = parts.Select(p => p.Upper).ToList();
        var straddling = events.Where(e => e.Name == "app.operation.completed")
            .Select(op => (op, twin: events.Single(e => e.Name == "p.sync.completed" && e.SessionId == op.SessionId && e.Time == op.Time)))
            .Where(p => ends.Any(end => (p.op.ReceivedAt.UtcDateTime <= end) != (p.twin.ReceivedAt.UtcDateTime <= end)))
            .Select(p => p.op.ReceivedAt < p.twin.ReceivedAt).Distinct().Count();
        Assert.Equal(2, straddling);

        Assert.Equal([(from, to, (long)events.Count)], await new AnalyticsProjector(store.Analytics, events.Count).PartsAsync(from, to, CancellationToken.None));

        // The same parts joined into spans of at most three bounds: consecutive, covering the window, and with an end
        // between twins too.
        var spans = AnalyticsProjector.Spans([.. parts.Select(p => (from, to, p.Lower, p.Upper, p.Events))], 3 * Bound);
        Assert.InRange(spans.Count, 2, parts.Count - 1);
        Assert.Equal((from, to), (spans[0].Lower, spans[^1].Upper));
        Assert.All(spans.Skip(1).Zip(spans), pair => Assert.Equal(pair.Second.Upper, pair.First.Lower));
        Assert.All(spans, s => Assert.InRange(s.Events, 1, 3 * Bound));
        Assert.Equal(events.Count, spans.Sum(s => s.Events));
        Assert.Contains(events.Where(e => e.Name == "app.operation.completed"), op => spans.Any(s =>
            (op.ReceivedAt.UtcDateTime <= s.Upper) != (events.Single(e => e.Name == "p.sync.completed" && e.SessionId == op.SessionId && e.Time == op.Time).ReceivedAt.UtcDateTime <= s.Upper)));
    }

    [Fact]
    public void Spans_never_join_parts_of_two_windows_and_keep_a_part_larger_than_the_bound_whole()
    {
        var t = Start;
        var (w1, w2) = ((t, t.AddMinutes(3)), (t.AddMinutes(10), t.AddMinutes(12)));
        var spans = AnalyticsProjector.Spans(
        [
            (w1.Item1, w1.Item2, t, t.AddMinutes(1), 40),
            (w1.Item1, w1.Item2, t.AddMinutes(1), t.AddMinutes(2), 40),
            (w1.Item1, w1.Item2, t.AddMinutes(2), t.AddMinutes(3), 40),
            (w2.Item1, w2.Item2, t.AddMinutes(10), t.AddMinutes(11), 150),
            (w2.Item1, w2.Item2, t.AddMinutes(11), t.AddMinutes(12), 10),
        ], 100);
        Assert.Equal(
        [
            (w1.Item1, w1.Item2, t, t.AddMinutes(2), 80L),
            (w1.Item1, w1.Item2, t.AddMinutes(2), t.AddMinutes(3), 40L),
            (w2.Item1, w2.Item2, t.AddMinutes(10), t.AddMinutes(11), 150L),
            (w2.Item1, w2.Item2, t.AddMinutes(11), t.AddMinutes(12), 10L),
        ], spans);
    }

    private const int Sessions = 24;

    /// <summary>Two tenants' sessions received one after the other: the first half 5 seconds apart (minutes of about
    /// a dozen events), the second half a second apart (minutes of 60, more than the bound, cut by the second). Each sync
    /// is reported twice at the same instant, the operation received first in even sessions and last in odd ones.</summary>
    private static List<StoredEvent> Dataset()
    {
        var tenants = new[] { new Fleetlet(Guid.NewGuid()), new Fleetlet(Guid.NewGuid()) };
        var devices = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        for (var s = 0; s < Sessions; s++)
        {
            var f = tenants[s % 2];
            var device = devices[s % devices.Length];
            var version = s < Sessions / 2 ? "1.0" : "1.1";
            var session = f.Session(device, "p.one", version, Day.AddDays(s % 3), endedAfterMs: 60_000 + s);
            for (var k = 0; k < 2; k++)
            {
                var ms = 100 + (10 * s) + k;
                var twin = string.Create(CultureInfo.InvariantCulture, $$"""{"durationMs":{{ms}}}""");
                if (s % 2 == 0)
                {
                    f.Operation(device, session, "p.one", version, Day, "sync", ms);
                    f.Add(device, session, "p.one", version, Day, "p.sync.completed", DataCategory.ProductAndServicePerformance, twin);
                }
                else
                {
                    f.Add(device, session, "p.one", version, Day, "p.sync.completed", DataCategory.ProductAndServicePerformance, twin);
                    f.Operation(device, session, "p.one", version, Day, "sync", ms);
                }

                f.Events[^1] = f.Events[^1] with { Time = f.Events[^2].Time };
            }

            f.Add(device, session, "p.one", version, Day, "p.form.load_completed", DataCategory.ProductAndServicePerformance, """{"durationMs":250}""");
            f.Command(device, session, "p.one", version, Day, s % 2 == 0 ? "save" : "open");
            f.Crash(device, session, "p.one", version, Day, "System.NullReferenceException", s % 3 == 0 ? "P.Sync.Run() +0x1a|P.App.Main()" : "P.Forms.Load() +0x2b");
            f.FeatureFailed(device, session, "p.one", version, Day, "upload", "E42");
        }

        // Received in the order written, tenant by tenant within each session's turn.
        var ordered = tenants.SelectMany(t => t.Events).OrderBy(e => e.Seq).ThenBy(e => e.TenantId).ToList();
        var received = Start;
        for (var i = 0; i < ordered.Count; i++)
        {
            received = received.AddSeconds(i < ordered.Count / 2 ? 5 : 1);
            ordered[i] = ordered[i] with { ReceivedAt = new DateTimeOffset(received) };
        }

        return ordered;
    }

    private static async Task<long> CountAsync(IAnalyticsStore store, string query) =>
        Convert.ToInt64((await store.QueryAsync(new SqlStatement(query)))[0][0], CultureInfo.InvariantCulture);

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

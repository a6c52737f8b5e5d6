using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Candor.Analytics.Failures;
using Candor.Analytics.Sql;
using Candor.Storage;

namespace Candor.Analytics.Projection;

/// <summary>Derives the typed fact tables from <c>events</c> incrementally, inside the database: one
/// <c>INSERT ... SELECT</c> per fact table over the events of the appends committed since the last round, then the new
/// watermark. What to read comes from <c>analytics_arrivals</c> (migration 0021): every append writes there, in its own
/// transaction, the range of <c>received_at</c> it stored, and a round consumes the rows it read. So a round reads the
/// new events and a few seconds around them, not a fixed overlap behind a watermark, and an append that commits long
/// after its <c>received_at</c> (a collector that took minutes to write, the cluster's stream after an outage) is still
/// projected. Idempotent: a fact is inserted only when no fact of the same event id exists (on DuckDB an anti-join
/// against the facts received in the same window, where a primary key cost half the projection time; on PostgreSQL the
/// facts' primary key, see <see cref="FactCheck"/>), device-days by their natural key with <c>ON CONFLICT DO
/// NOTHING</c>; so running twice, or reading a range again, never counts an event twice. Not on the ingestion path:
/// the server runs it in the background, tests call <see cref="RunAsync"/> directly. Safe to call concurrently (runs
/// are serialised). A window of more than <paramref name="maxPartEvents"/> events (a backlog: the first round of a
/// store, a collector whose rounds fall behind a fast ingest) is projected in parts of about that many events in order
/// of reception, so that a round's memory is bounded whatever it has to read (issue 11: the collector's peak); the
/// parts (and the spans of <paramref name="maxSpanEvents"/>, see <see cref="ReportedDurations"/>) give the same facts
/// as one statement over the window.</summary>
internal sealed partial class AnalyticsProjector(
    IAnalyticsStore store,
    int maxPartEvents = AnalyticsProjector.MaxPartEvents,
    long maxSpanEvents = AnalyticsProjector.MaxSpanEvents)
{
    /// <summary>A duration reported both by a product event and by <c>app.operation.completed</c> (same session, same
    /// instant) counts once; the operation event is looked for this far before the window too, since the two may arrive
    /// in different uploads. Bounded and short: every round reads the operation events of this margin again.</summary>
    public static readonly TimeSpan TwinMargin = TimeSpan.FromMinutes(1);

    /// <summary>The durations of each window's last stretch of this length are written by a statement of their own: the
    /// next round's anti-join reads only facts received after its own lower bound, which lies at most a commit's delay
    /// before this round's newest event, so DuckDB's zone maps on received_at skip every row group of the earlier
    /// durations, which are inserted sorted by operation rather than by reception. The other fact tables are inserted in
    /// the order they are read (received order), so their row groups are skipped without a split.</summary>
    public static readonly TimeSpan SplitLag = TimeSpan.FromMinutes(2);

    /// <summary>About the most events one statement reads (the default of the constructor's bound): a round over a longer
    /// backlog projects it in parts of about this many, in order of reception. A part ends where the received_at of one
    /// minute (or, in a minute of more events, one second) ends, so it never splits an upload (an upload's events share
    /// one received_at). Far above a collector's round at a steady 5,000 events/s; at 100,000 events/s a one-minute round
    /// is about a dozen parts.</summary>
    public const int MaxPartEvents = 500_000;

    /// <summary>The step, traced under this name, that projects the durations of product events (every event with a
    /// durationMs but app.operation.completed, which the durations step projects, and session length and hang time,
    /// which are not operations), named after the event. Such an event may report a measurement that the same session
    /// also reported as app.operation.completed at the same instant (a sync reports fieldservice.sync.completed and the
    /// operation "sync"): it is the same measurement described twice, counting both would report one slowdown twice, so
    /// the event counts only when no such operation was received within <see cref="TwinMargin"/> of the statement's
    /// range, within the window. As a NOT EXISTS both stores turn that check into a semi-join driven by the few product
    /// events, but it still reads every operation of its range and margin: at 40,000 events/s a margin is 2.4 M events,
    /// far more than a part's 500,000, and a round of a dozen parts read each margin a dozen times (on PostgreSQL 1.2 of
    /// a step's 1.6 s over 100,000 new events). So this step runs once per span of consecutive parts of up to
    /// <see cref="MaxSpanEvents"/> events, not once per part.</summary>
    public const string ReportedDurations = "reported_durations";

    /// <summary>About the most events one <see cref="ReportedDurations"/> statement spans (the constructor's default):
    /// what it holds is the product events with a durationMs among them (about a sixth of a fleet's events), so four
    /// parts' worth stays within the memory a part's durations take, and a round at 100,000 events/s reads its margins
    /// three times rather than a dozen.</summary>
    public const long MaxSpanEvents = 4L * MaxPartEvents;

    /// <summary>The most arrival rows one round consumes (one per append, a group commit of the collector being one
    /// append; the rest wait for the next round). Far above what a round meets: a collector committing 1,000 times a
    /// second for a one-minute round writes 60,000.</summary>
    public const int MaxArrivals = 200_000;

    /// <summary>Ranges less than this apart are projected as one window: back-to-back appends (a steady ingest, a client
    /// sending in calls) leave gaps of milliseconds, and a statement per table per window costs more than re-reading a
    /// gap's few events (the anti-join keeps them from counting twice).</summary>
    public static readonly TimeSpan MergeGap = TimeSpan.FromMinutes(1);

    /// <summary>The most windows one round projects: disjoint ranges of late appends beyond this are merged across their
    /// smallest gaps (re-reading a gap costs its events; the anti-join keeps them from counting twice).</summary>
    public const int MaxWindows = 8;

    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The facts every run inserts, per part (per span: <see cref="ReportedDurations"/>); $1 = exclusive lower
    /// bound, $2 = inclusive upper bound of received_at (the reported durations also take $3, $4: where their operation
    /// twins are looked for). Each event's JSON is read once, in the one step whose event names it has.</summary>
    private static readonly (string Step, string Sql)[] FactInserts =
    [
        ("analytics_sessions", """
        INSERT INTO analytics_sessions (tenant_id, event_id, device_id, session_id, product, app_version, device_class, day, received_at)
        SELECT tenant_id, event_id, device_id, session_id, product, app_version, device_class, {day}, received_at
        FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.session.started'
          {no_fact:analytics_sessions}
        {on_conflict}
        """),
        ("analytics_session_ends", """
        INSERT INTO analytics_session_ends (tenant_id, event_id, device_id, session_id, product, app_version, day, duration_ms, received_at)
        SELECT tenant_id, event_id, device_id, session_id, product, app_version, day, CAST(ms AS FLOAT8), received_at
        FROM (SELECT tenant_id, event_id, device_id, session_id, product, app_version, {day} AS day, {json:durationMs} AS ms, received_at
              FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.session.ended'
                {no_fact:analytics_session_ends}
              OFFSET 0) e
        WHERE ms IS NOT NULL
        {on_conflict}
        """),
        ("analytics_crashes", """
        INSERT INTO analytics_crashes (tenant_id, event_id, device_id, session_id, product, app_version, day, exception_type, stack_signature, os, device_class, received_at)
        SELECT tenant_id, event_id, device_id, session_id, product, app_version, {day},
               coalesce({json:exceptionType}, 'unknown'), coalesce({json:stackSignature}, ''), os, device_class, received_at
        FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.crashed'
          {no_fact:analytics_crashes}
        {on_conflict}
        """),
        ("analytics_feature_failures", """
        INSERT INTO analytics_feature_failures (tenant_id, event_id, device_id, session_id, product, app_version, day, feature, error_code, os, device_class, received_at)
        SELECT tenant_id, event_id, device_id, session_id, product, app_version, {day},
               coalesce({json:feature}, 'unknown'), coalesce({json:errorCode}, 'unknown'), os, device_class, received_at
        FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.feature.failed'
          {no_fact:analytics_feature_failures}
        {on_conflict}
        """),
        // app.operation.completed names its operation. Every other event with a durationMs (launch, sync, service
        // calls, form loads, ...) is an operation named after the event: see ReportedDurations, a step of its own. On
        // DuckDB the fact check is a hash anti-join (a correlated NOT EXISTS there became delim joins that cost DuckDB
        // more than the scans when facts exist). The JSON is read once per event (the OFFSET 0 keeps both dialects from
        // inlining the extraction into the filter a second time). A large part is inserted sorted (DurationsOrder).
        ("analytics_durations", """
        INSERT INTO analytics_durations (tenant_id, event_id, device_id, product, app_version, device_class, day, operation, duration_ms, received_at)
        SELECT tenant_id, event_id, device_id, product, app_version, device_class, day, operation, CAST(ms AS FLOAT8), received_at
        FROM (SELECT e.tenant_id, e.event_id, e.device_id, e.product, e.app_version, e.device_class, {day} AS day,
                     coalesce({json:operation}, 'unknown') AS operation, {json:durationMs} AS ms, e.received_at
              FROM events e {fact_join:analytics_durations}
              WHERE e.received_at > $1 AND e.received_at <= $2 AND e.name = 'app.operation.completed' AND {has:durationMs} {no_fact}
              OFFSET 0) d
        WHERE ms IS NOT NULL{order}
        {on_conflict}
        """),
        (ReportedDurations, """
        INSERT INTO analytics_durations (tenant_id, event_id, device_id, product, app_version, device_class, day, operation, duration_ms, received_at)
        SELECT tenant_id, event_id, device_id, product, app_version, device_class, day, operation, CAST(ms AS FLOAT8), received_at
        FROM (SELECT e.tenant_id, e.event_id, e.device_id, e.product, e.app_version, e.device_class, {day} AS day,
                     e.name AS operation, {json:durationMs} AS ms, e.received_at
              FROM events e {fact_join:analytics_durations}
              WHERE e.received_at > $1 AND e.received_at <= $2 AND e.name NOT IN ('app.operation.completed', 'app.session.ended', 'app.hang.detected')
                AND {has:durationMs} {no_fact}
                AND NOT EXISTS (SELECT 1 FROM {rows} o
                                WHERE o.received_at > $3 AND o.received_at <= $4 AND o.name = 'app.operation.completed'
                                  AND o.tenant_id = e.tenant_id AND o.session_id = e.session_id AND o.time = e.time)
              OFFSET 0) d
        WHERE ms IS NOT NULL{order}
        {on_conflict}
        """),
        ("analytics_commands", """
        INSERT INTO analytics_commands (tenant_id, event_id, device_id, product, day, command, received_at)
        SELECT tenant_id, event_id, device_id, product, {day}, coalesce({json:commandId}, 'unknown'), received_at
        FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.command.invoked'
          {no_fact:analytics_commands}
        {on_conflict}
        """),
        ("analytics_device_days", """
        INSERT INTO analytics_device_days (tenant_id, device_id, product, app_version, day, received_at)
        SELECT tenant_id, device_id, product, app_version, {day}, min(received_at)
        FROM events WHERE received_at > $1 AND received_at <= $2
        GROUP BY tenant_id, device_id, product, app_version, {day}
        ON CONFLICT DO NOTHING
        """),
    ];

    /// <summary>DuckDB's text for the steps whose DuckDB shape differs from the shared text (FactInserts). Device-days
    /// read every event of the window: grouped first by the row's envelope id (a device's events share a handful of
    /// envelopes), then joined to the few envelopes and grouped again by product and version, they are the same groups
    /// with the same first reception (a minimum of minimums) as the shared text's grouping of the view, without joining
    /// every event to its envelope and hashing two strings per event. PostgreSQL keeps the envelope in every row, so it
    /// reads the shared text.</summary>
    private static readonly Dictionary<string, string> DuckDbInserts = new(StringComparer.Ordinal)
    {
        ["analytics_device_days"] = """
        INSERT INTO analytics_device_days (tenant_id, device_id, product, app_version, day, received_at)
        SELECT d.tenant_id, d.device_id, v.product, v.app_version, d.day, min(d.first_received)
        FROM (SELECT tenant_id, device_id, envelope_id, {day} AS day, min(received_at) AS first_received
              FROM event_rows WHERE received_at > $1 AND received_at <= $2
              GROUP BY tenant_id, device_id, envelope_id, {day}) d
        JOIN event_envelopes v ON v.envelope_id = d.envelope_id
        GROUP BY d.tenant_id, d.device_id, v.product, v.app_version, d.day
        ON CONFLICT DO NOTHING
        """,
    };

    /// <summary>Durations of a part of at least <see cref="SortedPartEvents"/> events are inserted sorted by (tenant,
    /// product, operation, version): they fill row groups of their own whose min/max on those columns let DuckDB skip
    /// everything but the pairs a regression test compares (the first projection of a store, a backlog).</summary>
    private const string DurationsOrder = "\nORDER BY 1, 4, 8, 5";

    /// <summary>Expands the fact check of an insert: <c>{no_fact:TABLE}</c> (in a filter of <c>events</c>),
    /// <c>{fact_join:TABLE}</c> with <c>{no_fact}</c> (a join to <c>events e</c> and its filter), <c>{on_conflict}</c>.
    /// On DuckDB they are an anti-join against the facts received in the statement's range, whose zone maps on
    /// received_at keep it off earlier facts, and no conflict clause: a primary key there cost half the projection time.
    /// On PostgreSQL they are nothing but <c>ON CONFLICT (tenant_id, event_id) DO NOTHING</c>: its fact tables have that
    /// primary key, which every insert maintains anyway, and no index on received_at, so the anti-join read the whole
    /// fact table for every statement (a cost that grew with the store: a sequential scan of every duration fact in each
    /// of a round's parts).</summary>
    private static string FactCheck(SqlDialect dialect, string sql) => FactToken().Replace(sql, m =>
    {
        var (token, table) = (m.Groups[1].Value, m.Groups[2].Value);
        return (token, dialect) switch
        {
            ("on_conflict", SqlDialect.Postgres) => "ON CONFLICT (tenant_id, event_id) DO NOTHING",
            (_, SqlDialect.Postgres) or ("on_conflict", _) => "",
            ("no_fact", _) when table.Length > 0 =>
                $"AND NOT EXISTS (SELECT 1 FROM {table} f WHERE f.received_at > $1 AND f.received_at <= $2 " +
                "AND f.tenant_id = events.tenant_id AND f.event_id = events.event_id)",
            ("no_fact", _) => "AND f.fact_event IS NULL",
            ("fact_join", _) => $"LEFT JOIN (SELECT tenant_id AS fact_tenant, event_id AS fact_event FROM {table} " +
                "WHERE received_at > $1 AND received_at <= $2) f ON f.fact_tenant = e.tenant_id AND f.fact_event = e.event_id",
            _ => throw new UnreachableException($"FactToken matched an unknown token '{token}'."),
        };
    });

    [GeneratedRegex(@"\{(no_fact|fact_join|on_conflict)(?::(analytics_[a-z_]+))?\}")]
    private static partial Regex FactToken();

    /// <summary>From how many events a part's durations are sorted: about two of DuckDB's row groups (122,880 rows) of
    /// durations, which are about half the events. The durations of a smaller part (a collector's round at an ordinary
    /// rate) share a row group with other rounds' facts, whose min/max then span every operation in any order, and
    /// sorting them cost about a quarter of the step (the select alone: 44 against 68 ms of CPU over 100,000 new
    /// events).</summary>
    public const long SortedPartEvents = 250_000;

    /// <summary>The name of the <see cref="ActivitySource"/> that traces each step of a run (<c>arrivals</c>, what to
    /// read; one activity per fact table, named after it, and <see cref="ReportedDurations"/>; then
    /// <c>fingerprints</c>): where a slow run spends its time, for an operator's tracing or a benchmark's listener.
    /// Without a listener no activity is created.</summary>
    public const string ActivitySourceName = "Candor.Analytics.Projection";

    private static readonly ActivitySource Tracing = new(ActivitySourceName);

    /// <summary>Projects every event appended since the last run; returns how many facts were added.</summary>
    public async Task<long> RunAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<(DateTime From, DateTime To)> windows;
            List<(DateTime From, DateTime To, DateTime Lower, DateTime Upper, long Events)> parts = [];
            DateTime newest;
            List<long> consumed;
            using (Tracing.StartActivity("arrivals"))
            {
                // The arrivals first: an append that commits after this read is read by the next round, even when its
                // events are already projected below (the anti-join skips them then).
                var arrivals = await store.QueryAsync(store.Statement(
                    "SELECT arrival_id, first_received, last_received FROM analytics_arrivals ORDER BY arrival_id LIMIT " +
                    MaxArrivals.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
                consumed = [.. arrivals.Select(a => Cell.Long(a[0]))];
                var rows = await store.QueryAsync(store.Statement("SELECT watermark FROM analytics_watermark WHERE projection = 'events'"),
                    cancellationToken).ConfigureAwait(false);
                var watermark = rows.Count == 0 ? null : Cell.Time(rows[0][0]);

                // A range is (from, to]: an arrival's first event is at its first_received, one microsecond (both stores'
                // precision) after the exclusive bound.
                var ranges = arrivals.Select(a => (From: Cell.Time(a[1])!.Value.AddTicks(-10), To: Cell.Time(a[2])!.Value)).ToList();
                if (watermark is { } w)
                {
                    newest = ranges.Count == 0 ? w : new[] { w, ranges.Max(r => r.To) }.Max();
                }
                else
                {
                    // The first round reads every stored event, however it was written (a bulk load, a restored backup).
                    var max = Cell.Time((await store.QueryAsync(store.Statement("SELECT max(received_at) FROM {rows}"), cancellationToken)
                        .ConfigureAwait(false))[0][0]);
                    if (max is { } m)
                    {
                        ranges.Add((Epoch, m));
                    }

                    newest = ranges.Count == 0 ? Epoch : ranges.Max(r => r.To);
                }

                windows = Merge(ranges);
                foreach (var (from, to) in windows)
                {
                    parts.AddRange((await PartsAsync(from, to, cancellationToken).ConfigureAwait(false)).Select(p => (from, to, p.Lower, p.Upper, p.Events)));
                }
            }

            if (windows.Count == 0)
            {
                return 0;
            }

            // One transaction per fact table and part; the fingerprints, then the watermark and the consumed arrivals last:
            // a round that stops half-way leaves its arrivals, so the next round reads the same ranges again and the
            // fact check (FactCheck) skips what this one had inserted.
            long added = 0;
            var spans = Spans(parts, maxSpanEvents);
            foreach (var (step, shared) in FactInserts)
            {
                using var activity = Tracing.StartActivity(step);
                var sql = store.Dialect == SqlDialect.DuckDb && DuckDbInserts.TryGetValue(step, out var own) ? own : shared;
                var reported = step == ReportedDurations;
                foreach (var (from, to, lower, upper, events) in reported ? spans : parts)
                {
                    var split = upper - SplitLag;
                    var durations = reported || step == "analytics_durations";
                    var order = durations && events >= SortedPartEvents ? DurationsOrder : "";
                    var text = FactCheck(store.Dialect, sql.Replace("{order}", order, StringComparison.Ordinal));
                    foreach (var (a, b) in durations && upper == to && split > lower ? [(lower, split), (split, upper)] : new[] { (lower, upper) })
                    {
                        // The operation twin of a reported duration is looked for a TwinMargin either side of the
                        // statement's range, within the window (a range that ends inside the window would otherwise miss
                        // a twin received just after it, which one statement over the whole window finds).
                        IReadOnlyList<object?> parameters = reported
                            ? [a, b, a - TwinMargin, b + TwinMargin < to ? b + TwinMargin : to]
                            : [a, b];
                        added += (await store.ExecuteAsync([store.Statement(text, parameters)], cancellationToken).ConfigureAwait(false))[0];
                    }
                }
            }

            using (Tracing.StartActivity("fingerprints"))
            {
                await FingerprintAsync(windows.Min(w => w.From), cancellationToken).ConfigureAwait(false);
            }

            var finish = new List<SqlStatement>
            {
                store.Statement("INSERT INTO analytics_watermark (projection, watermark) VALUES ('events', $1) " +
                    "ON CONFLICT (projection) DO UPDATE SET watermark = excluded.watermark", newest),
            };

            // The ids are the database's own numbers, written as literals (an IN list reads the same on both stores), in
            // statements of 5,000 within the one transaction.
            foreach (var chunk in consumed.Chunk(5000))
            {
                finish.Add(store.Statement("DELETE FROM analytics_arrivals WHERE arrival_id IN (" +
                    string.Join(", ", chunk.Select(id => id.ToString(CultureInfo.InvariantCulture))) + ")"));
            }

            await store.ExecuteAsync(finish, cancellationToken).ConfigureAwait(false);
            return added;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The window (from, to] as consecutive ranges (lower, upper] of at most about the bound's events each: one
    /// range when the window holds no more (a collector's round; one count over the window's received_at), else ends
    /// taken from the events received per minute, and per second in a minute that alone holds more than the bound.
    /// Each end is the newest received_at of its minute or second, so a range never splits an upload, and the last
    /// range ends at <paramref name="to"/>.</summary>
    internal async Task<List<(DateTime Lower, DateTime Upper, long Events)>> PartsAsync(DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var count = Cell.Long((await store.QueryAsync(store.Statement(
            "SELECT count(*) FROM {rows} WHERE received_at > $1 AND received_at <= $2", from, to), cancellationToken).ConfigureAwait(false))[0][0]);
        if (count <= maxPartEvents)
        {
            return [(from, to, count)];
        }

        var buckets = new List<(DateTime Last, long Events)>();
        var previous = from;
        foreach (var (last, events) in await BucketsAsync("minute", from, to, cancellationToken).ConfigureAwait(false))
        {
            buckets.AddRange(events > maxPartEvents ? await BucketsAsync("second", previous, last, cancellationToken).ConfigureAwait(false) : [(last, events)]);
            previous = last;
        }

        var parts = new List<(DateTime Lower, DateTime Upper, long Events)>();
        var lower = from;
        var end = from;
        long inPart = 0;
        foreach (var (last, events) in buckets)
        {
            if (inPart > 0 && inPart + events > maxPartEvents)
            {
                parts.Add((lower, end, inPart));
                (lower, inPart) = (end, 0);
            }

            inPart += events;
            end = last;
        }

        parts.Add((lower, to, inPart));
        return parts;
    }

    /// <summary>The parts joined into spans of consecutive parts of one window, each of at most
    /// <paramref name="maxEvents"/> events but for a single part that alone holds more.</summary>
    internal static List<(DateTime From, DateTime To, DateTime Lower, DateTime Upper, long Events)> Spans(
        IReadOnlyList<(DateTime From, DateTime To, DateTime Lower, DateTime Upper, long Events)> parts, long maxEvents)
    {
        var spans = new List<(DateTime From, DateTime To, DateTime Lower, DateTime Upper, long Events)>();
        foreach (var part in parts)
        {
            if (spans.Count > 0 && spans[^1].From == part.From && spans[^1].Events + part.Events <= maxEvents)
            {
                spans[^1] = spans[^1] with { Upper = part.Upper, Events = spans[^1].Events + part.Events };
            }
            else
            {
                spans.Add(part);
            }
        }

        return spans;
    }

    /// <summary>The newest received_at and the number of events of each minute or second of (from, to] with events, in
    /// order. A minute of a month's backlog is one row of 43,200; DuckDB and PostgreSQL spell date_trunc alike.</summary>
    private async Task<List<(DateTime Last, long Events)>> BucketsAsync(string unit, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var rows = await store.QueryAsync(store.Statement(
            $"SELECT max(received_at), count(*) FROM {{rows}} WHERE received_at > $1 AND received_at <= $2 GROUP BY date_trunc('{unit}', received_at) ORDER BY 1",
            from, to), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => (Cell.Time(r[0])!.Value, Cell.Long(r[1])))];
    }

    /// <summary>A VALUES list of <paramref name="rows"/> rows of <paramref name="columns"/> positional parameters each,
    /// numbered from <paramref name="offset"/> + 1: <c>($1, $2), ($3, $4)</c>.</summary>
    private static string Rows(int rows, int columns, int offset) => string.Join(", ", Enumerable.Range(0, rows).Select(r =>
        "(" + string.Join(", ", Enumerable.Range(1, columns).Select(c => "$" + (offset + (r * columns) + c).ToString(CultureInfo.InvariantCulture))) + ")"));

    /// <summary>The ranges as disjoint windows in order: overlapping ranges (the appends of a steady ingest overlap by the
    /// seconds between acceptance and commit) and ranges less than <see cref="MergeGap"/> apart become one, and beyond
    /// <see cref="MaxWindows"/> the closest are joined.</summary>
    internal static List<(DateTime From, DateTime To)> Merge(IEnumerable<(DateTime From, DateTime To)> ranges)
    {
        var windows = new List<(DateTime From, DateTime To)>();
        foreach (var (from, to) in ranges.OrderBy(r => r.From))
        {
            if (windows.Count > 0 && from <= windows[^1].To + MergeGap)
            {
                windows[^1] = (windows[^1].From, to > windows[^1].To ? to : windows[^1].To);
            }
            else
            {
                windows.Add((from, to));
            }
        }

        while (windows.Count > MaxWindows)
        {
            var closest = Enumerable.Range(1, windows.Count - 1).MinBy(i => windows[i].From - windows[i - 1].To);
            windows[closest - 1] = (windows[closest - 1].From, windows[closest].To);
            windows.RemoveAt(closest);
        }

        return windows;
    }

    /// <summary>Fingerprints new crashes: once per distinct (tenant, exception type, signature), in .NET, since the
    /// normalisation is not expressible the same way in both SQL dialects. Crashes are rare, so this is small.</summary>
    private async Task FingerprintAsync(DateTime since, CancellationToken cancellationToken)
    {
        // Only this round's windows can hold crashes without a fingerprint (a round that failed before this point left
        // its arrivals, so its windows are read again): the scan stays off the stored crashes.
        var pending = await store.QueryAsync(store.Statement(
            "SELECT DISTINCT tenant_id, exception_type, stack_signature FROM analytics_crashes WHERE received_at > $1 AND fingerprint IS NULL", since),
            cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return;
        }

        // Two statements per 1,000 groups rather than two per group: each statement of a transaction costs DuckDB a
        // scan of the round's crashes, and a round of a large fleet meets dozens of groups. Signatures that normalise to
        // the same fingerprint are inserted once (the first, as one insert per group did).
        var computed = pending.Select(row =>
        {
            var type = Cell.Text(row[1]);
            var signature = Cell.Text(row[2]);
            var (fingerprint, frames) = CrashFingerprint.Compute(type, signature);
            return (Tenant: (Guid)row[0]!, Type: type, Signature: signature, Fingerprint: fingerprint, Frames: frames);
        }).ToList();
        var statements = new List<SqlStatement>();
        foreach (var chunk in computed.DistinctBy(c => (c.Tenant, c.Fingerprint)).Chunk(1000))
        {
            statements.Add(store.Statement(
                "INSERT INTO analytics_fingerprints (tenant_id, fingerprint, exception_type, frames) VALUES " + Rows(chunk.Length, 4, 0) + " ON CONFLICT DO NOTHING",
                [.. chunk.SelectMany(c => new object?[] { c.Tenant, c.Fingerprint, c.Type, c.Frames })]));
        }

        foreach (var chunk in computed.Chunk(1000))
        {
            statements.Add(store.Statement(
                "UPDATE analytics_crashes SET fingerprint = v.v_fingerprint FROM (VALUES " + Rows(chunk.Length, 4, 1) +
                ") AS v (v_tenant, v_type, v_signature, v_fingerprint) WHERE analytics_crashes.received_at > $1 AND analytics_crashes.tenant_id = v.v_tenant " +
                "AND analytics_crashes.exception_type = v.v_type AND analytics_crashes.stack_signature = v.v_signature AND analytics_crashes.fingerprint IS NULL",
                [since, .. chunk.SelectMany(c => new object?[] { c.Tenant, c.Type, c.Signature, c.Fingerprint })]));
        }

        await store.ExecuteAsync(statements, cancellationToken).ConfigureAwait(false);
    }
}

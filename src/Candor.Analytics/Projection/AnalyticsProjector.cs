using System.Diagnostics;
using Candor.Analytics.Failures;
using Candor.Analytics.Sql;
using Candor.Storage;

namespace Candor.Analytics.Projection;

/// <summary>Derives the typed fact tables from <c>events</c> incrementally, inside the database: one
/// <c>INSERT ... SELECT</c> per fact table over the events received since the last watermark (minus an overlap),
/// then the new watermark. Idempotent: a fact is inserted only when no fact of the same event id exists among the
/// facts received in the same window (an anti-join that touches only the window, where a primary key on DuckDB cost
/// half the projection time), device-days by their natural key with <c>ON CONFLICT DO NOTHING</c>; so running twice,
/// or re-reading the overlap window, never counts an event twice. Not on the ingestion path: the server runs it in the background, tests
/// call <see cref="RunAsync"/> directly. Safe to call concurrently (runs are serialised).</summary>
internal sealed class AnalyticsProjector(IAnalyticsStore store)
{
    /// <summary>Events are re-read this far behind the watermark: an append that took received_at before the last
    /// run but committed after it is still projected (appends commit within seconds).</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(10);

    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The facts every run inserts; $1 = exclusive lower bound, $2 = inclusive upper bound of received_at. Each
    /// event's JSON is read once, in the one step whose event names it has.</summary>
    private static readonly (string Table, string Sql)[] FactInserts =
    [
        ("analytics_sessions", """
        INSERT INTO analytics_sessions (tenant_id, event_id, device_id, session_id, product, app_version, device_class, day, received_at)
        SELECT tenant_id, event_id, device_id, session_id, product, app_version, device_class, {day}, received_at
        FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.session.started'
          AND NOT EXISTS (SELECT 1 FROM analytics_sessions f WHERE f.received_at > $1 AND f.tenant_id = events.tenant_id AND f.event_id = events.event_id)
        """),
        ("analytics_session_ends", """
        INSERT INTO analytics_session_ends (tenant_id, event_id, device_id, session_id, product, app_version, day, duration_ms, received_at)
        SELECT tenant_id, event_id, device_id, session_id, product, app_version, day, CAST(ms AS FLOAT8), received_at
        FROM (SELECT tenant_id, event_id, device_id, session_id, product, app_version, {day} AS day, {json:durationMs} AS ms, received_at
              FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.session.ended'
                AND NOT EXISTS (SELECT 1 FROM analytics_session_ends f WHERE f.received_at > $1 AND f.tenant_id = events.tenant_id AND f.event_id = events.event_id)
              OFFSET 0) e
        WHERE ms IS NOT NULL
        """),
        ("analytics_crashes", """
        INSERT INTO analytics_crashes (tenant_id, event_id, device_id, session_id, product, app_version, day, exception_type, stack_signature, os, device_class, received_at)
        SELECT tenant_id, event_id, device_id, session_id, product, app_version, {day},
               coalesce({json:exceptionType}, 'unknown'), coalesce({json:stackSignature}, ''), os, device_class, received_at
        FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.crashed'
          AND NOT EXISTS (SELECT 1 FROM analytics_crashes f WHERE f.received_at > $1 AND f.tenant_id = events.tenant_id AND f.event_id = events.event_id)
        """),
        ("analytics_feature_failures", """
        INSERT INTO analytics_feature_failures (tenant_id, event_id, device_id, session_id, product, app_version, day, feature, error_code, os, device_class, received_at)
        SELECT tenant_id, event_id, device_id, session_id, product, app_version, {day},
               coalesce({json:feature}, 'unknown'), coalesce({json:errorCode}, 'unknown'), os, device_class, received_at
        FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.feature.failed'
          AND NOT EXISTS (SELECT 1 FROM analytics_feature_failures f WHERE f.received_at > $1 AND f.tenant_id = events.tenant_id AND f.event_id = events.event_id)
        """),
        // app.operation.completed names its operation; every other event with a durationMs (launch, sync, service
        // calls, form loads, ...) is an operation named after the event, unless the same session reported an
        // app.operation.completed at the same instant: that is the same measurement described twice (a sync reports
        // fieldservice.sync.completed and the operation "sync"), and counting both would report one slowdown twice.
        // Session length and hang time are not operations. The JSON is read once per event (the OFFSET 0 keeps both
        // dialects from inlining the extraction into the filter a second time), and both checks are plain hash joins
        // (the correlated NOT EXISTS of the other steps became delim joins that cost DuckDB more than the scans).
        // Inserted sorted by (tenant, product, operation, version): each batch then lies in row groups whose min/max
        // on those columns let DuckDB skip everything but the pairs a regression test compares.
        ("analytics_durations", """
        INSERT INTO analytics_durations (tenant_id, event_id, device_id, product, app_version, device_class, day, operation, duration_ms, received_at)
        SELECT tenant_id, event_id, device_id, product, app_version, device_class, day, operation, CAST(ms AS FLOAT8), received_at
        FROM (SELECT e.tenant_id, e.event_id, e.device_id, e.product, e.app_version, e.device_class, {day} AS day,
                     CASE WHEN e.name = 'app.operation.completed' THEN coalesce({json:operation}, 'unknown') ELSE e.name END AS operation,
                     {json:durationMs} AS ms, e.received_at
              FROM events e
              LEFT JOIN (SELECT tenant_id AS fact_tenant, event_id AS fact_event FROM analytics_durations WHERE received_at > $1) f
                ON f.fact_tenant = e.tenant_id AND f.fact_event = e.event_id
              LEFT JOIN (SELECT DISTINCT tenant_id AS op_tenant, session_id AS op_session, time AS op_time FROM events
                         WHERE received_at > $3 AND received_at <= $2 AND name = 'app.operation.completed') o
                ON o.op_tenant = e.tenant_id AND o.op_session = e.session_id AND o.op_time = e.time
              WHERE e.received_at > $1 AND e.received_at <= $2 AND e.name NOT IN ('app.session.ended', 'app.hang.detected') AND {has:durationMs}
                AND f.fact_event IS NULL AND (e.name = 'app.operation.completed' OR o.op_session IS NULL)
              OFFSET 0) d
        WHERE ms IS NOT NULL
        ORDER BY 1, 4, 8, 5
        """),
        ("analytics_commands", """
        INSERT INTO analytics_commands (tenant_id, event_id, device_id, product, day, command, received_at)
        SELECT tenant_id, event_id, device_id, product, {day}, coalesce({json:commandId}, 'unknown'), received_at
        FROM events WHERE received_at > $1 AND received_at <= $2 AND name = 'app.command.invoked'
          AND NOT EXISTS (SELECT 1 FROM analytics_commands f WHERE f.received_at > $1 AND f.tenant_id = events.tenant_id AND f.event_id = events.event_id)
        """),
        ("analytics_device_days", """
        INSERT INTO analytics_device_days (tenant_id, device_id, product, app_version, day, received_at)
        SELECT tenant_id, device_id, product, app_version, {day}, min(received_at)
        FROM events WHERE received_at > $1 AND received_at <= $2
        GROUP BY tenant_id, device_id, product, app_version, {day}
        ON CONFLICT DO NOTHING
        """),
    ];

    /// <summary>The name of the <see cref="ActivitySource"/> that traces each step of a run (one activity per fact
    /// table, named after it, then <c>fingerprints</c>): where a slow run spends its time, for an operator's tracing
    /// or a benchmark's listener. Without a listener no activity is created.</summary>
    public const string ActivitySourceName = "Candor.Analytics.Projection";

    private static readonly ActivitySource Tracing = new(ActivitySourceName);

    /// <summary>Projects every event received since the last run; returns how many facts were added.</summary>
    public async Task<long> RunAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var newest = Cell.Time((await store.QueryAsync(store.Statement("SELECT max(received_at) FROM events"), cancellationToken)
                .ConfigureAwait(false))[0][0]);
            if (newest is null)
            {
                return 0;
            }

            var rows = await store.QueryAsync(store.Statement("SELECT watermark FROM analytics_watermark WHERE projection = 'events'"),
                cancellationToken).ConfigureAwait(false);
            var watermark = rows.Count == 0 ? (DateTime?)null : Cell.Time(rows[0][0]);
            var from = watermark is { } w ? w - Overlap : Epoch;
            var to = newest.Value;

            // One transaction per fact table and part, the watermark last: a run that stops half-way is simply
            // repeated from the old watermark, and the anti-join skips what it had already inserted. Each table is
            // written in two parts split at the next run's lower bound (to - Overlap): the next run's anti-join reads
            // only facts received after it, and DuckDB's zone maps on received_at skip every row group of the first
            // part, however long this run's window (a first run covers the whole history, sorted by other columns).
            // So a run costs in proportion to the new events plus one overlap window, not to the facts stored.
            var split = to - Overlap > from ? to - Overlap : from;
            long added = 0;
            foreach (var (table, sql) in FactInserts)
            {
                using var step = Tracing.StartActivity(table);
                foreach (var (lower, upper) in split > from ? [(from, split), (split, to)] : new[] { (from, to) })
                {
                    IReadOnlyList<object?> parameters = sql.Contains("$3", StringComparison.Ordinal)
                        ? [lower, upper, lower - Overlap]
                        : [lower, upper];
                    added += (await store.ExecuteAsync([store.Statement(sql, parameters)], cancellationToken).ConfigureAwait(false))[0];
                }
            }

            await store.ExecuteAsync([store.Statement(
                "INSERT INTO analytics_watermark (projection, watermark) VALUES ('events', $1) " +
                "ON CONFLICT (projection) DO UPDATE SET watermark = excluded.watermark", to)], cancellationToken).ConfigureAwait(false);
            using (Tracing.StartActivity("fingerprints"))
            {
                await FingerprintAsync(cancellationToken).ConfigureAwait(false);
            }

            return added;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Fingerprints new crashes: once per distinct (tenant, exception type, signature), in .NET, since the
    /// normalisation is not expressible the same way in both SQL dialects. Crashes are rare, so this is small.</summary>
    private async Task FingerprintAsync(CancellationToken cancellationToken)
    {
        var pending = await store.QueryAsync(store.Statement(
            "SELECT DISTINCT tenant_id, exception_type, stack_signature FROM analytics_crashes WHERE fingerprint IS NULL"),
            cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return;
        }

        var statements = new List<SqlStatement>();
        foreach (var row in pending)
        {
            var tenant = (Guid)row[0]!;
            var type = Cell.Text(row[1]);
            var signature = Cell.Text(row[2]);
            var (fingerprint, frames) = CrashFingerprint.Compute(type, signature);
            statements.Add(store.Statement(
                "INSERT INTO analytics_fingerprints (tenant_id, fingerprint, exception_type, frames) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                tenant, fingerprint, type, frames));
            statements.Add(store.Statement(
                "UPDATE analytics_crashes SET fingerprint = $1 WHERE tenant_id = $2 AND exception_type = $3 AND stack_signature = $4 AND fingerprint IS NULL",
                fingerprint, tenant, type, signature));
        }

        await store.ExecuteAsync(statements, cancellationToken).ConfigureAwait(false);
    }
}

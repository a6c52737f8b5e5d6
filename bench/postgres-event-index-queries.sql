-- Every reader of events that filters on something other than received_at alone, each run once to warm the cache and
-- then under EXPLAIN ANALYZE (included by postgres-event-indexes.sql, which sets :tenant and :device). Deletions
-- run in a transaction that is rolled back.
\o /dev/null
\echo -- viewer: first page of one device
SELECT * FROM events WHERE tenant_id = :'tenant' AND device_id = :'device' ORDER BY time, seq, event_id LIMIT 100;
\o
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM events WHERE tenant_id = :'tenant' AND device_id = :'device' ORDER BY time, seq, event_id LIMIT 100;
\o /dev/null
\echo -- viewer: one day of one device
SELECT * FROM events WHERE tenant_id = :'tenant' AND device_id = :'device' AND time >= '2026-11-25' AND time < '2026-11-26' ORDER BY time, seq, event_id LIMIT 100;
\o
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM events WHERE tenant_id = :'tenant' AND device_id = :'device' AND time >= '2026-11-25' AND time < '2026-11-26' ORDER BY time, seq, event_id LIMIT 100;
\echo -- device erasure (rolled back)
BEGIN;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) DELETE FROM events WHERE tenant_id = :'tenant' AND device_id = :'device';
ROLLBACK;
\echo -- device-day check of a bulk deletion (the EXISTS of EventDerivedFacts for one device-day)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT count(*) FROM (SELECT DISTINCT device_id, product, app_version, time::date AS day FROM events
  WHERE tenant_id = :'tenant' AND device_id = :'device') d
  WHERE EXISTS (SELECT 1 FROM events k WHERE k.tenant_id = :'tenant' AND k.device_id = d.device_id AND k.product = d.product
    AND k.app_version = d.app_version AND k.time >= d.day::timestamp AT TIME ZONE 'UTC' AND k.time < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
    AND NOT (k.product = 'sales'));
\echo -- retention of one event name (rolled back)
BEGIN;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) DELETE FROM events WHERE tenant_id = :'tenant' AND received_at < '2026-11-22' AND name = 'ui.page.viewed';
ROLLBACK;
\o /dev/null
\echo -- health usage: event counts of one week
SELECT product, name, count(*) FROM events WHERE tenant_id = :'tenant' AND time >= '2026-11-23' AND time < '2026-11-30'
  AND category = 'product_and_service_usage' AND name NOT IN ('app.session.started', 'app.session.ended', 'app.command.invoked') GROUP BY product, name;
\o
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT product, name, count(*) FROM events WHERE tenant_id = :'tenant' AND time >= '2026-11-23' AND time < '2026-11-30'
  AND category = 'product_and_service_usage' AND name NOT IN ('app.session.started', 'app.session.ended', 'app.command.invoked') GROUP BY product, name;
\o /dev/null
\echo -- health usage: volume by category of one day
SELECT category, count(*) FROM events WHERE tenant_id = :'tenant' AND time >= '2026-11-25' AND time < '2026-11-26' GROUP BY category;
\o
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT category, count(*) FROM events WHERE tenant_id = :'tenant' AND time >= '2026-11-25' AND time < '2026-11-26' GROUP BY category;
\echo -- bulk deletion by product and time range (rolled back)
BEGIN;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) DELETE FROM events WHERE tenant_id = :'tenant' AND product = 'field' AND time >= '2026-11-25' AND time < '2026-11-26';
ROLLBACK;
\echo -- projector: durations twin check over one minute
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT count(*) FROM events e WHERE e.received_at > '2026-11-25 10:00' AND e.received_at <= '2026-11-25 10:01'
  AND e.name NOT IN ('app.operation.completed', 'app.session.ended', 'app.hang.detected') AND (e.data ? 'durationMs')
  AND NOT EXISTS (SELECT 1 FROM events o WHERE o.received_at > '2026-11-25 09:59' AND o.received_at <= '2026-11-25 10:02'
    AND o.name = 'app.operation.completed' AND o.tenant_id = e.tenant_id AND o.session_id = e.session_id AND o.time = e.time);

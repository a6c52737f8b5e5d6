-- What each index of events costs the queries that read events (issue 11, docs/benchmarks.md "PostgreSQL's event
-- indexes"): fills a database that holds Candor's PostgreSQL schema through migration 0025 (psql -f each of
-- 0001, 0003, 0020, 0021, 0025 first) with :rows events of one tenant (plus a small second tenant) over 10 received
-- days, their times and ids in arrival order as a fleet sends them, :devices devices; then runs every reader of events
-- with the indexes of 0025 (label old), those of 0026 without its BRIN index, and all of 0026, each query twice, and prints
-- EXPLAIN (ANALYZE, BUFFERS) of the second run. Usage:
--   psql -v rows=3000000 -v devices=40000 -d DB -f bench/postgres-event-indexes.sql
\set ON_ERROR_STOP on
\timing off
SET max_parallel_workers_per_gather = 0;

SELECT candor_events_partition(d::date) FROM generate_series(date '2026-11-20', date '2026-11-30', interval '1 day') d;
DROP INDEX IF EXISTS events_device_time, events_name_time, events_device, events_time, events_time_brin;

-- Time-ordered: row i's time is i steps into the 10 days, received 0-60 s later, its id a version 7 UUID of that time.
INSERT INTO events (tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id,
    device_class, os, os_version, arch, locale, seq, time, received_at, data)
SELECT CASE WHEN i % 50 = 0 THEN '00000000-0000-0000-0000-0000000000b2'::uuid ELSE '00000000-0000-0000-0000-0000000000a1'::uuid END,
       (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8'
            || substr(md5(i::text), 4, 15))::uuid,
       (ARRAY['app.session.started', 'app.session.ended', 'app.operation.completed', 'app.command.invoked', 'app.crashed',
              'app.feature.failed', 'app.hang.detected', 'ui.page.viewed', 'ui.button.clicked', 'sync.completed',
              'sync.failed', 'auth.signed_in', 'auth.signed_out', 'report.exported', 'search.performed'])[1 + (i * 7) % 15],
       'info',
       (ARRAY['product_and_service_usage', 'product_and_service_performance', 'system_metadata', 'customer_content'])[1 + i % 4],
       (ARRAY['sales', 'field', 'service', 'finance', 'hr'])[1 + (dev % 5)],
       (ARRAY['1.0.0', '1.1.0', '1.2.0'])[1 + (dev % 3)],
       'candor-dotnet/1.0', md5('s' || dev || '-' || (i / 200000))::uuid, md5('d' || dev)::uuid,
       'desktop', 'windows', '10.0', 'x64', 'en-US', i, t, t + (i % 60) * interval '1 second',
       jsonb_build_object('durationMs', i % 1000, 'operation', 'op' || (i % 20))
FROM (SELECT i, timestamptz '2026-11-20 00:00:00+00' + (i * (interval '10 days' / :rows)) AS t,
             (hashint4(i) & 2147483647) % :devices AS dev
      FROM generate_series(1, :rows) i) g;

-- Pick a device and a window every query uses.
SELECT md5('d' || 12345 % :devices)::uuid AS device \gset
SELECT '00000000-0000-0000-0000-0000000000a1' AS tenant \gset

\o /dev/null
CREATE INDEX events_device_time ON events (tenant_id, device_id, time);
CREATE INDEX events_name_time ON events (tenant_id, name, time);
ANALYZE events;
\o

\echo ===== old indexes (0025)
SELECT regexp_replace(c.relname, '^events_[0-9]+_', '') AS index, pg_size_pretty(sum(pg_relation_size(c.oid))) AS size
FROM pg_class c JOIN pg_index x ON x.indexrelid = c.oid WHERE c.relnamespace = 'candor_partitions'::regnamespace
GROUP BY 1 ORDER BY 1;
\ir postgres-event-index-queries.sql

DROP INDEX events_device_time, events_name_time;
\o /dev/null
CREATE INDEX events_device ON events (tenant_id, device_id);
ANALYZE events;
\o
\echo ===== new indexes (0026) without BRIN (time)
SELECT regexp_replace(c.relname, '^events_[0-9]+_', '') AS index, pg_size_pretty(sum(pg_relation_size(c.oid))) AS size
FROM pg_class c JOIN pg_index x ON x.indexrelid = c.oid WHERE c.relnamespace = 'candor_partitions'::regnamespace
GROUP BY 1 ORDER BY 1;
\ir postgres-event-index-queries.sql

-- 0026's BRIN index on time (a few pages per day; events arrive near their time, so each block range of a day's
-- partition covers a short span of time).
\o /dev/null
CREATE INDEX events_time_brin ON events USING brin (time);
ANALYZE events;
\o
\echo ===== new indexes (0026) with BRIN (time)
SELECT regexp_replace(c.relname, '^events_[0-9]+_', '') AS index, pg_size_pretty(sum(pg_relation_size(c.oid))) AS size
FROM pg_class c JOIN pg_index x ON x.indexrelid = c.oid WHERE c.relnamespace = 'candor_partitions'::regnamespace
GROUP BY 1 ORDER BY 1;
\ir postgres-event-index-queries.sql
DROP INDEX events_time_brin;

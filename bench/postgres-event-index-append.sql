-- What the indexes of events cost an append into a large day (issue 11, docs/benchmarks.md "PostgreSQL's event
-- indexes"): one received day's partition holding :fill events (times over 10 days in arrival order, version 7 ids,
-- :devices devices at random, as bench/ingest-scale.sh sends them), then, right after a CHECKPOINT, :probe more
-- events in one transaction (rolled back), with the secondary indexes of migration 0025 (old) and of 0026 (new).
-- Prints the WAL bytes per appended event (the full-page images of the pages first touched after the checkpoint
-- included) and each index's size. Needs a database with the schema through 0025 (psql -f the migrations), and
-- writes nothing it does not remove. Usage:
--   psql -v fill=2000000 -v probe=300000 -v devices=60000 -d DB -f bench/postgres-event-index-append.sql
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
SELECT candor_events_partition('2026-12-01') \gset
DROP INDEX IF EXISTS events_device_time, events_name_time, events_device;

PREPARE append_rows(int, int) AS
INSERT INTO events (tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id,
    device_class, os, os_version, arch, locale, seq, time, received_at, data)
SELECT '00000000-0000-0000-0000-0000000000c3'::uuid,
       (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8'
            || substr(md5(i::text), 4, 15))::uuid,
       (ARRAY['app.session.started', 'app.session.ended', 'app.operation.completed', 'app.command.invoked', 'app.crashed',
              'app.feature.failed', 'app.hang.detected', 'ui.page.viewed', 'ui.button.clicked', 'sync.completed',
              'sync.failed', 'auth.signed_in', 'auth.signed_out', 'report.exported', 'search.performed'])[1 + (i * 7) % 15],
       'info', 'product_and_service_usage', 'sales', '1.0.0', 'candor-dotnet/1.0', md5('s' || dev)::uuid, md5('d' || dev)::uuid,
       'desktop', 'windows', '10.0', 'x64', 'en-US', i, t, timestamptz '2026-12-01 00:00:00+00' + i * interval '10 ms',
       jsonb_build_object('durationMs', i % 1000, 'operation', 'op' || (i % 20))
FROM (SELECT i, timestamptz '2026-11-21 00:00:00+00' + (i * (interval '10 days' / (:fill + :probe))) AS t,
             (hashint4(i) & 2147483647) % :devices AS dev
      FROM generate_series($1, $2) i) g;

TRUNCATE candor_partitions.events_20261201;
EXECUTE append_rows(1, :fill);

\echo ===== old indexes (0025)
CREATE INDEX events_device_time ON events (tenant_id, device_id, time);
CREATE INDEX events_name_time ON events (tenant_id, name, time);
\ir postgres-event-index-append-probe.sql
DROP INDEX events_device_time, events_name_time;

\echo ===== new indexes (0026)
CREATE INDEX events_device ON events (tenant_id, device_id);
\ir postgres-event-index-append-probe.sql

\echo ===== new indexes (0026) and BRIN (time)
CREATE INDEX events_time ON events USING brin (time);
\ir postgres-event-index-append-probe.sql
DROP INDEX events_device, events_time;
TRUNCATE candor_partitions.events_20261201;

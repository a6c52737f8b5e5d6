-- What a PostgreSQL events row costs to copy in, by shape (issue 11: PostgreSQL >= 50,000 events/s; the 50 M fill
-- is bound by PostgreSQL's CPU per copied row, not by checkpoints). Four shapes of the same rows, each into a table
-- with the events table's indexes (primary key (tenant_id, event_id, received_at), (tenant_id, device_id), BRIN on
-- time), copied from a server-side file, twice each (forward, then backward):
--   current:    the eight envelope strings on every row, data jsonb (today's events)
--   text:       the eight envelope strings, data as text (no jsonb conversion on the way in)
--   envelope:   one envelope id instead of the eight strings (as DuckDB's event_rows), data jsonb
--   both:       envelope id and data as text
-- Prints the copy time and the WAL written per row. Run on an idle server, as a superuser (server-side files):
--   psql -h 127.0.0.1 -p PORT -U candor -d postgres -v rows=1000000 -f bench/postgres-event-shape.sql
\set ON_ERROR_STOP on
\if :{?rows}
\else
\set rows 1000000
\endif

DROP TABLE IF EXISTS shape_src;
CREATE TABLE shape_src AS
SELECT '5d0b8f8e-3c1e-4a57-9a57-0d1c3e0b9a11'::uuid AS tenant_id,
       ('01900000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid AS event_id,
       (ARRAY['fieldservice.sync.completed', 'app.operation.completed', 'app.session.started', 'app.command.invoked'])[1 + i % 4] AS name,
       'required' AS level, 'product_and_service_performance' AS category,
       'd365.field-service' AS product, '9.3.2411.' || (i % 3) AS app_version, 'candor-dotnet/1.0.0' AS sdk,
       md5('s' || (i / 40))::uuid AS session_id, md5('d' || (i % 20000))::uuid AS device_id,
       'mobile' AS device_class, 'Android' AS os, '14' AS os_version, 'arm64' AS arch, 'en-GB' AS locale,
       i::bigint AS seq, timestamptz '2026-12-01' + i * interval '1 ms' AS time,
       timestamptz '2026-12-01' + i * interval '1 ms' AS received_at,
       '{"durationMs":' || (1000 + i % 5000) || ',"recordCount":' || (i % 900) || ',"result":"success","operation":"sync"}' AS data,
       1 + i % 3 AS envelope_id
FROM generate_series(1, :rows) AS i;

COPY (SELECT tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id, device_class, os,
             os_version, arch, locale, seq, time, received_at, data FROM shape_src) TO '/tmp/candor-shape-strings.csv' (FORMAT csv);
COPY (SELECT tenant_id, event_id, name, level, category, envelope_id, session_id, device_id, seq, time, received_at, data
      FROM shape_src) TO '/tmp/candor-shape-envelope.csv' (FORMAT csv);
DROP TABLE shape_src;

CREATE OR REPLACE FUNCTION pg_temp.make_shape(shape text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    strings boolean := shape IN ('current', 'text');
    data_type text := CASE WHEN shape IN ('current', 'envelope') THEN 'jsonb' ELSE 'text' END;
BEGIN
    EXECUTE 'DROP TABLE IF EXISTS shape_' || shape;
    EXECUTE 'CREATE TABLE shape_' || shape || ' (tenant_id uuid NOT NULL, event_id uuid NOT NULL, name text NOT NULL, ' ||
        'level text NOT NULL, category text NOT NULL, ' ||
        CASE WHEN strings THEN 'product text NOT NULL, app_version text NOT NULL, sdk text NOT NULL, ' ELSE 'envelope_id integer NOT NULL, ' END ||
        'session_id uuid NOT NULL, device_id uuid NOT NULL, ' ||
        CASE WHEN strings THEN 'device_class text NOT NULL, os text NOT NULL, os_version text NOT NULL, arch text NOT NULL, locale text NOT NULL, ' ELSE '' END ||
        'seq bigint NOT NULL, time timestamptz NOT NULL, received_at timestamptz NOT NULL, data ' || data_type || ' NOT NULL, ' ||
        'PRIMARY KEY (tenant_id, event_id, received_at))';
    EXECUTE 'CREATE INDEX ON shape_' || shape || ' (tenant_id, device_id)';
    EXECUTE 'CREATE INDEX ON shape_' || shape || ' USING brin (time)';
END $$;

CREATE TEMP TABLE shape_results (shape text, run int, ms double precision, wal_bytes numeric);

-- The copy of one shape into its freshly made (empty) table; the table is made by an earlier statement, so the copy
-- is WAL-logged as an ingest's is.
CREATE OR REPLACE FUNCTION pg_temp.copy_shape(shape text, run int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz := clock_timestamp();
    lsn pg_lsn := pg_current_wal_insert_lsn();
    file text := CASE WHEN shape IN ('current', 'text') THEN '/tmp/candor-shape-strings.csv' ELSE '/tmp/candor-shape-envelope.csv' END;
BEGIN
    EXECUTE format('COPY shape_%s FROM %L (FORMAT csv)', shape, file);
    INSERT INTO shape_results VALUES (shape, run,
        extract(epoch FROM clock_timestamp() - started) * 1000, pg_current_wal_insert_lsn() - lsn);
END $$;

\o /dev/null
SELECT pg_temp.make_shape('current'); CHECKPOINT; SELECT pg_temp.copy_shape('current', 1);
SELECT pg_temp.make_shape('text'); CHECKPOINT; SELECT pg_temp.copy_shape('text', 1);
SELECT pg_temp.make_shape('envelope'); CHECKPOINT; SELECT pg_temp.copy_shape('envelope', 1);
SELECT pg_temp.make_shape('both'); CHECKPOINT; SELECT pg_temp.copy_shape('both', 1);
SELECT pg_temp.make_shape('both'); CHECKPOINT; SELECT pg_temp.copy_shape('both', 2);
SELECT pg_temp.make_shape('envelope'); CHECKPOINT; SELECT pg_temp.copy_shape('envelope', 2);
SELECT pg_temp.make_shape('text'); CHECKPOINT; SELECT pg_temp.copy_shape('text', 2);
SELECT pg_temp.make_shape('current'); CHECKPOINT; SELECT pg_temp.copy_shape('current', 2);
\o

SELECT shape, run, round(ms) AS copy_ms FROM shape_results ORDER BY run, shape;
SELECT shape, round(avg(ms)::numeric) AS copy_ms, round((avg(ms) * 1000 / :rows)::numeric, 2) AS us_per_row,
       round(avg(wal_bytes) / :rows) AS wal_bytes_per_row,
       round((avg(ms) / (SELECT avg(ms) FROM shape_results WHERE shape = 'current'))::numeric, 2) AS vs_current
FROM shape_results GROUP BY shape ORDER BY array_position(ARRAY['current', 'text', 'envelope', 'both'], shape);

DROP TABLE shape_current, shape_text, shape_envelope, shape_both;
\! rm -f /tmp/candor-shape-strings.csv /tmp/candor-shape-envelope.csv

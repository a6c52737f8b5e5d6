-- One measured append (included by postgres-event-index-append.sql).
SELECT regexp_replace(c.relname, '^events_20261201_', '') AS index, pg_size_pretty(pg_relation_size(c.oid)) AS size
FROM pg_class c JOIN pg_index x ON x.indexrelid = c.oid WHERE x.indrelid = 'candor_partitions.events_20261201'::regclass ORDER BY 1;
CHECKPOINT;
SELECT pg_current_wal_lsn() AS lsn0, clock_timestamp() AS t0 \gset
BEGIN;
EXECUTE append_rows(:fill + 1, :fill + :probe);
SELECT round((pg_current_wal_lsn() - :'lsn0'::pg_lsn) / :probe) AS wal_bytes_per_event,
       round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1e6 / :probe, 1) AS wall_us_per_event;
ROLLBACK;

-- Events partitioned by the UTC day they were received (issue 11, docs/operations.md "PostgreSQL: events by
-- received day"), so that retention drops whole days instead of deleting rows, and an ingest batch and its
-- duplicate check touch only the indexes of the days it can meet. A primary key of a partitioned table must
-- contain the partition key, so the key is (tenant_id, event_id, received_at): it no longer decides that an
-- event id is stored once. The store does (PostgresStore.AppendAsync): under a lock per tenant stripe it looks
-- for the batch's ids in the days an earlier copy can have been received, and copies only the new events.
--
-- The partitions live in their own schema, so that the public schema lists the logical tables only (what the
-- tenant-keyed and device-keyed table lists describe) and Citus sees one distributed table, events.

CREATE SCHEMA IF NOT EXISTS candor_partitions;

-- Creates the partition of events for one received day (UTC) unless it exists; returns its name. Writers create
-- the day a batch needs and the maintenance round creates days ahead, possibly at the same moment in several
-- processes: the second creator finds the table made (duplicate name, or a bound that overlaps it once the
-- first committed) and takes that as done.
CREATE FUNCTION candor_events_partition(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    part text := 'events_' || to_char(day, 'YYYYMMDD');
BEGIN
    IF to_regclass('candor_partitions.' || part) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE TABLE candor_partitions.%I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                part, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
        EXCEPTION WHEN duplicate_table OR unique_violation OR invalid_object_definition THEN
            NULL;
        END;
    END IF;
    RETURN part;
END
$$;

ALTER TABLE events RENAME TO events_unpartitioned;
ALTER INDEX events_pkey RENAME TO events_unpartitioned_pkey;
ALTER INDEX events_device_time RENAME TO events_unpartitioned_device_time;
ALTER INDEX events_received_at RENAME TO events_unpartitioned_received_at;
ALTER INDEX events_name_time RENAME TO events_unpartitioned_name_time;

CREATE TABLE events (
    tenant_id    uuid        NOT NULL,
    event_id     uuid        NOT NULL,
    name         text        NOT NULL,
    level        text        NOT NULL,
    category     text        NOT NULL,
    product      text        NOT NULL,
    app_version  text        NOT NULL,
    sdk          text        NOT NULL,
    session_id   uuid        NOT NULL,
    device_id    uuid        NOT NULL,
    device_class text        NOT NULL,
    os           text        NOT NULL,
    os_version   text        NOT NULL,
    arch         text        NOT NULL,
    locale       text        NOT NULL,
    seq          bigint      NOT NULL,
    time         timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    data         jsonb       NOT NULL,
    -- The duplicate check probes this index by its (tenant_id, event_id) prefix in each day it reaches.
    PRIMARY KEY (tenant_id, event_id, received_at)
) PARTITION BY RANGE (received_at);

CREATE INDEX events_device_time ON events (tenant_id, device_id, time);
CREATE INDEX events_received_at ON events (tenant_id, received_at);
CREATE INDEX events_name_time ON events (tenant_id, name, time);

-- Every day the existing rows were received on gets its partition, then the rows move over in one statement
-- (inside the migration's transaction: a failure leaves the old table as it was).
SELECT candor_events_partition(day)
FROM (SELECT DISTINCT (received_at AT TIME ZONE 'UTC')::date AS day FROM events_unpartitioned) AS days;

INSERT INTO events (tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id,
    device_class, os, os_version, arch, locale, seq, time, received_at, data)
SELECT tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id,
    device_class, os, os_version, arch, locale, seq, time, received_at, data
FROM events_unpartitioned;

DROP TABLE events_unpartitioned;

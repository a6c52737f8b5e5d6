-- events without its primary key (issue 11). DuckDB keeps a primary key as an ART index held in memory, and
-- checking it costs every append more as the table grows (measured: 12 µs per row at 6 million stored rows with
-- time-ordered ids, 53 µs with random ids, and over 1 GiB of memory). The store now deduplicates itself, exactly
-- per (tenant_id, event_id), before it appends (DuckDbStore.Dedupe.cs; docs/operations.md, "DuckDB: duplicate
-- check"), so the index only costs.
--
-- DuckDB has no ALTER TABLE ... DROP CONSTRAINT: the table is rebuilt under the same name with every row copied
-- in its stored order (the order keeps the zone maps of received_at and of time-ordered event ids tight). The
-- migration runs in one transaction, so a store is either fully moved or left as it was.

CREATE TABLE events_0010 (
    tenant_id    UUID      NOT NULL,
    event_id     UUID      NOT NULL,
    name         VARCHAR   NOT NULL,
    level        VARCHAR   NOT NULL,
    category     VARCHAR   NOT NULL,
    product      VARCHAR   NOT NULL,
    app_version  VARCHAR   NOT NULL,
    sdk          VARCHAR   NOT NULL,
    session_id   UUID      NOT NULL,
    device_id    UUID      NOT NULL,
    device_class VARCHAR   NOT NULL,
    os           VARCHAR   NOT NULL,
    os_version   VARCHAR   NOT NULL,
    arch         VARCHAR   NOT NULL,
    locale       VARCHAR   NOT NULL,
    seq          BIGINT    NOT NULL,
    time         TIMESTAMP NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    data         VARCHAR   NOT NULL
);

INSERT INTO events_0010
SELECT tenant_id, event_id, name, level, category, product, app_version, sdk, session_id, device_id, device_class,
       os, os_version, arch, locale, seq, time, received_at, data
FROM events;

DROP TABLE events;

ALTER TABLE events_0010 RENAME TO events;

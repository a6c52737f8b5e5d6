-- events as two tables and a view (issue 11). Every event carries its batch's envelope: product, app version, sdk,
-- device class, OS, OS version, arch and locale, the same eight strings for all of a device's events and a few
-- hundred distinct tuples per tenant. Appending them with every row was most of the single writer's cost per event
-- (measured with `Candor.Ingest.Bench append-cost`: 3.47 µs a row for the 19 values, 1.87 µs for the 12 values of
-- event_rows). Now each distinct (tenant, envelope) tuple is stored once in event_envelopes and a row holds its
-- envelope_id; the view `events` joins them back, with the old 19 columns in the old order, so every reader (the
-- analytics, the viewer, export, inventory) reads exactly what was sent and needs no change. Writes go to the
-- tables (DuckDbStore.Events.cs, DuckDbStore.DataRights.cs, DuckDbStore.Tenants.cs).
--
-- Envelopes are per tenant, so one tenant's deletion or offboarding removes its tuples with its events and no
-- tenant's rows ever point at another's envelope. The writer assigns envelope ids (max + 1) and keeps the tuples it
-- knows in memory; the unique key makes a second id for the same tuple impossible.
--
-- event_rows keeps the stored order of events (ORDER BY the old rowid): it keeps the zone maps of received_at and of
-- time-ordered event ids tight. The migration runs in one transaction, so a store is either fully moved or left as
-- it was.

CREATE TABLE event_envelopes (
    envelope_id  INTEGER   NOT NULL PRIMARY KEY,
    tenant_id    UUID      NOT NULL,
    product      VARCHAR   NOT NULL,
    app_version  VARCHAR   NOT NULL,
    sdk          VARCHAR   NOT NULL,
    device_class VARCHAR   NOT NULL,
    os           VARCHAR   NOT NULL,
    os_version   VARCHAR   NOT NULL,
    arch         VARCHAR   NOT NULL,
    locale       VARCHAR   NOT NULL,
    UNIQUE (tenant_id, product, app_version, sdk, device_class, os, os_version, arch, locale)
);

INSERT INTO event_envelopes
SELECT CAST(row_number() OVER (ORDER BY tenant_id, product, app_version, sdk, device_class, os, os_version, arch, locale) AS INTEGER),
       tenant_id, product, app_version, sdk, device_class, os, os_version, arch, locale
FROM (SELECT DISTINCT tenant_id, product, app_version, sdk, device_class, os, os_version, arch, locale FROM events);

CREATE TABLE event_rows (
    tenant_id    UUID      NOT NULL,
    event_id     UUID      NOT NULL,
    name         VARCHAR   NOT NULL,
    level        VARCHAR   NOT NULL,
    category     VARCHAR   NOT NULL,
    envelope_id  INTEGER   NOT NULL,
    session_id   UUID      NOT NULL,
    device_id    UUID      NOT NULL,
    seq          BIGINT    NOT NULL,
    time         TIMESTAMP NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    data         VARCHAR   NOT NULL
);

INSERT INTO event_rows
SELECT e.tenant_id, e.event_id, e.name, e.level, e.category, v.envelope_id, e.session_id, e.device_id, e.seq, e.time,
       e.received_at, e.data
FROM events e
JOIN event_envelopes v
  ON v.tenant_id = e.tenant_id AND v.product = e.product AND v.app_version = e.app_version AND v.sdk = e.sdk
 AND v.device_class = e.device_class AND v.os = e.os AND v.os_version = e.os_version AND v.arch = e.arch
 AND v.locale = e.locale
ORDER BY e.rowid;

DROP TABLE events;

CREATE VIEW events AS
SELECT r.tenant_id, r.event_id, r.name, r.level, r.category, v.product, v.app_version, v.sdk, r.session_id, r.device_id,
       v.device_class, v.os, v.os_version, v.arch, v.locale, r.seq, r.time, r.received_at, r.data
FROM event_rows r
JOIN event_envelopes v ON v.envelope_id = r.envelope_id;

-- Failure groups for the console (issue 10): the OS and device class of every crash and feature failure, so that a
-- group's breakdown needs no join back to events; and the triage state of failure groups.

ALTER TABLE analytics_crashes ADD COLUMN os VARCHAR DEFAULT '';
ALTER TABLE analytics_crashes ADD COLUMN device_class VARCHAR DEFAULT '';
ALTER TABLE analytics_feature_failures ADD COLUMN os VARCHAR DEFAULT '';
ALTER TABLE analytics_feature_failures ADD COLUMN device_class VARCHAR DEFAULT '';

UPDATE analytics_crashes SET os = e.os, device_class = e.device_class
FROM events e WHERE e.tenant_id = analytics_crashes.tenant_id AND e.event_id = analytics_crashes.event_id;
UPDATE analytics_feature_failures SET os = e.os, device_class = e.device_class
FROM events e WHERE e.tenant_id = analytics_feature_failures.tenant_id AND e.event_id = analytics_feature_failures.event_id;

-- One row per triaged group (kind 'crash' keyed by fingerprint, 'feature' by "feature / error code"); a group without
-- a row is open. state: resolved, ignored or regressed (a resolved group seen again in a newer version).
-- resolved_in is the version the fix ships in (optional); last_version the newest version the group had been seen in
-- when it was resolved, which a regression must be newer than when no resolved_in is given.
CREATE TABLE analytics_failure_triage (
    tenant_id         UUID      NOT NULL,
    kind              VARCHAR   NOT NULL,
    group_key         VARCHAR   NOT NULL,
    state             VARCHAR   NOT NULL,
    resolved_in       VARCHAR,
    last_version      VARCHAR,
    changed_at        TIMESTAMP NOT NULL,
    changed_by        VARCHAR   NOT NULL,
    regressed_version VARCHAR,
    regressed_at      TIMESTAMP,
    PRIMARY KEY (tenant_id, kind, group_key)
);

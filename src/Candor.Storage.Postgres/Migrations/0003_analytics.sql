-- Health analytics (docs/analytics.md): typed fact tables that the analytics projector derives from events
-- incrementally (INSERT ... SELECT past a watermark, idempotent by event id), so that no query at request time
-- parses the JSON in events.data. Every table holding a device id is listed in Schema/DeviceKeyedTables.cs, so
-- that erasure, offboarding and retention reach it. Days are the UTC day of the event's own time.

CREATE TABLE analytics_sessions (
    tenant_id    uuid      NOT NULL,
    event_id     uuid      NOT NULL,
    device_id    uuid      NOT NULL,
    session_id   uuid      NOT NULL,
    product      text   NOT NULL,
    app_version  text   NOT NULL,
    device_class text   NOT NULL,
    day          date      NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE analytics_session_ends (
    tenant_id    uuid      NOT NULL,
    event_id     uuid      NOT NULL,
    device_id    uuid      NOT NULL,
    session_id   uuid      NOT NULL,
    product      text   NOT NULL,
    app_version  text   NOT NULL,
    day          date      NOT NULL,
    duration_ms  float8    NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

-- fingerprint is null until the projector has normalised the stack signature (in .NET, once per distinct
-- exception type and signature).
CREATE TABLE analytics_crashes (
    tenant_id       uuid      NOT NULL,
    event_id        uuid      NOT NULL,
    device_id       uuid      NOT NULL,
    session_id      uuid      NOT NULL,
    product         text   NOT NULL,
    app_version     text   NOT NULL,
    day             date      NOT NULL,
    exception_type  text   NOT NULL,
    stack_signature text   NOT NULL,
    fingerprint     text,
    received_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE analytics_feature_failures (
    tenant_id    uuid      NOT NULL,
    event_id     uuid      NOT NULL,
    device_id    uuid      NOT NULL,
    session_id   uuid      NOT NULL,
    product      text   NOT NULL,
    app_version  text   NOT NULL,
    day          date      NOT NULL,
    feature      text   NOT NULL,
    error_code   text   NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE analytics_durations (
    tenant_id    uuid      NOT NULL,
    event_id     uuid      NOT NULL,
    device_id    uuid      NOT NULL,
    product      text   NOT NULL,
    app_version  text   NOT NULL,
    device_class text   NOT NULL,
    day          date      NOT NULL,
    operation    text   NOT NULL,
    duration_ms  float8    NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE analytics_commands (
    tenant_id    uuid      NOT NULL,
    event_id     uuid      NOT NULL,
    device_id    uuid      NOT NULL,
    product      text   NOT NULL,
    day          date      NOT NULL,
    command      text   NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

-- Which version each device ran on each day (any event counts as activity).
CREATE TABLE analytics_device_days (
    tenant_id    uuid      NOT NULL,
    device_id    uuid      NOT NULL,
    product      text   NOT NULL,
    app_version  text   NOT NULL,
    day          date      NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, device_id, product, app_version, day)
);

-- The normalised frames behind each crash fingerprint, for display.
CREATE TABLE analytics_fingerprints (
    tenant_id      uuid    NOT NULL,
    fingerprint    text NOT NULL,
    exception_type text NOT NULL,
    frames         text NOT NULL,
    PRIMARY KEY (tenant_id, fingerprint)
);

-- How far the projector has read events (by received_at), for all tenants.
CREATE TABLE analytics_watermark (
    projection  text   NOT NULL PRIMARY KEY,
    watermark   timestamptz NOT NULL
);

-- Version ranges an administrator marked vulnerable (inclusive bounds, compared as versions, not text).
CREATE TABLE analytics_vulnerable_versions (
    tenant_id    uuid      NOT NULL,
    mark_id      uuid      NOT NULL,
    product      text   NOT NULL,
    min_version  text   NOT NULL,
    max_version  text   NOT NULL,
    advisory     text   NOT NULL,
    marked_at    timestamptz NOT NULL,
    marked_by    text   NOT NULL,
    PRIMARY KEY (tenant_id, mark_id)
);

-- Regression alerts; dedup_key makes a finding raise one alert however often detection runs.
CREATE TABLE analytics_alerts (
    tenant_id       uuid      NOT NULL,
    alert_id        uuid      NOT NULL,
    dedup_key       text   NOT NULL,
    kind            text   NOT NULL,
    product         text   NOT NULL,
    subject         text   NOT NULL,
    detail          text   NOT NULL,
    p_value         float8    NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer   NOT NULL,
    next_attempt_at timestamptz,
    delivered_at    timestamptz,
    last_error      text,
    PRIMARY KEY (tenant_id, alert_id),
    UNIQUE (tenant_id, dedup_key)
);

CREATE TABLE analytics_alert_webhooks (
    tenant_id   uuid      NOT NULL PRIMARY KEY,
    url         text   NOT NULL,
    changed_at  timestamptz NOT NULL
);

-- Erasure of one device walks every fact table by device.
CREATE INDEX analytics_sessions_device ON analytics_sessions (tenant_id, device_id);
CREATE INDEX analytics_session_ends_device ON analytics_session_ends (tenant_id, device_id);
CREATE INDEX analytics_crashes_device ON analytics_crashes (tenant_id, device_id);
CREATE INDEX analytics_feature_failures_device ON analytics_feature_failures (tenant_id, device_id);
CREATE INDEX analytics_durations_device ON analytics_durations (tenant_id, device_id);
CREATE INDEX analytics_commands_device ON analytics_commands (tenant_id, device_id);
CREATE INDEX analytics_device_days_device ON analytics_device_days (tenant_id, device_id);

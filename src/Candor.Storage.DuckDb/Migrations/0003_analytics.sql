-- Health analytics (docs/analytics.md): typed fact tables that the analytics projector derives from events
-- incrementally (INSERT ... SELECT past a watermark, idempotent by event id), so that no query at request time
-- parses the JSON in events.data. The per-event fact tables have no primary key here: the projector's anti-join
-- over its window keeps them unique, and an ART index on random event ids cost half the projection time. Every table holding a device id is listed in Schema/DeviceKeyedTables.cs, so
-- that erasure, offboarding and retention reach it. Days are the UTC day of the event's own time.

CREATE TABLE analytics_sessions (
    tenant_id    UUID      NOT NULL,
    event_id     UUID      NOT NULL,
    device_id    UUID      NOT NULL,
    session_id   UUID      NOT NULL,
    product      VARCHAR   NOT NULL,
    app_version  VARCHAR   NOT NULL,
    device_class VARCHAR   NOT NULL,
    day          DATE      NOT NULL,
    received_at  TIMESTAMP NOT NULL
);

CREATE TABLE analytics_session_ends (
    tenant_id    UUID      NOT NULL,
    event_id     UUID      NOT NULL,
    device_id    UUID      NOT NULL,
    session_id   UUID      NOT NULL,
    product      VARCHAR   NOT NULL,
    app_version  VARCHAR   NOT NULL,
    day          DATE      NOT NULL,
    duration_ms  DOUBLE    NOT NULL,
    received_at  TIMESTAMP NOT NULL
);

-- fingerprint is null until the projector has normalised the stack signature (in .NET, once per distinct
-- exception type and signature).
CREATE TABLE analytics_crashes (
    tenant_id       UUID      NOT NULL,
    event_id        UUID      NOT NULL,
    device_id       UUID      NOT NULL,
    session_id      UUID      NOT NULL,
    product         VARCHAR   NOT NULL,
    app_version     VARCHAR   NOT NULL,
    day             DATE      NOT NULL,
    exception_type  VARCHAR   NOT NULL,
    stack_signature VARCHAR   NOT NULL,
    fingerprint     VARCHAR,
    received_at     TIMESTAMP NOT NULL
);

CREATE TABLE analytics_feature_failures (
    tenant_id    UUID      NOT NULL,
    event_id     UUID      NOT NULL,
    device_id    UUID      NOT NULL,
    session_id   UUID      NOT NULL,
    product      VARCHAR   NOT NULL,
    app_version  VARCHAR   NOT NULL,
    day          DATE      NOT NULL,
    feature      VARCHAR   NOT NULL,
    error_code   VARCHAR   NOT NULL,
    received_at  TIMESTAMP NOT NULL
);

CREATE TABLE analytics_durations (
    tenant_id    UUID      NOT NULL,
    event_id     UUID      NOT NULL,
    device_id    UUID      NOT NULL,
    product      VARCHAR   NOT NULL,
    app_version  VARCHAR   NOT NULL,
    device_class VARCHAR   NOT NULL,
    day          DATE      NOT NULL,
    operation    VARCHAR   NOT NULL,
    duration_ms  DOUBLE    NOT NULL,
    received_at  TIMESTAMP NOT NULL
);

CREATE TABLE analytics_commands (
    tenant_id    UUID      NOT NULL,
    event_id     UUID      NOT NULL,
    device_id    UUID      NOT NULL,
    product      VARCHAR   NOT NULL,
    day          DATE      NOT NULL,
    command      VARCHAR   NOT NULL,
    received_at  TIMESTAMP NOT NULL
);

-- Which version each device ran on each day (any event counts as activity).
CREATE TABLE analytics_device_days (
    tenant_id    UUID      NOT NULL,
    device_id    UUID      NOT NULL,
    product      VARCHAR   NOT NULL,
    app_version  VARCHAR   NOT NULL,
    day          DATE      NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, device_id, product, app_version, day)
);

-- The normalised frames behind each crash fingerprint, for display.
CREATE TABLE analytics_fingerprints (
    tenant_id      UUID    NOT NULL,
    fingerprint    VARCHAR NOT NULL,
    exception_type VARCHAR NOT NULL,
    frames         VARCHAR NOT NULL,
    PRIMARY KEY (tenant_id, fingerprint)
);

-- How far the projector has read events (by received_at), for all tenants.
CREATE TABLE analytics_watermark (
    projection  VARCHAR   NOT NULL PRIMARY KEY,
    watermark   TIMESTAMP NOT NULL
);

-- Version ranges an administrator marked vulnerable (inclusive bounds, compared as versions, not text).
CREATE TABLE analytics_vulnerable_versions (
    tenant_id    UUID      NOT NULL,
    mark_id      UUID      NOT NULL,
    product      VARCHAR   NOT NULL,
    min_version  VARCHAR   NOT NULL,
    max_version  VARCHAR   NOT NULL,
    advisory     VARCHAR   NOT NULL,
    marked_at    TIMESTAMP NOT NULL,
    marked_by    VARCHAR   NOT NULL,
    PRIMARY KEY (tenant_id, mark_id)
);

-- Regression alerts; dedup_key makes a finding raise one alert however often detection runs.
CREATE TABLE analytics_alerts (
    tenant_id       UUID      NOT NULL,
    alert_id        UUID      NOT NULL,
    dedup_key       VARCHAR   NOT NULL,
    kind            VARCHAR   NOT NULL,
    product         VARCHAR   NOT NULL,
    subject         VARCHAR   NOT NULL,
    detail          VARCHAR   NOT NULL,
    p_value         DOUBLE    NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    attempts        INTEGER   NOT NULL,
    next_attempt_at TIMESTAMP,
    delivered_at    TIMESTAMP,
    last_error      VARCHAR,
    PRIMARY KEY (tenant_id, alert_id),
    UNIQUE (tenant_id, dedup_key)
);

CREATE TABLE analytics_alert_webhooks (
    tenant_id   UUID      NOT NULL PRIMARY KEY,
    url         VARCHAR   NOT NULL,
    changed_at  TIMESTAMP NOT NULL
);

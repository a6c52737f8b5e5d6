-- The first Candor schema for PostgreSQL. Every table leads with tenant_id and every primary key starts with it,
-- so that Citus can distribute events, policies and audit by tenant (docs/operations.md); tenants and
-- credentials are small and looked up across tenants (by name, by secret hash), so under Citus they become
-- reference tables. Times are timestamptz (UTC, microseconds). No foreign keys: a tenant's rows are removed
-- explicitly by the store, and foreign keys between distributed and reference tables constrain Citus.

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
    PRIMARY KEY (tenant_id, event_id)
);

-- A device's events for export, deletion and the data viewer.
CREATE INDEX events_device_time ON events (tenant_id, device_id, time);
-- Retention: everything received before a cutoff.
CREATE INDEX events_received_at ON events (tenant_id, received_at);
-- Per-definition retention and analytics by event name.
CREATE INDEX events_name_time ON events (tenant_id, name, time);

CREATE TABLE tenants (
    tenant_id  uuid        NOT NULL PRIMARY KEY,
    name       text        NOT NULL UNIQUE,
    family     text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE credentials (
    tenant_id     uuid        NOT NULL,
    credential_id uuid        NOT NULL,
    kind          text        NOT NULL,
    role          text        NOT NULL,
    secret_hash   text        NOT NULL,
    created_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    PRIMARY KEY (tenant_id, credential_id)
);

CREATE UNIQUE INDEX credentials_secret_hash ON credentials (secret_hash);

-- Every saved version is kept: the current policy is the highest version, the others are its history.
CREATE TABLE policies (
    tenant_id  uuid        NOT NULL,
    version    bigint      NOT NULL,
    json       jsonb       NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

-- Append-only: the store has no code path that updates or deletes a row here, not even when a tenant is
-- deleted. seq orders the log as it was written (bigserial rather than an identity column: Citus distributes
-- tables with serial columns without the limits it has for identity columns). before and after keep the JSON
-- text exactly as given.
CREATE TABLE audit (
    tenant_id  uuid        NOT NULL,
    seq        bigserial   NOT NULL,
    audit_id   uuid        NOT NULL,
    acted_at   timestamptz NOT NULL,
    actor_id   text        NOT NULL,
    actor_role text        NOT NULL,
    action     text        NOT NULL,
    target     text        NOT NULL,
    before     text,
    after      text,
    PRIMARY KEY (tenant_id, seq)
);

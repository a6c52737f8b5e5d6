-- The first Candor schema for the embedded store. Times are TIMESTAMP holding UTC (microseconds): DuckDB
-- compares and truncates them without a time zone setting, and they round-trip exactly.
--
-- No secondary indexes on events: DuckDB's ART indexes help only point lookups and cost appends dearly
-- (measured: a batch append with the three indexes below was several times slower). Reads by device, name
-- or received_at are scans pruned by the per-row-group min/max zone maps, and rows arrive roughly in
-- received_at order, which keeps those zone maps tight. The primary key is what makes ingestion idempotent.

CREATE TABLE events (
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
    data         VARCHAR   NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE tenants (
    tenant_id  UUID      NOT NULL PRIMARY KEY,
    name       VARCHAR   NOT NULL UNIQUE,
    family     VARCHAR   NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE credentials (
    tenant_id     UUID      NOT NULL,
    credential_id UUID      NOT NULL,
    kind          VARCHAR   NOT NULL,
    role          VARCHAR   NOT NULL,
    secret_hash   VARCHAR   NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP,
    PRIMARY KEY (tenant_id, credential_id)
);

CREATE UNIQUE INDEX credentials_secret_hash ON credentials (secret_hash);

-- Every saved version is kept: the current policy is the highest version, the others are its history.
CREATE TABLE policies (
    tenant_id  UUID      NOT NULL,
    version    BIGINT    NOT NULL,
    json       VARCHAR   NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

-- Append-only: the store has no code path that updates or deletes a row here, not even when a tenant is
-- deleted. seq orders the log as it was written.
CREATE SEQUENCE audit_seq START 1;

CREATE TABLE audit (
    tenant_id  UUID      NOT NULL,
    seq        BIGINT    NOT NULL DEFAULT nextval('audit_seq'),
    audit_id   UUID      NOT NULL,
    acted_at   TIMESTAMP NOT NULL,
    actor_id   VARCHAR   NOT NULL,
    actor_role VARCHAR   NOT NULL,
    action     VARCHAR   NOT NULL,
    target     VARCHAR   NOT NULL,
    before     VARCHAR,
    after      VARCHAR,
    PRIMARY KEY (tenant_id, seq)
);

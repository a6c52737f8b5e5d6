-- The web console (issue 10, docs/console.md): the ASP.NET Core data-protection key ring that signs and encrypts the
-- console's session cookies and anti-forgery tokens. In the store, so that every collector of a cluster shares it and
-- a restart does not sign everyone out. Collector-wide (no tenant_id): one key ring serves every tenant's sessions.
CREATE TABLE console_data_protection_keys (
    name       text        PRIMARY KEY,
    xml        text        NOT NULL,
    created_at timestamptz NOT NULL
);

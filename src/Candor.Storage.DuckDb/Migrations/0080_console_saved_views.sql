-- Saved views of the web console (issue 10, docs/console.md): a tenant's named links to a filtered console page (a
-- path and query under /console), so a person finds a view again. A view grants nothing: opening it runs the page's
-- own permission check. At most 200 per tenant (enforced by the insert). Tenant-keyed, deleted on offboarding.
CREATE TABLE console_saved_views (
    tenant_id  UUID      NOT NULL,
    view_id    UUID      NOT NULL,
    name       VARCHAR   NOT NULL,
    link       VARCHAR   NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR   NOT NULL,
    PRIMARY KEY (tenant_id, view_id)
);

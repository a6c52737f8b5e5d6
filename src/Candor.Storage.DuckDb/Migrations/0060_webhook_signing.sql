-- Every alert delivery is signed (HMAC-SHA256) with a per-tenant secret, which must be kept to sign; a webhook set
-- before this migration has none and is refused until it is set again (docs/security.md).
ALTER TABLE analytics_alert_webhooks ADD COLUMN signing_secret VARCHAR;

using Candor.Analytics.Sql;

namespace Candor.Analytics.Alerts;

/// <summary>The tenant's webhook: where alerts go, and the secret deliveries are signed with.</summary>
internal sealed partial class AlertStore
{
    /// <summary>Sets the tenant's webhook with the secret its deliveries are signed with (stored, since signing needs
    /// it, but no read returns it: the caller shows it once).</summary>
    public Task SetWebhookAsync(Guid tenant, Uri url, string signingSecret, CancellationToken cancellationToken = default) =>
        store.ExecuteAsync([store.Statement(
            "INSERT INTO analytics_alert_webhooks (tenant_id, url, changed_at, signing_secret) VALUES ($1, $2, $3, $4) " +
            "ON CONFLICT (tenant_id) DO UPDATE SET url = excluded.url, changed_at = excluded.changed_at, signing_secret = excluded.signing_secret",
            tenant, url.AbsoluteUri, time.GetUtcNow().UtcDateTime, signingSecret)], cancellationToken);

    /// <summary>Removes the tenant's webhook (and its signing secret); alerts are no longer delivered.</summary>
    public Task RemoveWebhookAsync(Guid tenant, CancellationToken cancellationToken = default) =>
        store.ExecuteAsync([store.Statement("DELETE FROM analytics_alert_webhooks WHERE tenant_id = $1", tenant)], cancellationToken);

    /// <summary>The tenant's webhook URL in full (for delivery; show it only through <see cref="WebhookUrl.Masked"/>),
    /// or null.</summary>
    public async Task<Uri?> GetWebhookAsync(Guid tenant, CancellationToken cancellationToken = default)
    {
        var rows = await store.QueryAsync(store.Statement("SELECT url FROM analytics_alert_webhooks WHERE tenant_id = $1", tenant),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : new Uri(Cell.Text(rows[0][0]));
    }
}

using System.Text.Json;
using Candor.Analytics.Sql;

namespace Candor.Analytics.Alerts;

/// <summary>Delivery: due alerts posted, signed, to their tenant's webhook. Tenants are delivered in parallel (at
/// most <see cref="DeliveryParallelism"/> at once) and each tenant's alerts in order, so one tenant's slow or dead
/// endpoint holds only its own alerts back.</summary>
internal sealed partial class AlertStore
{
    /// <summary>How many tenants' webhooks are posted to at once. Default 8.</summary>
    public int DeliveryParallelism { get; init; } = 8;

    /// <summary>Posts every due, undelivered alert of tenants with a webhook through <paramref name="webhooks"/>. A
    /// 2xx answer delivers it; anything else (or no answer) counts an attempt, records the error shown to the tenant
    /// and schedules the next attempt after an exponential backoff; the tenant's later alerts wait for the next round
    /// rather than queue behind an endpoint that just failed. Returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(WebhookClient webhooks, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var due = await store.QueryAsync(store.Statement(
            """
            SELECT a.alert_id, a.kind, a.product, a.subject, a.detail, a.p_value, a.created_at, a.attempts, a.delivered_at, a.last_error,
                   a.tenant_id, w.url, w.signing_secret
            FROM analytics_alerts a JOIN analytics_alert_webhooks w ON w.tenant_id = a.tenant_id
            WHERE a.delivered_at IS NULL AND a.attempts < $1 AND a.next_attempt_at <= $2
            ORDER BY a.created_at, a.alert_id
            """, MaximumAttempts, now.UtcDateTime), cancellationToken).ConfigureAwait(false);
        var delivered = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = DeliveryParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(due.GroupBy(row => (Guid)row[10]!), parallel, async (rows, ct) =>
        {
            foreach (var row in rows)
            {
                if (!await DeliverAsync(webhooks, rows.Key, row, ct).ConfigureAwait(false))
                {
                    return;
                }

                Interlocked.Increment(ref delivered);
            }
        }).ConfigureAwait(false);
        return delivered;
    }

    private async Task<bool> DeliverAsync(WebhookClient webhooks, Guid tenant, object?[] row, CancellationToken cancellationToken)
    {
        var alert = Read(row);
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            alertId = alert.Id,
            tenantId = tenant,
            alert.Kind,
            alert.Product,
            alert.Subject,
            alert.PValue,
            alert.CreatedAt,
            detail = JsonDocument.Parse(alert.Detail).RootElement,
        }, JsonSerializerOptions.Web);
        var error = row[12] is null
            ? "refused: the webhook was set before deliveries were signed; set it again to get its signing secret."
            : await webhooks.PostAsync(new Uri(Cell.Text(row[11])), body, WebhookSignature.Header(Cell.Text(row[12]), time.GetUtcNow(), body),
                cancellationToken).ConfigureAwait(false);

        var at = time.GetUtcNow();
        if (error is null)
        {
            await store.ExecuteAsync([store.Statement(
                "UPDATE analytics_alerts SET attempts = attempts + 1, delivered_at = $1, last_error = NULL WHERE tenant_id = $2 AND alert_id = $3",
                at.UtcDateTime, tenant, alert.Id)], cancellationToken).ConfigureAwait(false);
            return true;
        }

        var backoff = TimeSpan.FromTicks(Math.Min(MaximumBackoff.Ticks, FirstBackoff.Ticks * (1L << Math.Min(alert.Attempts, 20))));
        await store.ExecuteAsync([store.Statement(
            "UPDATE analytics_alerts SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE tenant_id = $3 AND alert_id = $4",
            (at + backoff).UtcDateTime, error, tenant, alert.Id)], cancellationToken).ConfigureAwait(false);
        return false;
    }
}

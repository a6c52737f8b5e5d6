using Candor.Analytics.Alerts;
using Candor.Server.Access;

namespace Candor.Server.Analytics;

/// <summary>A webhook just set: the URL as it is shown (masked), and its signing secret, shown this once.</summary>
internal sealed record WebhookSet(string MaskedUrl, string SigningSecret);

/// <summary>Sets and removes a tenant's alert webhook the one way <c>/v1/analytics/alerts/webhook</c> and the console's
/// settings page do. The URL is stored in full (delivery needs it) but shown and audited only masked: a credential in
/// it must not be echoed to every reader, nor kept for good in the append-only audit log. Stateless; thread-safe.</summary>
internal static class AlertWebhookSettings
{
    /// <summary>The masked URL of the tenant's webhook, or null when none is set.</summary>
    public static async Task<string?> GetMaskedAsync(AnalyticsService service, Principal principal, CancellationToken ct) =>
        await service.Alerts.GetWebhookAsync(principal.Tenant.Id, ct).ConfigureAwait(false) is { } url ? WebhookUrl.Masked(url) : null;

    /// <summary>Checks <paramref name="text"/> (an absolute http or https URL whose literal address, if any, is public
    /// or allowlisted), stores it with a new signing secret and audits <c>alerts.webhook_set</c>. Returns the error a
    /// person or client sees (with its problem code) when the URL is refused.</summary>
    public static async Task<(WebhookSet? Set, string? Code, string? Error)> SetAsync(AnalyticsService service, AuditLog audit, Principal principal,
        string? text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return (null, "invalid_request", "The webhook must be an absolute http or https URL.");
        }

        if (service.Webhooks.RefusalOf(url) is { } refusal)
        {
            return (null, "webhook_refused", "The webhook " + refusal);
        }

        var secret = Secrets.NewWebhookSigningSecret();
        await service.Alerts.SetWebhookAsync(principal.Tenant.Id, url, secret, ct).ConfigureAwait(false);
        var masked = WebhookUrl.Masked(url);
        await audit.RecordAsync(principal, "alerts.webhook_set", url.Host, null, new { url = masked }, ct).ConfigureAwait(false);
        return (new WebhookSet(masked, secret), null, null);
    }

    /// <summary>Removes the tenant's webhook; audited <c>alerts.webhook_removed</c> when there was one.</summary>
    public static async Task<bool> RemoveAsync(AnalyticsService service, AuditLog audit, Principal principal, CancellationToken ct)
    {
        var before = await service.Alerts.GetWebhookAsync(principal.Tenant.Id, ct).ConfigureAwait(false);
        await service.Alerts.RemoveWebhookAsync(principal.Tenant.Id, ct).ConfigureAwait(false);
        if (before is null)
        {
            return false;
        }

        await audit.RecordAsync(principal, "alerts.webhook_removed", before.Host, new { url = WebhookUrl.Masked(before) }, null, ct).ConfigureAwait(false);
        return true;
    }
}

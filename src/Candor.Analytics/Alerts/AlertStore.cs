using System.Globalization;
using System.Text.Json;
using Candor.Analytics.Failures;
using Candor.Analytics.Regressions;
using Candor.Analytics.Sql;
using Candor.Storage;

namespace Candor.Analytics.Alerts;

/// <summary>A stored alert.</summary>
internal sealed record Alert(
    Guid Id, string Kind, string Product, string Subject, string Detail, double PValue, DateTimeOffset CreatedAt,
    int Attempts, DateTimeOffset? DeliveredAt, string? LastError);

/// <summary>Alerts raised from significant regression findings (one per finding, however often detection runs),
/// the tenant's webhook (<c>.Webhook.cs</c>), and signed delivery to it with retries and exponential backoff,
/// tenants in parallel (<c>.Delivery.cs</c>). Thread-safe.</summary>
internal sealed partial class AlertStore(IAnalyticsStore store, TimeProvider time)
{
    /// <summary>Delivery attempts before an alert is given up (its last error stays visible). Default 8.</summary>
    public int MaximumAttempts { get; init; } = 8;

    /// <summary>The wait after the first failed attempt; doubled after each further failure. Default 5 s.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between attempts. Default 10 minutes.</summary>
    public TimeSpan MaximumBackoff { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Stores an alert for every significant finding not alerted before; returns the new alerts.</summary>
    public async Task<IReadOnlyList<Alert>> RaiseAsync(Guid tenant, IEnumerable<RegressionFinding> findings, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var raised = new List<Alert>();
        foreach (var f in findings.Where(f => f.Significant))
        {
            var detail = JsonSerializer.Serialize(f, JsonSerializerOptions.Web);
            var alert = new Alert(Guid.CreateVersion7(now), f.Kind, f.Product, Subject(f), detail, f.PValue, now, 0, null, null);
            var affected = await store.ExecuteAsync([store.Statement(
                "INSERT INTO analytics_alerts (tenant_id, alert_id, dedup_key, kind, product, subject, detail, p_value, created_at, attempts, next_attempt_at) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $9) ON CONFLICT DO NOTHING",
                tenant, alert.Id, f.DedupKey, f.Kind, f.Product, alert.Subject, detail, f.PValue, now.UtcDateTime)], cancellationToken).ConfigureAwait(false);
            if (affected[0] > 0)
            {
                raised.Add(alert);
            }
        }

        return raised;
    }

    private static string Subject(RegressionFinding f) => f.Kind switch
    {
        "crash_rate" => string.Create(CultureInfo.InvariantCulture,
            $"{f.Product} {f.Version}: crashed sessions {f.Current * 100:F2}% vs {f.Baseline * 100:F2}% on {f.BaselineVersion}"),
        "duration_p95" => string.Create(CultureInfo.InvariantCulture,
            $"{f.Product} {f.Version}: p95 of {f.Subject} {f.Current:F0} ms vs {f.Baseline:F0} ms on {f.BaselineVersion}"),
        FailureTriage.RegressedFinding => string.Create(CultureInfo.InvariantCulture,
            $"{f.Product} {f.Version}: {f.Subject} is back ({f.Current:F0} events), resolved {f.BaselineVersion}"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{f.Product}: {f.Subject} had {f.Current:F0} events on {f.Version}, {f.Baseline:F1} expected"),
    };

    public async Task<IReadOnlyList<Alert>> ListAsync(Guid tenant, int limit, CancellationToken cancellationToken = default)
    {
        var rows = await store.QueryAsync(store.Statement(
            "SELECT alert_id, kind, product, subject, detail, p_value, created_at, attempts, delivered_at, last_error FROM analytics_alerts " +
            "WHERE tenant_id = $1 ORDER BY created_at DESC, alert_id LIMIT " + limit.ToString(CultureInfo.InvariantCulture), tenant),
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(Read)];
    }

    private static Alert Read(object?[] r) => new(
        (Guid)r[0]!, Cell.Text(r[1]), Cell.Text(r[2]), Cell.Text(r[3]), Cell.Text(r[4]), Cell.Double(r[5]),
        new DateTimeOffset(Cell.Time(r[6])!.Value), (int)Cell.Long(r[7]),
        Cell.Time(r[8]) is { } d ? new DateTimeOffset(d) : null, r[9] is null ? null : Cell.Text(r[9]));
}

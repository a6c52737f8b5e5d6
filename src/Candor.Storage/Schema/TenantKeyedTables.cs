namespace Candor.Storage.Schema;

/// <summary>
/// Every table that holds rows of one tenant, by its <c>tenant_id</c> column, in the order offboarding deletes them
/// (the tenant row last). Offboarding walks this list in both stores, and a contract test compares it with the
/// database catalog, so a new tenant-keyed table that is not added here fails the build's tests rather than
/// surviving a tenant's departure. The audit log is the one deliberate exception (docs/privacy.md): it is kept.
/// </summary>
internal static class TenantKeyedTables
{
    /// <summary>The audit log: tenant-keyed, and kept on offboarding by design.</summary>
    public const string Audit = "audit";

    /// <summary>Tables deleted on offboarding, device-keyed ones first, <c>tenants</c> last.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        .. DeviceKeyedTables.All.Select(t => t.Table),

        // Per-tenant analytics state (migration 0003) that no device owns.
        "analytics_fingerprints",
        "analytics_vulnerable_versions",
        "analytics_alerts",
        "analytics_alert_webhooks",

        // Triage of failure groups (migration 0030).
        "analytics_failure_triage",

        // Saved views of the web console (migration 0080).
        "console_saved_views",

        "credentials",
        "policies",
        "tenants",
    ];
}

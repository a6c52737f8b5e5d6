namespace Candor.Server.Access;

/// <summary>What an administrator's credential may be used for. Every endpoint under <c>/v1/admin/</c> and
/// <c>/v1/analytics/</c> (and every console page) names exactly one, through its authorization policy
/// (<see cref="Roles.PolicyName"/>), so the role table below is the whole access policy.</summary>
internal enum Permission
{
    ReadPolicy,
    ChangePolicy,
    ReadDeviceData,
    DeleteData,
    ReadAudit,
    ReadInventory,
    ReadAnalytics,
    ManageVulnerabilities,
    ManageAlerts,
    OffboardTenant,
    TriageFailures,
    ManageCredentials,
    SaveViews,
}

/// <summary>The roles of admin tokens (issue 5) and the one table of what each may do: <c>owner</c> may do
/// everything (also issue and revoke the tenant's keys and tokens); <c>privacy_officer</c> governs the data (policy, export, delete, audit, inventory) and reads
/// aggregates; <c>analyst</c> reads aggregated analytics and triages failure groups (resolve, ignore, reopen), and never sees per-device data. Every role
/// saves console views (a view is a link and grants nothing). The authorization
/// policies (one per permission), the 403 messages and the roles a token may be issued with all come from here.
/// Thread-safe.</summary>
internal static class Roles
{
    public const string Owner = "owner";
    public const string PrivacyOfficer = "privacy_officer";
    public const string Analyst = "analyst";

    /// <summary>Every role an admin token may have.</summary>
    public static readonly string[] All = [Owner, PrivacyOfficer, Analyst];

    /// <summary>Every permission, each with its authorization policy.</summary>
    public static readonly Permission[] Permissions = Enum.GetValues<Permission>();

    private static readonly string[] PolicyNames = [.. Permissions.Select(p => "Permission:" + p)];

    private static readonly Dictionary<string, Permission[]> Table = new(StringComparer.Ordinal)
    {
        [Owner] = Permissions,
        [PrivacyOfficer] =
        [
            Permission.ReadPolicy, Permission.ChangePolicy, Permission.ReadDeviceData, Permission.DeleteData, Permission.ReadAudit,
            Permission.ReadInventory, Permission.ReadAnalytics, Permission.SaveViews,
        ],
        [Analyst] = [Permission.ReadAnalytics, Permission.TriageFailures, Permission.SaveViews],
    };

    public static bool Allows(string role, Permission permission) =>
        Table.TryGetValue(role, out var allowed) && Array.IndexOf(allowed, permission) >= 0;

    /// <summary>The name of the authorization policy that requires <paramref name="permission"/>.</summary>
    public static string PolicyName(this Permission permission) => PolicyNames[(int)permission];

    /// <summary>What the permission lets one do, as a 403 names it ("may not ...").</summary>
    public static string Describe(Permission permission) => permission switch
    {
        Permission.ReadPolicy => "read the policy",
        Permission.ChangePolicy => "change the policy",
        Permission.ReadDeviceData => "read per-device data",
        Permission.DeleteData => "delete data",
        Permission.ReadAudit => "read the audit log",
        Permission.ReadInventory => "read the data inventory",
        Permission.ReadAnalytics => "read analytics",
        Permission.ManageVulnerabilities => "mark versions vulnerable",
        Permission.ManageAlerts => "configure alerts",
        Permission.OffboardTenant => "offboard the tenant",
        Permission.TriageFailures => "triage failure groups",
        Permission.ManageCredentials => "manage ingestion keys and admin tokens",
        Permission.SaveViews => "save or delete console views",
        _ => "do this",
    };

}

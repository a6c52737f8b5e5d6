namespace Candor.Storage.Schema;

/// <summary>
/// Every table that holds rows about one device, by the name of its device column. A device deletion, tenant
/// offboarding and retention walk this list in both stores, so a new derived table (analytics facts, viewer
/// caches, ...) cannot be forgotten when a user asks for their data to be erased: add the table here in the same
/// change that creates it.
/// </summary>
internal static class DeviceKeyedTables
{
    /// <summary>Table name and the name of its device id column; every table also has <c>tenant_id</c>.</summary>
    public static readonly IReadOnlyList<(string Table, string DeviceColumn)> All =
    [
        ("events", "device_id"),

        // The analytics fact tables (migration 0003), derived from events by the analytics projector.
        ("analytics_sessions", "device_id"),
        ("analytics_session_ends", "device_id"),
        ("analytics_crashes", "device_id"),
        ("analytics_feature_failures", "device_id"),
        ("analytics_durations", "device_id"),
        ("analytics_commands", "device_id"),
        ("analytics_device_days", "device_id"),
    ];
}

namespace Candor.Storage.Schema;

/// <summary>
/// The statements that remove what the analytics projector derived from a set of events, run in the same
/// transaction just before the events themselves are deleted (bulk deletion, retention), so that deleted events
/// stop counting in analytics at the moment they are deleted. Both stores share this SQL; only the predicate's
/// parameter syntax and the day bounds differ.
/// </summary>
internal static class EventDerivedFacts
{
    /// <summary>The fact tables with one row per event, by <c>event_id</c>. A contract test checks that every
    /// table with an <c>event_id</c> column (other than <c>events</c>) is listed.</summary>
    public static readonly IReadOnlyList<string> PerEventTables =
    [
        "analytics_sessions",
        "analytics_session_ends",
        "analytics_crashes",
        "analytics_feature_failures",
        "analytics_durations",
        "analytics_commands",
    ];

    /// <summary>The statements, in order.</summary>
    /// <param name="tenantParameter">The tenant parameter as written in SQL (<c>$tenant</c>, <c>@tenant</c>).</param>
    /// <param name="eventsWhere">The deleted events' condition on the events table aliased as the argument; it
    /// must include the tenant.</param>
    /// <param name="dayStart">The first instant of a day as an expression over the given day column.</param>
    /// <param name="nextDayStart">The first instant of the next day.</param>
    public static IReadOnlyList<string> Statements(string tenantParameter, Func<string, string> eventsWhere,
        Func<string, string> dayStart, Func<string, string> nextDayStart)
    {
        ArgumentNullException.ThrowIfNull(eventsWhere);
        ArgumentNullException.ThrowIfNull(dayStart);
        ArgumentNullException.ThrowIfNull(nextDayStart);
        var statements = new List<string>();
        foreach (var table in PerEventTables)
        {
            statements.Add($"DELETE FROM {table} WHERE tenant_id = {tenantParameter} " +
                $"AND event_id IN (SELECT e.event_id FROM events e WHERE {eventsWhere("e")})");
        }

        // A device-day is an aggregate of any events: it goes only when a deleted event was behind it and no
        // remaining one is (the projector would not have written it from the remaining events alone).
        const string days = "analytics_device_days";
        string SameDeviceDay(string alias) =>
            $"{alias}.tenant_id = {days}.tenant_id AND {alias}.device_id = {days}.device_id AND {alias}.product = {days}.product " +
            $"AND {alias}.app_version = {days}.app_version AND {alias}.time >= {dayStart(days + ".day")} " +
            $"AND {alias}.time < {nextDayStart(days + ".day")}";
        statements.Add($"DELETE FROM {days} WHERE tenant_id = {tenantParameter} " +
            $"AND EXISTS (SELECT 1 FROM events e WHERE {SameDeviceDay("e")} AND {eventsWhere("e")}) " +
            $"AND NOT EXISTS (SELECT 1 FROM events k WHERE {SameDeviceDay("k")} AND NOT ({eventsWhere("k")}))");

        // A fingerprint's frames describe code, not people, but a fingerprint no crash refers to any more would
        // still show that the deleted crashes happened.
        statements.Add($"DELETE FROM analytics_fingerprints WHERE tenant_id = {tenantParameter} AND NOT EXISTS " +
            "(SELECT 1 FROM analytics_crashes c WHERE c.tenant_id = analytics_fingerprints.tenant_id " +
            "AND c.fingerprint = analytics_fingerprints.fingerprint)");
        return statements;
    }
}

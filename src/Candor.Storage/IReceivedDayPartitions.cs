namespace Candor.Storage;

/// <summary>An event store that keeps events in partitions by the UTC day they were received (PostgreSQL), so
/// that retention can drop whole days. The retention round calls it before the per-tenant deletions, which then
/// only reach the days that are not dropped. Thread-safe; several processes may call it at once.</summary>
public interface IReceivedDayPartitions
{
    /// <summary>Creates the partitions of the days from <paramref name="now"/>'s day to
    /// <paramref name="daysAhead"/> days after it, so that writers rarely have to, and drops every partition
    /// received wholly before <paramref name="dropBefore"/> (a day is dropped only when all of it is earlier),
    /// with the analytics facts derived from its events, in one transaction.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="dropBefore">Events received before this are past every tenant's retention.</param>
    /// <param name="daysAhead">How many days after today to create; at least 1.</param>
    /// <param name="cancellationToken">Cancels the round before its commit.</param>
    /// <returns>How many partitions were dropped.</returns>
    Task<int> MaintainPartitionsAsync(DateTimeOffset now, DateTimeOffset dropBefore, int daysAhead = 3,
        CancellationToken cancellationToken = default);
}

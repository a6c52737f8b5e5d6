using Candor.Core.Model;

namespace Candor.Storage;

/// <summary>What an organisation's administrators need to honour privacy rights and show what is collected:
/// erasing one device everywhere, bulk deletion, the tenant-wide export and the data inventory. Every backend
/// passes the same contract tests. Every query takes the tenant id and never reads or deletes across tenants.</summary>
public interface IDataRightsStore
{
    /// <summary>Deletes every row about one device of one tenant from every device-keyed table (events and any
    /// derived table), in one transaction. Idempotent: a second call removes nothing.</summary>
    /// <returns>The rows removed per table, every device-keyed table named (0 when it held nothing).</returns>
    Task<IReadOnlyDictionary<string, long>> EraseDeviceAsync(Guid tenantId, Guid deviceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a tenant's events that match every given criterion: of one product, and/or that happened
    /// in [<see cref="BulkDeletion.From"/>, <see cref="BulkDeletion.To"/>). Returns how many were removed.</summary>
    /// <exception cref="ArgumentException">When no criterion is given (that would be offboarding, not a deletion).</exception>
    Task<long> DeleteEventsAsync(Guid tenantId, BulkDeletion selection, CancellationToken cancellationToken = default);

    /// <summary>Every stored event of a tenant, by time, streamed (never held in memory whole).</summary>
    IAsyncEnumerable<StoredEvent> ReadTenantEventsAsync(Guid tenantId, CancellationToken cancellationToken = default);

    /// <summary>What a tenant has stored, per product and category: totals, distinct devices, last receipt, the
    /// event names, and events per day (by time received, UTC) since <paramref name="since"/>.</summary>
    Task<DataInventory> ReadInventoryAsync(Guid tenantId, DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>Which events a bulk deletion removes: all criteria given must match; at least one must be given.</summary>
public sealed record BulkDeletion
{
    /// <summary>Only events of this product id.</summary>
    public string? Product { get; init; }

    /// <summary>Only events that happened at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events that happened before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Whether no criterion is given.</summary>
    public bool IsEmpty => Product is null && From is null && To is null;
}

/// <summary>A tenant's stored data, summarised for the privacy dashboard.</summary>
/// <param name="Groups">One per product and category that has events.</param>
/// <param name="Days">Events per product, category and day received (UTC), for the asked period.</param>
/// <param name="Names">Events per product, category and event name.</param>
public sealed record DataInventory(
    IReadOnlyList<InventoryGroup> Groups, IReadOnlyList<InventoryDay> Days, IReadOnlyList<InventoryName> Names);

/// <summary>The stored events of one product and category.</summary>
/// <param name="Product">The product id.</param>
/// <param name="Category">The category.</param>
/// <param name="Events">How many events are stored.</param>
/// <param name="Devices">How many distinct devices sent them.</param>
/// <param name="LastReceived">When the newest was received.</param>
public sealed record InventoryGroup(string Product, DataCategory Category, long Events, long Devices, DateTimeOffset LastReceived);

/// <summary>Events of one product and category received on one UTC day.</summary>
/// <param name="Product">The product id.</param>
/// <param name="Category">The category.</param>
/// <param name="Day">The UTC day.</param>
/// <param name="Events">How many.</param>
public sealed record InventoryDay(string Product, DataCategory Category, DateOnly Day, long Events);

/// <summary>Events of one product, category and event name.</summary>
/// <param name="Product">The product id.</param>
/// <param name="Category">The category.</param>
/// <param name="Name">The event name.</param>
/// <param name="Events">How many.</param>
public sealed record InventoryName(string Product, DataCategory Category, string Name, long Events);

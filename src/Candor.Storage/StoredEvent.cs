using Candor.Core.Model;

namespace Candor.Storage;

/// <summary>One accepted event as the store keeps it: the envelope in columns (tenant first, so that a
/// distributed PostgreSQL can shard by tenant), the catalog's level and category at the time of acceptance, and
/// the validated, PII-scanned <c>data</c> object as compact JSON. Never the client's IP address.</summary>
public sealed record StoredEvent
{
    /// <summary>The owning tenant.</summary>
    public required Guid TenantId { get; init; }

    /// <summary>The event id sent by the client; unique per tenant (ingestion is idempotent on it).</summary>
    public required Guid EventId { get; init; }

    /// <summary>The catalog event name.</summary>
    public required string Name { get; init; }

    /// <summary>The level the catalog gave the event when it was accepted.</summary>
    public required DataLevel Level { get; init; }

    /// <summary>The category the catalog gave the event when it was accepted.</summary>
    public required DataCategory Category { get; init; }

    /// <summary>The product id.</summary>
    public required string Product { get; init; }

    /// <summary>The app version that sent it.</summary>
    public required string AppVersion { get; init; }

    /// <summary>The SDK name and version.</summary>
    public required string Sdk { get; init; }

    /// <summary>The pseudonymous session id.</summary>
    public required Guid SessionId { get; init; }

    /// <summary>The pseudonymous device id.</summary>
    public required Guid DeviceId { get; init; }

    /// <summary>The device class (<c>desktop</c>, <c>mobile</c>, ...).</summary>
    public required string DeviceClass { get; init; }

    /// <summary>The OS name.</summary>
    public required string Os { get; init; }

    /// <summary>The OS version.</summary>
    public required string OsVersion { get; init; }

    /// <summary>The processor architecture.</summary>
    public required string Arch { get; init; }

    /// <summary>The UI locale (e.g. <c>en-GB</c>).</summary>
    public required string Locale { get; init; }

    /// <summary>The per-device sequence number.</summary>
    public required long Seq { get; init; }

    /// <summary>When the event happened, by the device clock (UTC).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>When the collector accepted it (UTC).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The event's declared fields as a compact JSON object.</summary>
    public required string Data { get; init; }
}

namespace Candor.Fleet.Wire;

/// <summary>One protocol batch, serialized.</summary>
/// <param name="BatchId">The batch id (from the seed).</param>
/// <param name="EventCount">How many events it holds.</param>
/// <param name="FirstTimeMs">The time of its first event (Unix ms).</param>
/// <param name="LastTimeMs">The time of its last event (Unix ms); also its <c>sentAt</c>.</param>
/// <param name="Json">The UTF-8 JSON body of <c>POST /v1/events</c>.</param>
internal sealed record FleetBatch(Guid BatchId, int EventCount, long FirstTimeMs, long LastTimeMs, byte[] Json);

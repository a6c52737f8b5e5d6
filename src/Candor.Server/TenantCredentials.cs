namespace Candor.Server;

/// <summary>The secrets of a new tenant, shown once: only their hashes are stored.</summary>
/// <param name="TenantId">The tenant's id.</param>
/// <param name="IngestionKey">The key its apps send events with (<c>Authorization: Bearer ...</c>).</param>
/// <param name="AdminToken">The owner's admin token for <c>/v1/admin/...</c>.</param>
public sealed record TenantCredentials(Guid TenantId, string IngestionKey, string AdminToken);

using Candor.Core.Policy;

namespace Candor.Storage;

/// <summary>Tenants, their credentials (stored hashed only), their versioned policies and their append-only
/// audit log. Implementations are thread-safe. Every query takes the tenant id: nothing reads across tenants
/// except <see cref="FindCredentialAsync"/>, which is how a request learns its tenant.</summary>
public interface ITenantStore
{
    /// <summary>Creates a tenant. Throws <see cref="InvalidOperationException"/> when its id or name exists.</summary>
    Task CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default);

    /// <summary>A tenant by id, or null.</summary>
    Task<TenantRecord?> GetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default);

    /// <summary>All tenants, by name.</summary>
    Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a tenant and everything it owns (events and every other device-keyed table, credentials,
    /// policies; the audit log is kept, with a record of the offboarding). Returns how many events were removed.</summary>
    Task<long> DeleteTenantAsync(Guid tenantId, CancellationToken cancellationToken = default);

    /// <summary>Adds an ingestion key or an admin token (its hash only).</summary>
    Task AddCredentialAsync(CredentialRecord credential, CancellationToken cancellationToken = default);

    /// <summary>The credential whose secret has this hash, revoked or not; null when none has.</summary>
    Task<CredentialRecord?> FindCredentialAsync(string secretHash, CancellationToken cancellationToken = default);

    /// <summary>A tenant's credentials, without their hashes' secrets (there are none to show).</summary>
    Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(Guid tenantId, CancellationToken cancellationToken = default);

    /// <summary>Marks a tenant's credential revoked from <paramref name="at"/>; false when it does not exist.</summary>
    Task<bool> RevokeCredentialAsync(Guid tenantId, Guid credentialId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The tenant's current policy, or null when it has never saved one.</summary>
    Task<PolicyRecord?> GetPolicyAsync(Guid tenantId, CancellationToken cancellationToken = default);

    /// <summary>Saves a new policy version if the current version is <paramref name="expectedVersion"/> (0 when
    /// there is none); false when another change came first.</summary>
    Task<bool> SavePolicyAsync(PolicyRecord policy, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Appends one record to the tenant's audit log. There is no way to change or remove one.</summary>
    Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>The tenant's audit log, oldest first.</summary>
    IAsyncEnumerable<AuditRecord> ReadAuditAsync(Guid tenantId, DateTimeOffset? since = null, int limit = 1000,
        CancellationToken cancellationToken = default);
}

/// <summary>One event store and tenant store over one database: what a collector opens.</summary>
public interface ICandorStore : IEventStore, ITenantStore, IDataRightsStore;

/// <summary>A customer organisation.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its unique name.</param>
/// <param name="Family">The product family whose catalog applies.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record TenantRecord(Guid Id, string Name, string Family, DateTimeOffset CreatedAt);

/// <summary>What a credential may do.</summary>
public enum CredentialKind
{
    /// <summary>An ingestion key: writes events and reads the policy of its tenant, nothing else.</summary>
    Ingestion,

    /// <summary>An admin token with a role.</summary>
    Admin,
}

/// <summary>A credential, kept as a hash of its secret.</summary>
/// <param name="Id">Its id (shown in the audit log as the actor).</param>
/// <param name="TenantId">The one tenant it belongs to.</param>
/// <param name="Kind">Ingestion key or admin token.</param>
/// <param name="Role">For admin tokens <c>owner</c>, <c>privacy_officer</c> or <c>analyst</c>; <c>ingest</c> for keys.</param>
/// <param name="SecretHash">SHA-256 of the secret, lowercase hex.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
public sealed record CredentialRecord(
    Guid Id, Guid TenantId, CredentialKind Kind, string Role, string SecretHash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>One version of a tenant's policy.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Version">1, 2, ...: the ETag derives from it.</param>
/// <param name="Policy">The policy.</param>
/// <param name="ChangedAt">When this version was saved.</param>
public sealed record PolicyRecord(Guid TenantId, long Version, TenantPolicy Policy, DateTimeOffset ChangedAt);

/// <summary>One administrative action.</summary>
/// <param name="Id">Its id.</param>
/// <param name="TenantId">The tenant acted on.</param>
/// <param name="At">When.</param>
/// <param name="ActorId">The credential id (or <c>operator</c>, <c>cli</c>) that acted.</param>
/// <param name="ActorRole">The actor's role.</param>
/// <param name="Action">What was done, e.g. <c>policy.changed</c>, <c>device.deleted</c>.</param>
/// <param name="Target">What it was done to, e.g. a device id.</param>
/// <param name="Before">The state before, as JSON, or null.</param>
/// <param name="After">The state after (or a receipt), as JSON, or null.</param>
public sealed record AuditRecord(
    Guid Id, Guid TenantId, DateTimeOffset At, string ActorId, string ActorRole, string Action, string Target, string? Before, string? After);

using System.Runtime.CompilerServices;
using Candor.Core.Policy;
using Candor.Storage.Schema;
using DuckDB.NET.Data;

namespace Candor.Storage.DuckDb;

public sealed partial class DuckDbStore
{
    private const string CredentialColumns = "credential_id, tenant_id, kind, role, secret_hash, created_at, revoked_at";

    /// <inheritdoc />
    public Task CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return WriteAsync(() =>
        {
            try
            {
                return Execute(_writer, "INSERT INTO tenants VALUES ($id, $name, $family, $created)",
                    ("id", tenant.Id), ("name", tenant.Name), ("family", tenant.Family), ("created", Utc(tenant.CreatedAt)));
            }
            catch (DuckDBException ex) when (IsConstraintViolation(ex))
            {
                throw new InvalidOperationException($"A tenant with id {tenant.Id} or name '{tenant.Name}' exists.", ex);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TenantRecord?> GetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = ReadConnection();
        return Task.FromResult(ReadTenants(connection, "WHERE tenant_id = $id", ("id", tenantId)).SingleOrDefault());
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = ReadConnection();
        return Task.FromResult<IReadOnlyList<TenantRecord>>(ReadTenants(connection, "ORDER BY name"));
    }

    private static List<TenantRecord> ReadTenants(DuckDBConnection connection, string clause, params ReadOnlySpan<(string, object?)> parameters)
    {
        using var command = Command(connection, "SELECT tenant_id, name, family, created_at FROM tenants " + clause, parameters);
        using var reader = command.ExecuteReader();
        var tenants = new List<TenantRecord>();
        while (reader.Read())
        {
            tenants.Add(new TenantRecord(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), ReadTime(reader, 3)));
        }

        return tenants;
    }

    /// <inheritdoc />
    public Task<long> DeleteTenantAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        WriteExclusiveAsync(() =>
        {
            using var transaction = _writer.BeginTransaction();
            var tenant = ReadTenants(_writer, "WHERE tenant_id = $id", ("id", tenantId)).SingleOrDefault();
            var removed = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var table in TenantKeyedTables.All)
            {
                // Derived and per-tenant tables go too: offboarding leaves nothing of the tenant but its audit log.
                removed[table] = Execute(_writer, $"DELETE FROM {RowsTable(table)} WHERE tenant_id = $id", ("id", tenantId));
            }

            Execute(_writer, "DELETE FROM event_envelopes WHERE tenant_id = $id", ("id", tenantId));
            ForgetEnvelopes();

            var (events, credentials, policies) = (removed["events"], removed["credentials"], removed["policies"]);
            InsertAudit(Offboarding.Record(tenantId, tenant, events, credentials, policies, _time.GetUtcNow()));
            transaction.Commit();
            return events;
        }, cancellationToken);

    /// <inheritdoc />
    public Task AddCredentialAsync(CredentialRecord credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentException.ThrowIfNullOrEmpty(credential.SecretHash);
        return WriteAsync(() =>
        {
            try
            {
                return Execute(_writer, $"INSERT INTO credentials ({CredentialColumns}) VALUES ($id, $tenant, $kind, $role, $hash, $created, $revoked)",
                    ("id", credential.Id), ("tenant", credential.TenantId), ("kind", StoreText.Kind(credential.Kind)),
                    ("role", credential.Role), ("hash", credential.SecretHash), ("created", Utc(credential.CreatedAt)),
                    ("revoked", credential.RevokedAt is { } revoked ? Utc(revoked) : null));
            }
            catch (DuckDBException ex) when (IsConstraintViolation(ex))
            {
                throw new InvalidOperationException($"A credential with id {credential.Id} or the same secret exists.", ex);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<CredentialRecord?> FindCredentialAsync(string secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = ReadConnection();
        return Task.FromResult(ReadCredentials(connection, "WHERE secret_hash = $hash", ("hash", secretHash)).SingleOrDefault());
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = ReadConnection();
        return Task.FromResult<IReadOnlyList<CredentialRecord>>(
            ReadCredentials(connection, "WHERE tenant_id = $tenant ORDER BY created_at, credential_id", ("tenant", tenantId)));
    }

    private static List<CredentialRecord> ReadCredentials(DuckDBConnection connection, string clause, params ReadOnlySpan<(string, object?)> parameters)
    {
        using var command = Command(connection, $"SELECT {CredentialColumns} FROM credentials " + clause, parameters);
        using var reader = command.ExecuteReader();
        var credentials = new List<CredentialRecord>();
        while (reader.Read())
        {
            credentials.Add(new CredentialRecord(reader.GetGuid(0), reader.GetGuid(1), StoreText.Kind(reader.GetString(2)),
                reader.GetString(3), reader.GetString(4), ReadTime(reader, 5), ReadOptionalTime(reader, 6)));
        }

        return credentials;
    }

    /// <inheritdoc />
    /// <remarks>Revoking a revoked credential keeps its first revocation time and returns true.</remarks>
    public Task<bool> RevokeCredentialAsync(Guid tenantId, Guid credentialId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync(() => Execute(_writer,
            "UPDATE credentials SET revoked_at = coalesce(revoked_at, $at) WHERE tenant_id = $tenant AND credential_id = $id",
            ("at", Utc(at)), ("tenant", tenantId), ("id", credentialId)) > 0, cancellationToken);

    /// <inheritdoc />
    public Task<PolicyRecord?> GetPolicyAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = ReadConnection();
        using var command = Command(connection,
            "SELECT version, json, changed_at FROM policies WHERE tenant_id = $tenant ORDER BY version DESC LIMIT 1", ("tenant", tenantId));
        using var reader = command.ExecuteReader();
        PolicyRecord? policy = reader.Read()
            ? new PolicyRecord(tenantId, reader.GetInt64(0), TenantPolicyJson.Parse(reader.GetString(1)), ReadTime(reader, 2))
            : null;
        return Task.FromResult(policy);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">When <paramref name="policy"/>'s version is not
    /// <paramref name="expectedVersion"/> + 1.</exception>
    public Task<bool> SavePolicyAsync(PolicyRecord policy, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreText.ValidatePolicyVersion(policy, expectedVersion);
        var json = TenantPolicyJson.Serialize(policy.Policy);
        return WriteAsync(() =>
        {
            using var transaction = _writer.BeginTransaction();
            using (var command = Command(_writer, "SELECT coalesce(max(version), 0) FROM policies WHERE tenant_id = $tenant", ("tenant", policy.TenantId)))
            {
                if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != expectedVersion)
                {
                    return false;
                }
            }

            Execute(_writer, "INSERT INTO policies VALUES ($tenant, $version, $json, $at)",
                ("tenant", policy.TenantId), ("version", policy.Version), ("json", json), ("at", Utc(policy.ChangedAt)));
            transaction.Commit();
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync(() =>
        {
            InsertAudit(record);
            return 0;
        }, cancellationToken);
    }

    private void InsertAudit(AuditRecord record) =>
        Execute(_writer,
            "INSERT INTO audit (tenant_id, audit_id, acted_at, actor_id, actor_role, action, target, before, after) " +
            "VALUES ($tenant, $id, $at, $actor, $role, $action, $target, $before, $after)",
            ("tenant", record.TenantId), ("id", record.Id), ("at", Utc(record.At)), ("actor", record.ActorId), ("role", record.ActorRole),
            ("action", record.Action), ("target", record.Target), ("before", record.Before), ("after", record.After));

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditRecord> ReadAuditAsync(Guid tenantId, DateTimeOffset? since = null, int limit = 1000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);

        // DuckDB's reader blocks; leave the caller's synchronous path before it does.
        await Task.Yield();
        using var connection = ReadConnection();
        using var command = since is { } from
            ? Command(connection, AuditQuery("AND acted_at >= $since", limit), ("tenant", tenantId), ("since", Utc(from)))
            : Command(connection, AuditQuery("", limit), ("tenant", tenantId));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new AuditRecord(reader.GetGuid(0), reader.GetGuid(1), ReadTime(reader, 2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), ReadOptionalString(reader, 7), ReadOptionalString(reader, 8));
        }
    }

    private static string AuditQuery(string condition, int limit) =>
        "SELECT audit_id, tenant_id, acted_at, actor_id, actor_role, action, target, before, after FROM audit " +
        $"WHERE tenant_id = $tenant {condition} ORDER BY seq LIMIT {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

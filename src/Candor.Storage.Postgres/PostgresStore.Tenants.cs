using System.Globalization;
using System.Runtime.CompilerServices;
using Candor.Core.Policy;
using Candor.Storage.Schema;
using Npgsql;
using NpgsqlTypes;

namespace Candor.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string CredentialColumns = "credential_id, tenant_id, kind, role, secret_hash, created_at, revoked_at";

    /// <inheritdoc />
    public async Task CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "INSERT INTO tenants VALUES (@id, @name, @family, @created)", cancellationToken,
                ("id", tenant.Id), ("name", tenant.Name), ("family", tenant.Family), ("created", tenant.CreatedAt)).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (IsUniqueViolation(ex))
        {
            throw new InvalidOperationException($"A tenant with id {tenant.Id} or name '{tenant.Name}' exists.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<TenantRecord?> GetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadTenantsAsync(connection, "WHERE tenant_id = @id", cancellationToken, ("id", tenantId)).ConfigureAwait(false))
            .SingleOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Byte order, as DuckDB sorts, whatever the database's collation.
        return await ReadTenantsAsync(connection, "ORDER BY name COLLATE \"C\"", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<TenantRecord>> ReadTenantsAsync(NpgsqlConnection connection, string clause,
        CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, "SELECT tenant_id, name, family, created_at FROM tenants " + clause, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tenants = new List<TenantRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(new TenantRecord(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), ReadTime(reader, 3)));
        }

        return tenants;
    }

    /// <inheritdoc />
    public async Task<long> DeleteTenantAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockDerivedDataAsync(connection, cancellationToken).ConfigureAwait(false);
        var tenant = (await ReadTenantsAsync(connection, "WHERE tenant_id = @id FOR UPDATE", cancellationToken, ("id", tenantId))
            .ConfigureAwait(false)).SingleOrDefault();
        var removed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in TenantKeyedTables.All)
        {
            // Derived and per-tenant tables go too: offboarding leaves nothing of the tenant but its audit log.
            removed[table] = await ExecuteAsync(connection, $"DELETE FROM {table} WHERE tenant_id = @id", cancellationToken, ("id", tenantId))
                .ConfigureAwait(false);
        }

        var (events, credentials, policies) = (removed["events"], removed["credentials"], removed["policies"]);
        await InsertAuditAsync(connection, Offboarding.Record(tenantId, tenant, events, credentials, policies, _time.GetUtcNow()),
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return events;
    }

    /// <inheritdoc />
    public async Task AddCredentialAsync(CredentialRecord credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentException.ThrowIfNullOrEmpty(credential.SecretHash);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection,
                $"INSERT INTO credentials ({CredentialColumns}) VALUES (@id, @tenant, @kind, @role, @hash, @created, @revoked)", cancellationToken,
                ("id", credential.Id), ("tenant", credential.TenantId), ("kind", StoreText.Kind(credential.Kind)), ("role", credential.Role),
                ("hash", credential.SecretHash), ("created", credential.CreatedAt), ("revoked", credential.RevokedAt)).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (IsUniqueViolation(ex))
        {
            throw new InvalidOperationException($"A credential with id {credential.Id} or the same secret exists.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<CredentialRecord?> FindCredentialAsync(string secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadCredentialsAsync(connection, "WHERE secret_hash = @hash", cancellationToken, ("hash", secretHash)).ConfigureAwait(false))
            .SingleOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadCredentialsAsync(connection, "WHERE tenant_id = @tenant ORDER BY created_at, credential_id", cancellationToken,
            ("tenant", tenantId)).ConfigureAwait(false);
    }

    private static async Task<List<CredentialRecord>> ReadCredentialsAsync(NpgsqlConnection connection, string clause,
        CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, $"SELECT {CredentialColumns} FROM credentials " + clause, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var credentials = new List<CredentialRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            credentials.Add(new CredentialRecord(reader.GetGuid(0), reader.GetGuid(1), StoreText.Kind(reader.GetString(2)),
                reader.GetString(3), reader.GetString(4), ReadTime(reader, 5), ReadOptionalTime(reader, 6)));
        }

        return credentials;
    }

    /// <inheritdoc />
    /// <remarks>Revoking a revoked credential keeps its first revocation time and returns true.</remarks>
    public async Task<bool> RevokeCredentialAsync(Guid tenantId, Guid credentialId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection,
            "UPDATE credentials SET revoked_at = coalesce(revoked_at, @at) WHERE tenant_id = @tenant AND credential_id = @id", cancellationToken,
            ("at", at), ("tenant", tenantId), ("id", credentialId)).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<PolicyRecord?> GetPolicyAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "SELECT version, json::text, changed_at FROM policies WHERE tenant_id = @tenant ORDER BY version DESC LIMIT 1", ("tenant", tenantId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new PolicyRecord(tenantId, reader.GetInt64(0), TenantPolicyJson.Parse(reader.GetString(1)), ReadTime(reader, 2))
            : null;
    }

    /// <inheritdoc />
    /// <remarks>Two changes from the same version race for the same primary key: the second one's insert fails
    /// and it returns false.</remarks>
    /// <exception cref="ArgumentException">When <paramref name="policy"/>'s version is not
    /// <paramref name="expectedVersion"/> + 1.</exception>
    public async Task<bool> SavePolicyAsync(PolicyRecord policy, long expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreText.ValidatePolicyVersion(policy, expectedVersion);
        var json = TenantPolicyJson.Serialize(policy.Policy);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, "SELECT coalesce(max(version), 0) FROM policies WHERE tenant_id = @tenant",
            ("tenant", policy.TenantId)))
        {
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) != expectedVersion)
            {
                return false;
            }
        }

        try
        {
            await using var insert = Command(connection, "INSERT INTO policies VALUES (@tenant, @version, @json, @at)",
                ("tenant", policy.TenantId), ("version", policy.Version), ("at", policy.ChangedAt));
            insert.Parameters.Add(new NpgsqlParameter("json", NpgsqlDbType.Jsonb) { Value = json });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException ex) when (IsUniqueViolation(ex))
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(connection, record, cancellationToken).ConfigureAwait(false);
    }

    private static Task<int> InsertAuditAsync(NpgsqlConnection connection, AuditRecord record, CancellationToken cancellationToken) =>
        ExecuteAsync(connection,
            "INSERT INTO audit (tenant_id, audit_id, acted_at, actor_id, actor_role, action, target, before, after) " +
            "VALUES (@tenant, @id, @at, @actor, @role, @action, @target, @before, @after)", cancellationToken,
            ("tenant", record.TenantId), ("id", record.Id), ("at", record.At), ("actor", record.ActorId), ("role", record.ActorRole),
            ("action", record.Action), ("target", record.Target), ("before", record.Before), ("after", record.After));

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditRecord> ReadAuditAsync(Guid tenantId, DateTimeOffset? since = null, int limit = 1000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = since is { } from
            ? Command(connection, AuditQuery("AND acted_at >= @since"), ("tenant", tenantId), ("since", from), ("limit", limit))
            : Command(connection, AuditQuery(""), ("tenant", tenantId), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new AuditRecord(reader.GetGuid(0), reader.GetGuid(1), ReadTime(reader, 2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), ReadOptionalString(reader, 7), ReadOptionalString(reader, 8));
        }
    }

    private static string AuditQuery(string condition) =>
        "SELECT audit_id, tenant_id, acted_at, actor_id, actor_role, action, target, before, after FROM audit " +
        $"WHERE tenant_id = @tenant {condition} ORDER BY seq LIMIT @limit";
}

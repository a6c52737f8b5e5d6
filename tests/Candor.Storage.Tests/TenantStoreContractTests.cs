using System.Text.Json.Nodes;
using Candor.Core.Model;
using Candor.Core.Policy;
using Xunit;

namespace Candor.Storage.Tests;

/// <summary>What every tenant store does: tenants, hashed credentials, versioned policies and the append-only
/// audit log. Tests use fresh ids and names, so a backend may share one database between tests.</summary>
public abstract class TenantStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private ICandorStore? _store;

    protected ICandorStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>A migrated store, ready to use.</summary>
    protected abstract Task<ICandorStore> OpenStoreAsync();

    public virtual async Task InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private static TenantRecord NewTenant(string prefix = "contoso") =>
        new(Guid.NewGuid(), $"{prefix}-{Guid.NewGuid():N}", "dynamics365-clients", Now.AddTicks(123450));

    private static CredentialRecord NewCredential(Guid tenant, CredentialKind kind = CredentialKind.Ingestion) =>
        new(Guid.NewGuid(), tenant, kind, kind == CredentialKind.Ingestion ? "ingest" : "owner",
            Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()), Now, null);

    [Fact]
    public async Task Created_tenant_reads_back_and_lists_by_name()
    {
        var zeta = NewTenant("zeta");
        var alpha = NewTenant("alpha");
        await Store.CreateTenantAsync(zeta);
        await Store.CreateTenantAsync(alpha);

        Assert.Equal(zeta, await Store.GetTenantAsync(zeta.Id));
        Assert.Null(await Store.GetTenantAsync(Guid.NewGuid()));
        var listed = (await Store.ListTenantsAsync()).Where(t => t.Id == zeta.Id || t.Id == alpha.Id).ToList();
        Assert.Equal([alpha, zeta], listed);
    }

    [Fact]
    public async Task Creating_a_tenant_with_a_taken_id_or_name_fails()
    {
        var tenant = NewTenant();
        await Store.CreateTenantAsync(tenant);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateTenantAsync(tenant with { Name = "other-" + Guid.NewGuid() }));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateTenantAsync(tenant with { Id = Guid.NewGuid() }));
        Assert.Equal(tenant, await Store.GetTenantAsync(tenant.Id));
    }

    [Fact]
    public async Task Credential_is_found_by_its_hash_only()
    {
        var tenant = NewTenant();
        await Store.CreateTenantAsync(tenant);
        var key = NewCredential(tenant.Id);
        var admin = NewCredential(tenant.Id, CredentialKind.Admin) with { CreatedAt = Now.AddMinutes(1) };
        await Store.AddCredentialAsync(key);
        await Store.AddCredentialAsync(admin);

        Assert.Equal(key, await Store.FindCredentialAsync(key.SecretHash));
        Assert.Equal(admin, await Store.FindCredentialAsync(admin.SecretHash));
        Assert.Null(await Store.FindCredentialAsync(key.SecretHash.ToUpperInvariant()));
        Assert.Null(await Store.FindCredentialAsync(new string('0', 64)));
    }

    [Fact]
    public async Task Credentials_list_per_tenant()
    {
        var (a, b) = (NewTenant(), NewTenant());
        var ofA = new[] { NewCredential(a.Id), NewCredential(a.Id, CredentialKind.Admin) with { CreatedAt = Now.AddSeconds(1) } };
        var ofB = NewCredential(b.Id);
        foreach (var c in ofA.Append(ofB))
        {
            await Store.AddCredentialAsync(c);
        }

        Assert.Equal(ofA, await Store.ListCredentialsAsync(a.Id));
        Assert.Equal([ofB], await Store.ListCredentialsAsync(b.Id));
    }

    [Fact]
    public async Task A_secret_hash_belongs_to_one_credential()
    {
        var (a, b) = (NewTenant(), NewTenant());
        var key = NewCredential(a.Id);
        await Store.AddCredentialAsync(key);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store.AddCredentialAsync(NewCredential(b.Id) with { SecretHash = key.SecretHash }));
        Assert.Equal(a.Id, (await Store.FindCredentialAsync(key.SecretHash))!.TenantId);
    }

    [Fact]
    public async Task Revoked_credential_is_still_found_and_shows_when_it_was_revoked()
    {
        var tenant = NewTenant();
        var key = NewCredential(tenant.Id);
        await Store.AddCredentialAsync(key);
        var at = Now.AddHours(1).AddTicks(10);

        Assert.True(await Store.RevokeCredentialAsync(tenant.Id, key.Id, at));
        Assert.True(await Store.RevokeCredentialAsync(tenant.Id, key.Id, at.AddDays(1)));

        Assert.Equal(key with { RevokedAt = at }, await Store.FindCredentialAsync(key.SecretHash));
        Assert.False(await Store.RevokeCredentialAsync(tenant.Id, Guid.NewGuid(), at));
    }

    [Fact]
    public async Task A_tenant_cannot_revoke_another_tenants_credential()
    {
        var (a, b) = (NewTenant(), NewTenant());
        var key = NewCredential(a.Id);
        await Store.AddCredentialAsync(key);

        Assert.False(await Store.RevokeCredentialAsync(b.Id, key.Id, Now));

        Assert.Null((await Store.FindCredentialAsync(key.SecretHash))!.RevokedAt);
    }

    [Fact]
    public async Task Policy_versions_advance_only_from_the_expected_version()
    {
        var tenant = NewTenant();
        Assert.Null(await Store.GetPolicyAsync(tenant.Id));
        var first = new PolicyRecord(tenant.Id, 1, new TenantPolicy(), Now);
        var second = new PolicyRecord(tenant.Id, 2, new TenantPolicy
        {
            CollectionOn = false,
            Levels = [DataLevel.Required, DataLevel.Optional],
            Categories = [DataCategory.ProductAndServiceUsage],
            RetentionDays = 30,
            UploadIntervalSeconds = 300,
        }, Now.AddMinutes(3));

        Assert.True(await Store.SavePolicyAsync(first, 0));
        Assert.False(await Store.SavePolicyAsync(first, 0));
        Assert.True(await Store.SavePolicyAsync(second, 1));
        Assert.False(await Store.SavePolicyAsync(second with { Version = 2 }, 1));

        var current = await Store.GetPolicyAsync(tenant.Id);
        Assert.NotNull(current);
        Assert.Equal(2, current.Version);
        Assert.Equal(second.ChangedAt, current.ChangedAt);
        Assert.Equal(TenantPolicyJson.Serialize(second.Policy), TenantPolicyJson.Serialize(current.Policy));
        Assert.Null(await Store.GetPolicyAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Policy_saved_with_a_version_that_does_not_follow_the_expected_one_is_refused()
    {
        var tenant = NewTenant();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.SavePolicyAsync(new PolicyRecord(tenant.Id, 5, new TenantPolicy(), Now), 0));
        Assert.Null(await Store.GetPolicyAsync(tenant.Id));
    }

    [Fact]
    public async Task Of_concurrent_policy_changes_from_one_version_exactly_one_wins()
    {
        var tenant = NewTenant();
        await Store.SavePolicyAsync(new PolicyRecord(tenant.Id, 1, new TenantPolicy(), Now), 0);

        var attempts = Enumerable.Range(0, 12).Select(i => Task.Run(() => Store.SavePolicyAsync(
            new PolicyRecord(tenant.Id, 2, new TenantPolicy { RetentionDays = 10 + i }, Now.AddMinutes(i)), 1))).ToArray();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, won => won);
        var winner = Array.IndexOf(outcomes, true);
        Assert.Equal(10 + winner, (await Store.GetPolicyAsync(tenant.Id))!.Policy.RetentionDays);
    }

    [Fact]
    public async Task Audit_reads_back_in_the_order_it_was_appended()
    {
        var (tenant, other) = (Guid.NewGuid(), Guid.NewGuid());
        // Out of time order on purpose: the log's order is the order of appending.
        var records = Enumerable.Range(0, 5).Select(i => new AuditRecord(Guid.NewGuid(), tenant, Now.AddMinutes(i % 2 == 0 ? i : -i),
            "cred-" + i, "owner", "policy.changed", "policy", i == 0 ? null : "{\"v\":" + i + "}", "{\"v\":" + (i + 1) + "}")).ToList();
        foreach (var r in records)
        {
            await Store.AppendAuditAsync(r);
        }

        await Store.AppendAuditAsync(records[0] with { Id = Guid.NewGuid(), TenantId = other });

        Assert.Equal(records, await Read(tenant));
        Assert.Equal(records.Take(2), await Read(tenant, limit: 2));
        Assert.Equal(records.Where(r => r.At >= Now.AddMinutes(2)), await Read(tenant, Now.AddMinutes(2)));
        Assert.Single(await Read(other));
    }

    [Fact]
    public async Task Deleting_a_tenant_removes_its_data_keeps_its_audit_and_records_the_offboarding()
    {
        var (tenant, other) = (NewTenant(), NewTenant());
        await Store.CreateTenantAsync(tenant);
        await Store.CreateTenantAsync(other);
        var device = Guid.NewGuid();
        await Store.AppendAsync([.. TestEvents.Many(tenant.Id, device, 8), .. TestEvents.Many(other.Id, device, 2)]);
        var key = NewCredential(tenant.Id);
        var otherKey = NewCredential(other.Id);
        await Store.AddCredentialAsync(key);
        await Store.AddCredentialAsync(otherKey);
        await Store.SavePolicyAsync(new PolicyRecord(tenant.Id, 1, new TenantPolicy(), Now), 0);
        await Store.SavePolicyAsync(new PolicyRecord(other.Id, 1, new TenantPolicy(), Now), 0);
        var earlier = new AuditRecord(Guid.NewGuid(), tenant.Id, Now, "cli", "operator", "tenant.created", tenant.Id.ToString(), null, null);
        await Store.AppendAuditAsync(earlier);

        Assert.Equal(8, await Store.DeleteTenantAsync(tenant.Id));

        Assert.Null(await Store.GetTenantAsync(tenant.Id));
        Assert.Equal(0, await Store.CountAsync(tenant.Id));
        Assert.Null(await Store.FindCredentialAsync(key.SecretHash));
        Assert.Empty(await Store.ListCredentialsAsync(tenant.Id));
        Assert.Null(await Store.GetPolicyAsync(tenant.Id));
        var audit = await Read(tenant.Id);
        Assert.Equal(2, audit.Count);
        Assert.Equal(earlier, audit[0]);
        Assert.Equal("tenant.deleted", audit[1].Action);
        Assert.Equal(tenant.Id.ToString("D"), audit[1].Target);
        Assert.Equal(8, JsonNode.Parse(audit[1].After!)!["eventsDeleted"]!.GetValue<long>());
        Assert.Equal(tenant.Name, JsonNode.Parse(audit[1].Before!)!["name"]!.GetValue<string>());

        Assert.Equal(other, await Store.GetTenantAsync(other.Id));
        Assert.Equal(2, await Store.CountAsync(other.Id));
        Assert.NotNull(await Store.FindCredentialAsync(otherKey.SecretHash));
        Assert.NotNull(await Store.GetPolicyAsync(other.Id));
    }

    [Fact]
    public async Task Deleted_tenant_name_can_be_used_again()
    {
        var tenant = NewTenant();
        await Store.CreateTenantAsync(tenant);
        await Store.DeleteTenantAsync(tenant.Id);

        var again = tenant with { Id = Guid.NewGuid() };
        await Store.CreateTenantAsync(again);

        Assert.Equal(again, await Store.GetTenantAsync(again.Id));
    }

    private async Task<List<AuditRecord>> Read(Guid tenant, DateTimeOffset? since = null, int limit = 1000)
    {
        var list = new List<AuditRecord>();
        await foreach (var r in Store.ReadAuditAsync(tenant, since, limit))
        {
            list.Add(r);
        }

        return list;
    }
}

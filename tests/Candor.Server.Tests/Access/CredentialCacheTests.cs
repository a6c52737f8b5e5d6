using Candor.Server.Access;
using Candor.Server.Tests.Http;
using Candor.Storage;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Candor.Server.Tests.Access;

/// <summary>The credential cache of <see cref="CredentialResolver"/> against a real store: a spray of unknown tokens
/// must not push valid credentials out, and a full cache gives up its least recently used entries only.</summary>
public sealed class CredentialCacheTests
{
    private static HttpRequest Request(string token)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + token;
        return context.Request;
    }

    [Fact]
    public async Task A_spray_of_random_tokens_does_not_evict_a_valid_credential()
    {
        await using var server = await TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();
        var resolver = new CredentialResolver(server.Store, server.Time, TimeSpan.FromHours(1));
        Assert.NotNull(await resolver.ResolveAsync(Request(tenant.IngestionKey), CredentialKind.Ingestion, default));

        for (var i = 0; i < 10_050; i++)
        {
            Assert.Null(await resolver.ResolveAsync(Request("cik_" + Guid.NewGuid().ToString("N")), CredentialKind.Ingestion, default));
        }

        // Revoked in the store behind the resolver's back: only a cache that kept the credential still answers
        // with it (a flushed one would read the revocation).
        var key = (await server.Store.ListCredentialsAsync(tenant.TenantId)).Single(c => c.Kind == CredentialKind.Ingestion);
        await server.Store.RevokeCredentialAsync(tenant.TenantId, key.Id, server.Time.GetUtcNow());
        Assert.NotNull(await resolver.ResolveAsync(Request(tenant.IngestionKey), CredentialKind.Ingestion, default));
    }

    [Fact]
    public async Task A_full_cache_evicts_the_least_recently_used_credentials()
    {
        await using var server = await TestServer.StartAsync();
        var resolver = new CredentialResolver(server.Store, server.Time, TimeSpan.FromHours(1), capacity: 20);
        var tenants = new List<TenantCredentials>();
        for (var i = 0; i < 21; i++)
        {
            tenants.Add(await server.CreateTenantAsync());
        }

        var kept = tenants[0];
        foreach (var tenant in tenants.Take(20))
        {
            Assert.NotNull(await resolver.ResolveAsync(Request(tenant.AdminToken), CredentialKind.Admin, default));
            server.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.NotNull(await resolver.ResolveAsync(Request(kept.AdminToken), CredentialKind.Admin, default)); // used again: now the most recent
        server.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await resolver.ResolveAsync(Request(tenants[20].AdminToken), CredentialKind.Admin, default)); // the 21st: over capacity

        Assert.InRange(resolver.KnownCount, 18, 20);
        Assert.True(resolver.WasValid(kept.AdminToken));
        Assert.True(resolver.WasValid(tenants[20].AdminToken));
        Assert.False(resolver.WasValid(tenants[1].AdminToken)); // the least recently used went first
    }
}

using System.Net;
using Candor.Server.Tests.Http;
using Xunit;

namespace Candor.Server.Tests.Admin;

/// <summary>Each role against every admin endpoint: what it must be refused (403), what it may do, and that the
/// audit log has no way to be edited.</summary>
public sealed class AdminRoleTests
{
    private const string Owner = "owner";
    private const string Officer = "privacy_officer";
    private const string Analyst = "analyst";

    /// <summary>Every admin endpoint of issue 5 and the roles that may use it, written out rather than read from
    /// <c>AdminAccess</c>, so that a change to the role table has to change this test too.</summary>
    private static readonly (HttpMethod Method, string Path, string? Body, string[] Allowed)[] Endpoints =
    [
        (HttpMethod.Get, "/v1/admin/policy", null, [Owner, Officer]),
        (HttpMethod.Put, "/v1/admin/policy", "{}", [Owner, Officer]),
        (HttpMethod.Get, "/v1/admin/devices/{device}/events", null, [Owner, Officer]),
        (HttpMethod.Get, "/v1/admin/devices/{device}/viewer", null, [Owner, Officer]),
        (HttpMethod.Delete, "/v1/admin/devices/{device}", null, [Owner, Officer]),
        (HttpMethod.Post, "/v1/admin/deletions", """{"product":"test.nothing"}""", [Owner, Officer]),
        (HttpMethod.Get, "/v1/admin/export", null, [Owner, Officer]),
        (HttpMethod.Get, "/v1/admin/export?format=parquet", null, [Owner, Officer]),
        (HttpMethod.Get, "/v1/admin/audit", null, [Owner, Officer]),
        (HttpMethod.Get, "/v1/admin/inventory", null, [Owner, Officer]),
        (HttpMethod.Delete, "/v1/admin/tenant", null, [Owner]),
        (HttpMethod.Get, "/v1/admin/credentials", null, [Owner]),
        (HttpMethod.Get, "/v1/admin/catalog", null, [Owner, Officer, Analyst]),
        (HttpMethod.Delete, "/v1/admin/credentials/0190f3a4-5b6c-7d8e-9f01-23456789abcd", null, [Owner]),
    ];

    [Fact]
    public async Task Each_role_is_refused_with_403_exactly_the_admin_endpoints_it_may_not_use()
    {
        await using var server = await TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();
        var device = Guid.NewGuid();
        var tokens = new Dictionary<string, string>
        {
            [Owner] = tenant.AdminToken,
            [Officer] = (await AdminClient.IssueAsync(server, tenant.TenantId, Officer)).Secret,
            [Analyst] = (await AdminClient.IssueAsync(server, tenant.TenantId, Analyst)).Secret,
        };
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(tenant.IngestionKey, Events.Batch(AdminClient.Event(device)))).StatusCode);

        var failures = new List<string>();
        foreach (var (method, template, body, allowed) in Endpoints)
        {
            var path = template.Replace("{device}", device.ToString(), StringComparison.Ordinal);
            foreach (var (role, token) in tokens)
            {
                using var response = await server.SendAsync(method, path, token, body);
                var refused = response.StatusCode == HttpStatusCode.Forbidden;
                if (refused == allowed.Contains(role))
                {
                    failures.Add($"{role} {method} {path}: {(int)response.StatusCode}");
                }

                if (refused)
                {
                    Assert.Equal("forbidden", await AdminClient.ProblemCodeAsync(response));
                }
            }

            foreach (var credential in new[] { null, tenant.IngestionKey, "not-a-token" })
            {
                using var response = await server.SendAsync(method, path, credential, body);
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{credential ?? "no token"} {method} {path}: {(int)response.StatusCode}");
                }
            }
        }

        Assert.Empty(failures);
        // The analyst was refused everything: no export, view or deletion in its name. Owner and officer each erased.
        var audit = new List<Storage.AuditRecord>();
        await foreach (var record in server.Store.ReadAuditAsync(tenant.TenantId))
        {
            audit.Add(record);
        }

        // The analyst read the catalog (its one admin endpoint, so it signed in) and did nothing else in its name.
        Assert.DoesNotContain(audit, r => r.ActorRole == Analyst && r.Action != "admin.signed_in");
        Assert.Equal([Owner, Officer], audit.Where(r => r.Action == "device.deleted").Select(r => r.ActorRole));
    }

    [Fact]
    public async Task A_token_of_one_tenant_never_reaches_another_tenants_device_of_the_same_id()
    {
        await using var server = await TestServer.StartAsync();
        var a = await server.CreateTenantAsync();
        var b = await server.CreateTenantAsync();
        var device = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(b.IngestionKey, Events.Batch(AdminClient.Event(device), AdminClient.Event(device)))).StatusCode);

        Assert.Empty(await AdminClient.LinesAsync(server, $"/v1/admin/devices/{device}/events", a.AdminToken));
        Assert.Empty(await AdminClient.LinesAsync(server, "/v1/admin/export", a.AdminToken));
        using (var viewer = await server.SendAsync(HttpMethod.Get, $"/v1/admin/devices/{device}/viewer", a.AdminToken))
        {
            Assert.Empty((await TestServer.JsonAsync(viewer))["events"]!.AsArray());
        }

        using (var delete = await server.SendAsync(HttpMethod.Delete, $"/v1/admin/devices/{device}", a.AdminToken))
        {
            Assert.Equal(0, (await TestServer.JsonAsync(delete))["eventsRemoved"]!.GetValue<long>());
        }

        using (var bulk = await server.SendAsync(HttpMethod.Post, "/v1/admin/deletions", a.AdminToken, $$"""{"product":"{{TestCatalogs.Product}}"}"""))
        {
            Assert.Equal(0, (await TestServer.JsonAsync(bulk))["eventsRemoved"]!.GetValue<long>());
        }

        using (var inventory = await server.SendAsync(HttpMethod.Get, "/v1/admin/inventory", a.AdminToken))
        {
            Assert.Empty((await TestServer.JsonAsync(inventory))["groups"]!.AsArray());
        }

        // Offboarding takes the tenant from the token, never from the request: B's id as confirmation is refused.
        using (var offboard = await server.SendAsync(HttpMethod.Delete, $"/v1/admin/tenant?confirm={b.TenantId}", a.AdminToken))
        {
            Assert.Equal(HttpStatusCode.BadRequest, offboard.StatusCode);
        }

        using (var audit = await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", a.AdminToken))
        {
            Assert.DoesNotContain(await TestServer.JsonAsync2(audit), r => r!["target"]!.GetValue<string>() == b.TenantId.ToString());
        }

        Assert.Equal(2, (await AdminClient.LinesAsync(server, $"/v1/admin/devices/{device}/events", b.AdminToken)).Count);
        Assert.Equal(2, await server.Store.CountAsync(b.TenantId));
    }

    [Fact]
    public async Task The_audit_log_cannot_be_edited_or_deleted_through_the_api()
    {
        await using var server = await TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();
        using (var first = await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", tenant.AdminToken))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var before = await ReadAuditAsync(server, tenant.AdminToken);
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Post, HttpMethod.Patch })
        {
            using var response = await server.SendAsync(method, "/v1/admin/audit", tenant.AdminToken, "[]");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }

        var id = before.First()!["id"]!.GetValue<string>();
        using (var one = await server.SendAsync(HttpMethod.Delete, $"/v1/admin/audit/{id}", tenant.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, one.StatusCode);
        }

        Assert.Equal(before.ToJsonString(), (await ReadAuditAsync(server, tenant.AdminToken)).ToJsonString());
    }

    private static async Task<System.Text.Json.Nodes.JsonArray> ReadAuditAsync(TestServer server, string token)
    {
        using var response = await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", token);
        return await TestServer.JsonAsync2(response);
    }
}

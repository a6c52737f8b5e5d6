using System.Net;
using System.Text.Json.Nodes;
using Candor.Server.Tests.Http;
using DuckDB.NET.Data;
using Xunit;

namespace Candor.Server.Tests.Admin;

/// <summary>Every administrator control of issue 5, end to end against a running collector (Kestrel on 127.0.0.1),
/// on DuckDB and on PostgreSQL: the same scenario, then the audit log must show every administrative action the
/// scenario took.</summary>
public sealed class PrivacyControlsTests
{
    private const string Performance = "product_and_service_performance";
    private const string Setup = "software_setup_and_inventory";

    [Fact]
    public async Task Every_admin_control_works_end_to_end_on_duckdb_and_the_audit_log_shows_every_action()
    {
        await using var server = await TestServer.StartAsync();
        await RunScenarioAsync(server);
    }

    [PostgresFact]
    public async Task Every_admin_control_works_end_to_end_on_postgres_and_the_audit_log_shows_every_action()
    {
        await using var database = await PostgresScratch.CreateAsync();
        await using var server = await TestServer.StartAsync(o => o.Store = database.Url);
        await RunScenarioAsync(server);
    }

    private static async Task RunScenarioAsync(TestServer server)
    {
        var a = await server.CreateTenantAsync();
        var b = await server.CreateTenantAsync();
        var officer = await AdminClient.IssueAsync(server, a.TenantId, "privacy_officer");
        // The same device id in both tenants: nothing of A's may ever touch B's.
        var device = Guid.NewGuid();
        var neighbour = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(a.IngestionKey, Events.Batch(
            AdminClient.Event(device), AdminClient.Event(device), AdminClient.Event(device),
            AdminClient.Event(device, "app.install.completed"),
            AdminClient.Event(device, product: TestCatalogs.OtherProduct),
            AdminClient.Event(neighbour)))).StatusCode);
        var ofB = Events.Batch(AdminClient.Event(device), AdminClient.Event(device));
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(b.IngestionKey, ofB)).StatusCode);
        Assert.Equal(6, await server.Store.CountAsync(a.TenantId));

        // Policy: the owner shortens retention.
        using (var put = await server.SendAsync(HttpMethod.Put, "/v1/admin/policy", a.AdminToken,
            """{"collection":"on","levels":["required"],"categories":["device_connectivity_and_configuration","product_and_service_performance","product_and_service_usage","software_setup_and_inventory"],"retentionDays":60,"uploadIntervalSeconds":60}"""))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        // Export of one device: complete by default, filterable and paged for viewing.
        var export = await AdminClient.LinesAsync(server, $"/v1/admin/devices/{device}/events", officer.Secret);
        Assert.Equal(5, export.Count);
        Assert.All(export, e => Assert.Equal(device.ToString(), e["device"]!["id"]!.GetValue<string>()));
        Assert.Equal(4, export.Count(e => e["data"]!["durationMs"]?.GetValue<int>() == 1840));
        var setup = await AdminClient.LinesAsync(server, $"/v1/admin/devices/{device}/events?category={Setup}", officer.Secret);
        Assert.Equal("app.install.completed", Assert.Single(setup)["name"]!.GetValue<string>());
        Assert.Single(await AdminClient.LinesAsync(server, $"/v1/admin/devices/{device}/events?limit=2&offset=4&level=required", officer.Secret));
        foreach (var bad in new[] { "level=loud", "category=music", "limit=0", "offset=-1", "from=yesterday", "from=2026-11-02&to=2026-11-01", "colour=red" })
        {
            using var response = await server.SendAsync(HttpMethod.Get, $"/v1/admin/devices/{device}/events?{bad}", officer.Secret);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_query", await AdminClient.ProblemCodeAsync(response));
        }

        using (var badDevice = await server.SendAsync(HttpMethod.Get, "/v1/admin/devices/not-a-device/events", officer.Secret))
        {
            Assert.Equal("invalid_device_id", await AdminClient.ProblemCodeAsync(badDevice));
        }

        // The viewer explains each event and field from the catalog.
        using (var viewer = await server.SendAsync(HttpMethod.Get, $"/v1/admin/devices/{device}/viewer?category={Performance}", officer.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, viewer.StatusCode);
            var events = (await TestServer.JsonAsync(viewer))["events"]!.AsArray();
            Assert.Equal(4, events.Count);
            var first = events[0]!;
            Assert.Equal(("required", Performance), (first["level"]!.GetValue<string>(), first["category"]!.GetValue<string>()));
            var duration = first["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "durationMs")!;
            Assert.Equal(("numeric", 1840), (duration["classification"]!.GetValue<string>(), duration["value"]!.GetValue<int>()));
        }

        using (var tooMany = await server.SendAsync(HttpMethod.Get, $"/v1/admin/devices/{device}/viewer?limit=5001", officer.Secret))
        {
            Assert.Equal("invalid_query", await AdminClient.ProblemCodeAsync(tooMany));
        }

        // The inventory: per product and category, with 30 days, devices, fields and retention.
        using (var inventoryResponse = await server.SendAsync(HttpMethod.Get, "/v1/admin/inventory", officer.Secret))
        {
            var inventory = await TestServer.JsonAsync(inventoryResponse);
            Assert.Equal(60, inventory["retentionDays"]!.GetValue<int>());
            var groups = inventory["groups"]!.AsArray();
            var perf = groups.Single(g => g!["product"]!.GetValue<string>() == TestCatalogs.Product && g["category"]!.GetValue<string>() == Performance)!;
            Assert.Equal((4L, 2L), (perf["events"]!.GetValue<long>(), perf["devices"]!.GetValue<long>()));
            Assert.Equal(30, perf["eventsPerDay"]!.AsArray().Count);
            Assert.Equal(4, perf["eventsPerDay"]!.AsArray()[^1]!["events"]!.GetValue<long>());
            var install = groups.Single(g => g!["category"]!.GetValue<string>() == Setup)!["eventTypes"]!.AsArray().Single()!;
            Assert.Equal(7, install["retentionDays"]!.GetValue<int>());
            var sync = perf["eventTypes"]!.AsArray().Single()!;
            Assert.Contains(sync["fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "userRef"
                && f["classification"]!.GetValue<string>() == "pseudonymous_identifier");
        }

        // Tenant-wide export, both formats.
        Assert.Equal(6, (await AdminClient.LinesAsync(server, "/v1/admin/export", a.AdminToken)).Count);
        using (var parquet = await server.SendAsync(HttpMethod.Get, "/v1/admin/export?format=parquet", a.AdminToken))
        {
            Assert.Equal(HttpStatusCode.OK, parquet.StatusCode);
            var file = Path.Combine(Directory.CreateDirectory(server.Folder).FullName, "export.parquet");
            await File.WriteAllBytesAsync(file, await parquet.Content.ReadAsByteArrayAsync());
            using var connection = new DuckDBConnection("Data Source=:memory:");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*), count(DISTINCT tenant_id), min(tenant_id::VARCHAR) FROM read_parquet('{file}')";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal((6L, 1L, a.TenantId.ToString()), (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
        }

        // Bulk deletion by product; an empty selection is refused.
        using (var bulk = await server.SendAsync(HttpMethod.Post, "/v1/admin/deletions", officer.Secret, $$"""{"product":"{{TestCatalogs.OtherProduct}}"}"""))
        {
            Assert.Equal(1, (await TestServer.JsonAsync(bulk))["eventsRemoved"]!.GetValue<long>());
        }

        using (var empty = await server.SendAsync(HttpMethod.Post, "/v1/admin/deletions", officer.Secret, "{}"))
        {
            Assert.Equal("invalid_deletion", await AdminClient.ProblemCodeAsync(empty));
        }

        // Erasure of the device: a receipt per table, idempotent, and nothing left to export; tenant B untouched.
        using (var delete = await server.SendAsync(HttpMethod.Delete, $"/v1/admin/devices/{device}", officer.Secret))
        {
            var receipt = await TestServer.JsonAsync(delete);
            Assert.Equal((device.ToString(), 4L), (receipt["deviceId"]!.GetValue<string>(), receipt["eventsRemoved"]!.GetValue<long>()));
            Assert.Equal(4, receipt["tables"]!["events"]!.GetValue<long>());
        }

        using (var again = await server.SendAsync(HttpMethod.Delete, $"/v1/admin/devices/{device}", officer.Secret))
        {
            Assert.Equal(0, (await TestServer.JsonAsync(again))["eventsRemoved"]!.GetValue<long>());
        }

        Assert.Empty(await AdminClient.LinesAsync(server, $"/v1/admin/devices/{device}/events", officer.Secret));
        Assert.Single(await AdminClient.LinesAsync(server, $"/v1/admin/devices/{neighbour}/events", officer.Secret));
        Assert.Equal(2, (await AdminClient.LinesAsync(server, $"/v1/admin/devices/{device}/events", b.AdminToken)).Count);

        // The audit log (read by the privacy officer) shows every administrative action above, by whom.
        using (var auditResponse = await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", officer.Secret))
        {
            var audit = (await TestServer.JsonAsync2(auditResponse)).Select(r => r!.AsObject()).ToList();
            int Count(string action, string? actor = null) =>
                audit.Count(r => r["action"]!.GetValue<string>() == action && (actor is null || r["actorId"]!.GetValue<string>() == actor));
            Assert.Equal(1, Count("tenant.created"));
            // The tenant's ingestion key and owner token at creation, then the privacy officer's token.
            Assert.Equal(3, Count("credential.issued"));
            Assert.Equal(1, Count("admin.signed_in", officer.Id));
            Assert.Equal(2, Count("admin.signed_in"));
            Assert.Equal(1, Count("policy.changed"));
            Assert.Equal(5, Count("device.exported", officer.Id));
            Assert.Equal(1, Count("device.viewed", officer.Id));
            Assert.Equal(2, Count("tenant.exported"));
            Assert.Equal(1, Count("events.deleted", officer.Id));
            Assert.Equal(2, Count("device.deleted", officer.Id));
            var policy = audit.Single(r => r["action"]!.GetValue<string>() == "policy.changed");
            Assert.Equal(("owner", 90, 60), (policy["actorRole"]!.GetValue<string>(), policy["before"]!["retentionDays"]!.GetValue<int>(),
                policy["after"]!["retentionDays"]!.GetValue<int>()));
            var erasure = audit.First(r => r["action"]!.GetValue<string>() == "device.deleted");
            Assert.Equal(("privacy_officer", device.ToString(), 4), (erasure["actorRole"]!.GetValue<string>(), erasure["target"]!.GetValue<string>(),
                erasure["after"]!["eventsRemoved"]!.GetValue<int>()));
            Assert.Equal(audit.Count, audit.Select(r => r["id"]!.GetValue<string>()).Distinct().Count());
            Assert.Equal(18, audit.Count);
        }

        // Offboarding of B by its owner: confirmation required, then nothing of B is left but its audit log.
        using (var unconfirmed = await server.SendAsync(HttpMethod.Delete, "/v1/admin/tenant", b.AdminToken))
        {
            Assert.Equal("confirmation_required", await AdminClient.ProblemCodeAsync(unconfirmed));
        }

        using (var offboard = await server.SendAsync(HttpMethod.Delete, $"/v1/admin/tenant?confirm={b.TenantId}", b.AdminToken))
        {
            Assert.Equal(2, (await TestServer.JsonAsync(offboard))["eventsRemoved"]!.GetValue<long>());
        }

        Assert.Equal(0, await server.Store.CountAsync(b.TenantId));
        Assert.Null(await server.Store.GetTenantAsync(b.TenantId));
        using (var gone = await server.SendAsync(HttpMethod.Get, "/v1/admin/policy", b.AdminToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, gone.StatusCode);
        }

        var kept = new List<string>();
        await foreach (var record in server.Store.ReadAuditAsync(b.TenantId))
        {
            kept.Add(record.Action);
        }

        Assert.Equal(["credential.issued", "credential.issued", "tenant.created", "admin.signed_in", "device.exported", "tenant.offboarding_requested", "tenant.deleted"], kept);
        Assert.Equal(1, await server.Store.CountAsync(a.TenantId));
    }
}

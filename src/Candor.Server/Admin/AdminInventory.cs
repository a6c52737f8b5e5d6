using System.Text.Json.Nodes;
using Candor.Core.Catalog;
using Candor.Core.Model;
using Candor.Server.Access;
using Candor.Server.Catalogs;
using Candor.Server.TenantPolicies;
using Candor.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Candor.Server.Admin;

/// <summary><c>GET /v1/admin/inventory</c>: the data inventory behind the privacy dashboard. Per product and
/// category: events per day received (the last 30 UTC days, every day listed), distinct devices, the last receipt,
/// the events and the fields they collect with their classifications (from the family's compiled catalog), and
/// the retention that applies (the tenant's, capped by the family's maximum; shorter for a definition that says
/// so).</summary>
internal static class AdminInventory
{
    public const int Days = 30;

    public static async Task WriteAsync(HttpContext context, Principal principal, [FromServices] ICandorStore store,
        [FromServices] PolicyService policies, [FromServices] CatalogRegistry catalogs, [FromServices] TimeProvider time)
    {
        if (AdminQuery.Unknown(context.Request.Query) is { } unknown)
        {
            await Http.Problems.WriteAsync(context, 400, "invalid_query", unknown);
            return;
        }

        var tenant = principal.Tenant;
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = today.AddDays(-(Days - 1));
        var inventory = await store.ReadInventoryAsync(tenant.Id, new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            context.RequestAborted);
        var policy = (await policies.GetAsync(tenant, context.RequestAborted)).Policy;
        var tenantDays = Math.Min(policy.RetentionDays, policies.FamilyMaxRetentionDays(tenant.Family));
        var catalog = catalogs.TryGet(tenant.Family, out var index) ? index.Catalog : null;
        var definitions = catalog?.Events.ToDictionary(e => e.Name, StringComparer.Ordinal) ?? [];

        var groups = new JsonArray();
        foreach (var g in inventory.Groups)
        {
            var perDay = inventory.Days.Where(d => d.Product == g.Product && d.Category == g.Category).ToDictionary(d => d.Day, d => d.Events);
            var days = new JsonArray();
            for (var day = first; day <= today; day = day.AddDays(1))
            {
                days.Add(new JsonObject { ["day"] = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["events"] = perDay.GetValueOrDefault(day) });
            }

            var events = new JsonArray();
            foreach (var n in inventory.Names.Where(n => n.Product == g.Product && n.Category == g.Category))
            {
                definitions.TryGetValue(n.Name, out var definition);
                events.Add(new JsonObject
                {
                    ["name"] = n.Name,
                    ["description"] = definition?.Description ?? "Not in the current catalog.",
                    ["events"] = n.Events,
                    ["retentionDays"] = Retention(tenantDays, definition),
                    ["fields"] = Fields(definition?.Fields ?? []),
                });
            }

            groups.Add(new JsonObject
            {
                ["product"] = g.Product,
                ["category"] = g.Category.ToWire(),
                ["categoryName"] = g.Category.DisplayName(),
                ["events"] = g.Events,
                ["devices"] = g.Devices,
                ["lastReceived"] = g.LastReceived,
                ["retentionDays"] = tenantDays,
                ["eventsPerDay"] = days,
                ["eventTypes"] = events,
            });
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["tenantId"] = tenant.Id,
            ["tenant"] = tenant.Name,
            ["family"] = tenant.Family,
            ["generatedAt"] = now,
            ["collection"] = policy.CollectionOn ? "on" : "off",
            ["retentionDays"] = tenantDays,
            ["envelopeFields"] = Fields(catalog?.CommonFields ?? []),
            ["groups"] = groups,
        }, context.RequestAborted);
    }

    /// <summary>The shorter of the tenant's retention and the definition's own (0 means none of its own).</summary>
    public static int Retention(int tenantDays, EventDefinition? definition) =>
        definition is { RetentionDays: > 0 } d ? Math.Min(tenantDays, d.RetentionDays) : tenantDays;

    private static JsonArray Fields(IReadOnlyList<FieldDefinition> fields)
    {
        var array = new JsonArray();
        foreach (var f in fields)
        {
            array.Add(new JsonObject
            {
                ["name"] = f.WireName ?? f.Name,
                ["type"] = f.Type.ToWire(),
                ["classification"] = f.Classification.ToWire(),
                ["description"] = f.Description,
            });
        }

        return array;
    }
}

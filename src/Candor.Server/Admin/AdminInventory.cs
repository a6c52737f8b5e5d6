using System.Globalization;
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

/// <summary>The data inventory of a tenant: what it has stored and under which rule.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="GeneratedAt">When it was read.</param>
/// <param name="CollectionOn">Whether the tenant's policy collects at all.</param>
/// <param name="RetentionDays">The tenant's retention (capped by the family's maximum).</param>
/// <param name="EnvelopeFields">The fields every event carries, from the catalog.</param>
/// <param name="Groups">Per product and category.</param>
/// <param name="FirstDay">The first day of the per-day counts (UTC).</param>
/// <param name="LastDay">The last day of the per-day counts (today, UTC).</param>
internal sealed record InventoryReport(TenantRecord Tenant, DateTimeOffset GeneratedAt, bool CollectionOn, int RetentionDays,
    IReadOnlyList<FieldDefinition> EnvelopeFields, IReadOnlyList<InventoryReportGroup> Groups, DateOnly FirstDay, DateOnly LastDay)
{
    /// <summary>Stored events per event name, over every product and category.</summary>
    public IReadOnlyDictionary<string, long> StoredByEvent() =>
        Groups.SelectMany(g => g.EventTypes).GroupBy(e => e.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Events), StringComparer.Ordinal);
}

/// <summary>The stored events of one product and category.</summary>
internal sealed record InventoryReportGroup(InventoryGroup Stored, int RetentionDays, IReadOnlyList<InventoryDay> EventsPerDay,
    IReadOnlyList<InventoryReportEvent> EventTypes);

/// <summary>One event name stored in a product and category, with its catalog definition (null when the current
/// catalog has none) and the retention that applies to it.</summary>
internal sealed record InventoryReportEvent(string Name, EventDefinition? Definition, string Description, long Events, int RetentionDays);

/// <summary><c>GET /v1/admin/inventory</c>: the data inventory behind the privacy dashboard. Per product and
/// category: events per day received (the last 30 UTC days, every day listed), distinct devices, the last receipt,
/// the events and the fields they collect with their classifications (from the family's compiled catalog), and
/// the retention that applies (the tenant's, capped by the family's maximum; shorter for a definition that says
/// so). <see cref="ReadAsync"/> also serves the console's privacy dashboard.</summary>
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

        var report = await ReadAsync(principal, store, policies, catalogs, time, context.RequestAborted);
        var groups = new JsonArray();
        foreach (var g in report.Groups)
        {
            var days = new JsonArray();
            foreach (var day in g.EventsPerDay)
            {
                days.Add(new JsonObject { ["day"] = day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["events"] = day.Events });
            }

            var events = new JsonArray();
            foreach (var e in g.EventTypes)
            {
                events.Add(new JsonObject
                {
                    ["name"] = e.Name,
                    ["description"] = e.Description,
                    ["events"] = e.Events,
                    ["retentionDays"] = e.RetentionDays,
                    ["fields"] = Fields(e.Definition?.Fields ?? []),
                });
            }

            groups.Add(new JsonObject
            {
                ["product"] = g.Stored.Product,
                ["category"] = g.Stored.Category.ToWire(),
                ["categoryName"] = g.Stored.Category.DisplayName(),
                ["events"] = g.Stored.Events,
                ["devices"] = g.Stored.Devices,
                ["lastReceived"] = g.Stored.LastReceived,
                ["retentionDays"] = g.RetentionDays,
                ["eventsPerDay"] = days,
                ["eventTypes"] = events,
            });
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["tenantId"] = report.Tenant.Id,
            ["tenant"] = report.Tenant.Name,
            ["family"] = report.Tenant.Family,
            ["generatedAt"] = report.GeneratedAt,
            ["collection"] = report.CollectionOn ? "on" : "off",
            ["retentionDays"] = report.RetentionDays,
            ["envelopeFields"] = Fields(report.EnvelopeFields),
            ["groups"] = groups,
        }, context.RequestAborted);
    }

    /// <summary>Reads the inventory of the principal's tenant (only that tenant's rows: the store's query takes it).</summary>
    public static async Task<InventoryReport> ReadAsync(Principal principal, IDataRightsStore store, PolicyService policies, CatalogRegistry catalogs,
        TimeProvider time, CancellationToken ct)
    {
        var tenant = principal.Tenant;
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = today.AddDays(-(Days - 1));
        var inventory = await store.ReadInventoryAsync(tenant.Id, new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ct);
        var policy = (await policies.GetAsync(tenant, ct)).Policy;
        var tenantDays = Math.Min(policy.RetentionDays, policies.FamilyMaxRetentionDays(tenant.Family));
        var catalog = catalogs.TryGet(tenant.Family, out var index) ? index.Catalog : null;
        var definitions = catalog?.Events.ToDictionary(e => e.Name, StringComparer.Ordinal) ?? [];

        var groups = new List<InventoryReportGroup>();
        foreach (var g in inventory.Groups)
        {
            var perDay = inventory.Days.Where(d => d.Product == g.Product && d.Category == g.Category).ToDictionary(d => d.Day, d => d.Events);
            var days = new List<InventoryDay>();
            for (var day = first; day <= today; day = day.AddDays(1))
            {
                days.Add(new InventoryDay(g.Product, g.Category, day, perDay.GetValueOrDefault(day)));
            }

            var events = new List<InventoryReportEvent>();
            foreach (var n in inventory.Names.Where(n => n.Product == g.Product && n.Category == g.Category))
            {
                definitions.TryGetValue(n.Name, out var definition);
                events.Add(new InventoryReportEvent(n.Name, definition, definition?.Description ?? DeviceViewer.NotInCatalog, n.Events,
                    Retention(tenantDays, definition)));
            }

            groups.Add(new InventoryReportGroup(g, tenantDays, days, events));
        }

        return new InventoryReport(tenant, now, policy.CollectionOn, tenantDays, catalog?.CommonFields ?? [], groups, first, today);
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

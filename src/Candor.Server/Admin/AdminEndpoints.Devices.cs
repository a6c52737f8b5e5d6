using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Candor.Core.Model;
using Candor.Server.Access;
using Candor.Server.Catalogs;
using Candor.Server.Http;
using Candor.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Candor.Server.Admin;

// One device's data: export, viewer and erasure.
internal static partial class AdminEndpoints
{
    private const int ViewerDefaultLimit = 500;
    private const int ViewerMaxLimit = 5000;

    /// <summary>The device's events as JSON lines (also the console's download, which names the file first).</summary>
    internal static async Task ExportDeviceAsync(HttpContext context, string deviceId, Principal principal, [FromServices] ICandorStore store,
        [FromServices] AuditLog audit)
    {
        if (await DeviceIdAsync(context, deviceId) is not { } device)
        {
            return;
        }

        var filter = AdminQuery.Filter(context.Request.Query, null, out var error);
        if (filter is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_query", error!);
            return;
        }

        var written = new StrongBox<long>();
        var completed = false;
        try
        {
            await EventExport.WriteJsonLinesAsync(context, store.ReadDeviceEventsAsync(principal.Tenant.Id, device, filter, context.RequestAborted), written);
            completed = true;
        }
        finally
        {
            // Also when the download broke off: what was sent was disclosed.
            await audit.RecordAsync(principal, "device.exported", device.ToString("D"), null,
                new { events = written.Value, completed, filter = context.Request.QueryString.Value ?? "" }, CancellationToken.None);
        }
    }

    private static async Task ViewDeviceAsync(HttpContext context, string deviceId, Principal principal, [FromServices] ICandorStore store,
        [FromServices] CatalogRegistry catalogs, [FromServices] AuditLog audit)
    {
        if (await DeviceIdAsync(context, deviceId) is not { } device)
        {
            return;
        }

        var filter = AdminQuery.Filter(context.Request.Query, ViewerDefaultLimit, out var error);
        if (filter is not null && filter.Limit > ViewerMaxLimit)
        {
            // The viewer's answer is one JSON document built in memory; the export streams any size.
            (filter, error) = (null, $"limit must be at most {ViewerMaxLimit} for the viewer; page with offset, or use the export.");
        }

        if (filter is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_query", error!);
            return;
        }

        var catalog = catalogs.TryGet(principal.Tenant.Family, out var index) ? index.Catalog : null;
        var events = new JsonArray();
        await foreach (var viewed in DeviceViewer.ReadAsync(store, catalog, principal.Tenant.Id, device, filter, context.RequestAborted))
        {
            var e = viewed.Event;
            var fields = new JsonArray();
            foreach (var field in viewed.Fields)
            {
                fields.Add(new JsonObject
                {
                    ["name"] = field.Name,
                    ["value"] = JsonNode.Parse(field.RawValue),
                    ["description"] = field.Description,
                    ["classification"] = field.Classification,
                    ["type"] = field.Type,
                });
            }

            events.Add(new JsonObject
            {
                ["eventId"] = e.EventId,
                [EnvelopeNames.Name] = e.Name,
                ["description"] = viewed.Description,
                ["level"] = e.Level.ToWire(),
                ["category"] = e.Category.ToWire(),
                ["categoryName"] = e.Category.DisplayName(),
                [EnvelopeNames.Product] = e.Product,
                [EnvelopeNames.AppVersion] = e.AppVersion,
                [EnvelopeNames.Time] = e.Time,
                ["receivedAt"] = e.ReceivedAt,
                [EnvelopeNames.Device] = new JsonObject
                {
                    [EnvelopeNames.Class] = e.DeviceClass, [EnvelopeNames.Os] = e.Os, [EnvelopeNames.OsVersion] = e.OsVersion,
                    [EnvelopeNames.Arch] = e.Arch, [EnvelopeNames.Locale] = e.Locale,
                },
                ["fields"] = fields,
            });
        }

        var document = new JsonObject
        {
            ["deviceId"] = device,
            ["tenantId"] = principal.Tenant.Id,
            ["family"] = principal.Tenant.Family,
            ["limit"] = filter.Limit,
            ["offset"] = filter.Offset,
            ["events"] = events,
        };
        await audit.RecordAsync(principal, "device.viewed", device.ToString("D"), null,
            new { events = events.Count, filter = context.Request.QueryString.Value ?? "" }, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(document, context.RequestAborted);
    }

    private static async Task DeleteDeviceAsync(HttpContext context, string deviceId, Principal principal, [FromServices] ICandorStore store,
        [FromServices] AuditLog audit, [FromServices] TimeProvider time)
    {
        if (await DeviceIdAsync(context, deviceId) is not { } device)
        {
            return;
        }

        var receipt = await EraseDeviceAsync(principal, device, store, audit, time, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(receipt, context.RequestAborted);
    }

    /// <summary>Erases one device of the principal's tenant from every device-keyed table and audits the receipt as
    /// <c>device.deleted</c>: the API's deletion and the console's.</summary>
    internal static async Task<DeviceReceipt> EraseDeviceAsync(Principal principal, Guid device, ICandorStore store, AuditLog audit, TimeProvider time,
        CancellationToken ct)
    {
        var tables = await store.EraseDeviceAsync(principal.Tenant.Id, device, ct);
        var receipt = new DeviceReceipt(device, tables.TryGetValue("events", out var events) ? events : 0, tables, time.GetUtcNow());
        await audit.RecordAsync(principal, "device.deleted", device.ToString("D"), null, receipt, CancellationToken.None);
        return receipt;
    }

    /// <summary>The receipt of a device erasure: rows removed per device-keyed table.</summary>
    internal sealed record DeviceReceipt(Guid DeviceId, long EventsRemoved, IReadOnlyDictionary<string, long> Tables, DateTimeOffset DeletedAt);
}

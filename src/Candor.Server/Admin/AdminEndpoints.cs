using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Candor.Core.Model;
using Candor.Server.Http;
using Candor.Storage;
using Candor.Storage.DuckDb;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Server.Admin;

/// <summary>The administrator's privacy controls under <c>/v1/admin/</c> (issue 5): per-device export, viewer and
/// erasure, bulk deletion, the tenant-wide export, offboarding, the audit log and the data inventory. Every
/// endpoint checks one <see cref="AdminPermission"/> through <see cref="AdminAccess"/> and acts on the token's
/// own tenant only; every action that reads per-device data or deletes anything is audited.</summary>
internal static class AdminEndpoints
{
    private const string JsonLines = "application/x-ndjson";
    private const int FlushBytes = 64 * 1024;
    private const int ViewerDefaultLimit = 500;
    private const int ViewerMaxLimit = 5000;

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin");
        admin.MapGet("/devices/{deviceId}/events", ExportDeviceAsync)
            .WithName("ExportDeviceEvents")
            .WithSummary("Everything stored for one device as JSON lines, streamed; ?category=&level=&from=&to=&limit=&offset= narrow it for viewing. Audited.")
            .Produces(StatusCodes.Status200OK, contentType: JsonLines)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/devices/{deviceId}/viewer", ViewDeviceAsync)
            .WithName("ViewDeviceEvents")
            .WithSummary("One device's stored events with the catalog's description of each event and field. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapDelete("/devices/{deviceId}", DeleteDeviceAsync)
            .WithName("DeleteDevice")
            .WithSummary("Delete everything stored for one device, from every table; idempotent; answers a receipt. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPost("/deletions", new Func<HttpContext, Task>(BulkDeleteAsync))
            .WithName("BulkDelete")
            .WithSummary("Delete the tenant's events of a product and/or a time range: {\"product\":..., \"from\":..., \"to\":...}. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/export", new Func<HttpContext, Task>(ExportTenantAsync))
            .WithName("ExportTenant")
            .WithSummary("Every event of the tenant, ?format=jsonl (default) or parquet, streamed. Audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapDelete("/tenant", new Func<HttpContext, Task>(OffboardAsync))
            .WithName("OffboardTenant")
            .WithSummary("Delete the tenant and everything it owns (owner only; ?confirm=<tenant id>). The audit log is kept.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/audit", new Func<HttpContext, Task>(ReadAuditAsync))
            .WithName("ReadAudit")
            .WithSummary("The tenant's append-only audit log, oldest first; ?since=&limit=.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/inventory", new Func<HttpContext, Task>(AdminInventory.WriteAsync))
            .WithName("ReadInventory")
            .WithSummary("What the tenant has stored per product and category, the fields and their classifications, and the retention.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task ExportDeviceAsync(HttpContext context, string deviceId)
    {
        if (await AdminAccess.AuthorizeAsync(context, AdminPermission.ReadDeviceData) is not { } principal
            || await DeviceIdAsync(context, deviceId) is not { } device)
        {
            return;
        }

        var filter = AdminQuery.Filter(context.Request.Query, null, out var error);
        if (filter is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_query", error!);
            return;
        }

        var c = Services(context);
        var written = new StrongBox<long>();
        var completed = false;
        try
        {
            await WriteJsonLinesAsync(context, c.Store.ReadDeviceEventsAsync(principal.Tenant.Id, device, filter, context.RequestAborted), written);
            completed = true;
        }
        finally
        {
            // Also when the download broke off: what was sent was disclosed.
            await AdminAudit.RecordAsync(c, principal, "device.exported", device.ToString("D"), null,
                new { events = written.Value, completed, filter = context.Request.QueryString.Value ?? "" }, CancellationToken.None);
        }
    }

    private static async Task ViewDeviceAsync(HttpContext context, string deviceId)
    {
        if (await AdminAccess.AuthorizeAsync(context, AdminPermission.ReadDeviceData) is not { } principal
            || await DeviceIdAsync(context, deviceId) is not { } device)
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

        var c = Services(context);
        var catalog = c.Catalogs.TryGet(principal.Tenant.Family, out var index) ? index.Catalog : null;
        var definitions = catalog?.Events.ToDictionary(e => e.Name, StringComparer.Ordinal) ?? [];
        var events = new JsonArray();
        await foreach (var e in c.Store.ReadDeviceEventsAsync(principal.Tenant.Id, device, filter, context.RequestAborted))
        {
            definitions.TryGetValue(e.Name, out var definition);
            var fields = new JsonArray();
            using (var data = JsonDocument.Parse(e.Data))
            {
                foreach (var property in data.RootElement.EnumerateObject())
                {
                    var field = definition?.Fields.FirstOrDefault(f => f.Name == property.Name);
                    fields.Add(new JsonObject
                    {
                        ["name"] = property.Name,
                        ["value"] = JsonNode.Parse(property.Value.GetRawText()),
                        ["description"] = field?.Description ?? "Not in the current catalog.",
                        ["classification"] = field?.Classification.ToWire(),
                        ["type"] = field?.Type.ToWire(),
                    });
                }
            }

            events.Add(new JsonObject
            {
                ["eventId"] = e.EventId,
                [EnvelopeNames.Name] = e.Name,
                ["description"] = definition?.Description ?? "Not in the current catalog.",
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
        await AdminAudit.RecordAsync(c, principal, "device.viewed", device.ToString("D"), null,
            new { events = events.Count, filter = context.Request.QueryString.Value ?? "" }, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(document, context.RequestAborted);
    }

    private static async Task DeleteDeviceAsync(HttpContext context, string deviceId)
    {
        if (await AdminAccess.AuthorizeAsync(context, AdminPermission.DeleteData) is not { } principal
            || await DeviceIdAsync(context, deviceId) is not { } device)
        {
            return;
        }

        var c = Services(context);
        var tables = await c.Store.EraseDeviceAsync(principal.Tenant.Id, device, context.RequestAborted);
        var receipt = new DeviceReceipt(device, tables.TryGetValue("events", out var events) ? events : 0, tables, c.Time.GetUtcNow());
        await AdminAudit.RecordAsync(c, principal, "device.deleted", device.ToString("D"), null, receipt, CancellationToken.None);
        await context.Response.WriteAsJsonAsync(receipt, context.RequestAborted);
    }

    private static async Task BulkDeleteAsync(HttpContext context)
    {
        if (await AdminAccess.AuthorizeAsync(context, AdminPermission.DeleteData) is not { } principal)
        {
            return;
        }

        var (selection, error) = await ReadDeletionAsync(context);
        if (selection is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_deletion", error!);
            return;
        }

        var c = Services(context);
        var removed = await c.Store.DeleteEventsAsync(principal.Tenant.Id, selection, context.RequestAborted);
        var receipt = new BulkReceipt(Guid.CreateVersion7(c.Time.GetUtcNow()), selection.Product, selection.From, selection.To, removed,
            c.Time.GetUtcNow());
        await AdminAudit.RecordAsync(c, principal, "events.deleted", selection.Product ?? "*", null, receipt, CancellationToken.None);
        await context.Response.WriteAsJsonAsync(receipt, context.RequestAborted);
    }

    private static async Task ExportTenantAsync(HttpContext context)
    {
        if (await AdminAccess.AuthorizeAsync(context, AdminPermission.ReadDeviceData) is not { } principal)
        {
            return;
        }

        var query = context.Request.Query;
        var format = query.TryGetValue("format", out var f) ? f.ToString() : "jsonl";
        var unknown = AdminQuery.Unknown(query, "format");
        if (unknown is not null || format is not ("jsonl" or "parquet"))
        {
            await Problems.WriteAsync(context, 400, "invalid_query", unknown ?? $"format '{format}' must be jsonl or parquet.");
            return;
        }

        var c = Services(context);
        var events = c.Store.ReadTenantEventsAsync(principal.Tenant.Id, context.RequestAborted);
        // The tenant's name is free text: only safe characters go into the header.
        var safe = new string([.. principal.Tenant.Name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_')]);
        var name = string.Create(CultureInfo.InvariantCulture, $"candor-{safe}-{c.Time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.{format}");
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        var written = new StrongBox<long>();
        var completed = false;
        try
        {
            if (format == "parquet")
            {
                context.Response.ContentType = "application/vnd.apache.parquet";
                written.Value = await ParquetExport.WriteAsync(events, context.Response.Body, Path.Combine(Path.GetTempPath(), "candor-exports"),
                    context.RequestAborted);
            }
            else
            {
                await WriteJsonLinesAsync(context, events, written);
            }

            completed = true;
        }
        finally
        {
            await AdminAudit.RecordAsync(c, principal, "tenant.exported", principal.Tenant.Id.ToString("D"), null,
                new { events = written.Value, completed, format }, CancellationToken.None);
        }
    }

    private static async Task OffboardAsync(HttpContext context)
    {
        if (await AdminAccess.AuthorizeAsync(context, AdminPermission.OffboardTenant) is not { } principal)
        {
            return;
        }

        var tenant = principal.Tenant;
        var confirm = context.Request.Query["confirm"].ToString();
        var unknown = AdminQuery.Unknown(context.Request.Query, "confirm");
        if (unknown is not null || !Guid.TryParse(confirm, out var confirmed) || confirmed != tenant.Id)
        {
            await Problems.WriteAsync(context, 400, "confirmation_required",
                unknown ?? $"Offboarding deletes every event, credential and policy of the tenant: repeat its id as ?confirm={tenant.Id:D}.");
            return;
        }

        var c = Services(context);
        // Recorded first, under the acting token: the store's own record of the deletion names no caller.
        await AdminAudit.RecordAsync(c, principal, "tenant.offboarding_requested", tenant.Id.ToString("D"),
            new { name = tenant.Name, family = tenant.Family }, null, context.RequestAborted);
        var events = await c.Store.DeleteTenantAsync(tenant.Id, CancellationToken.None);
        c.Credentials.Invalidate(tenant.Id);
        c.Policies.Invalidate(tenant.Id);
        await context.Response.WriteAsJsonAsync(new { tenantId = tenant.Id, eventsRemoved = events, auditKept = true }, context.RequestAborted);
    }

    private static async Task ReadAuditAsync(HttpContext context)
    {
        if (await AdminAccess.AuthorizeAsync(context, AdminPermission.ReadAudit) is not { } principal)
        {
            return;
        }

        var query = context.Request.Query;
        string? error = AdminQuery.Unknown(query, "since", "limit");
        DateTimeOffset? since = null;
        int? limit = null;
        if (error is not null || !AdminQuery.Time(query, "since", out since, ref error)
            || !AdminQuery.Integer(query, "limit", 1, 10_000, out limit, ref error))
        {
            await Problems.WriteAsync(context, 400, "invalid_query", error!);
            return;
        }

        var c = Services(context);
        var records = new JsonArray();
        await foreach (var r in c.Store.ReadAuditAsync(principal.Tenant.Id, since, limit ?? 1000, context.RequestAborted))
        {
            records.Add(new JsonObject
            {
                ["id"] = r.Id,
                ["at"] = r.At,
                ["actorId"] = r.ActorId,
                ["actorRole"] = r.ActorRole,
                ["action"] = r.Action,
                ["target"] = r.Target,
                ["before"] = Parse(r.Before),
                ["after"] = Parse(r.After),
            });
        }

        await context.Response.WriteAsJsonAsync(records, context.RequestAborted);
    }

    /// <summary>Streams events as JSON lines, flushing every 64 KB: memory stays bounded whatever the export's size.</summary>
    private static async Task WriteJsonLinesAsync(HttpContext context, IAsyncEnumerable<StoredEvent> events, StrongBox<long> written)
    {
        context.Response.ContentType = JsonLines;
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        using var writer = new Utf8JsonWriter(buffer);
        long pending = 0;
        await foreach (var e in events.ConfigureAwait(false))
        {
            writer.Reset(buffer);
            WriteEvent(writer, e);
            writer.Flush();
            buffer.Write("\n"u8);
            pending++;
            if (buffer.WrittenCount >= FlushBytes)
            {
                await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
                buffer.ResetWrittenCount();
                written.Value += pending;
                pending = 0;
            }
        }

        if (buffer.WrittenCount > 0)
        {
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        }

        written.Value += pending;
    }

    /// <summary>One stored event as exported: the envelope as the SDK sent it (wire names) plus what the collector
    /// added (level, category, receivedAt).</summary>
    private static void WriteEvent(Utf8JsonWriter w, StoredEvent e)
    {
        w.WriteStartObject();
        w.WriteString(EnvelopeName.Id, e.EventId);
        w.WriteString(EnvelopeName.Name, e.Name);
        w.WriteString("level", e.Level.ToWire());
        w.WriteString("category", e.Category.ToWire());
        w.WriteString(EnvelopeName.Time, e.Time);
        w.WriteString("receivedAt", e.ReceivedAt);
        w.WriteNumber(EnvelopeName.Seq, e.Seq);
        w.WriteString(EnvelopeName.Product, e.Product);
        w.WriteString(EnvelopeName.AppVersion, e.AppVersion);
        w.WriteString(EnvelopeName.Sdk, e.Sdk);
        w.WriteString(EnvelopeName.Session, e.SessionId);
        w.WriteStartObject(EnvelopeName.Device);
        w.WriteString(EnvelopeName.Id, e.DeviceId);
        w.WriteString(EnvelopeName.Class, e.DeviceClass);
        w.WriteString(EnvelopeName.Os, e.Os);
        w.WriteString(EnvelopeName.OsVersion, e.OsVersion);
        w.WriteString(EnvelopeName.Arch, e.Arch);
        w.WriteString(EnvelopeName.Locale, e.Locale);
        w.WriteEndObject();
        w.WritePropertyName(EnvelopeName.Data);
        w.WriteRawValue(e.Data, skipInputValidation: true);
        w.WriteEndObject();
    }

    private static async Task<(BulkDeletion? Selection, string? Error)> ReadDeletionAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > 16 * 1024)
        {
            return (null, "The body is at most 16 KB.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException)
        {
            return (null, "The body must be a JSON object: {\"product\": \"...\", \"from\": \"...\", \"to\": \"...\"}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "The body must be a JSON object: {\"product\": \"...\", \"from\": \"...\", \"to\": \"...\"}.");
            }

            var selection = new BulkDeletion();
            foreach (var property in root.EnumerateObject())
            {
                var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                switch (property.Name)
                {
                    case "product" when !string.IsNullOrWhiteSpace(text):
                        selection = selection with { Product = text };
                        break;
                    case "from" or "to" when AdminQuery.TryParseTime(text, out var time):
                        selection = property.Name == "from" ? selection with { From = time } : selection with { To = time };
                        break;
                    case "product" or "from" or "to":
                        return (null, $"{property.Name} must be a {(property.Name == "product" ? "product id" : "ISO 8601 time")} string.");
                    default:
                        return (null, $"Unknown property '{property.Name}'; known: product, from, to.");
                }
            }

            if (selection.IsEmpty)
            {
                return (null, "Give a product, a time range (from, to) or both; deleting everything of the tenant is offboarding (DELETE /v1/admin/tenant).");
            }

            if (selection.From is { } from && selection.To is { } to && from >= to)
            {
                return (null, "from must be before to.");
            }

            return (selection, null);
        }
    }

    private static async Task<Guid?> DeviceIdAsync(HttpContext context, string text)
    {
        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        await Problems.WriteAsync(context, 400, "invalid_device_id", $"'{text}' is not a device id (a UUID).");
        return null;
    }

    private static JsonNode? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static Collector Services(HttpContext context) => context.RequestServices.GetRequiredService<Collector>();

    /// <summary>The receipt of a device erasure: rows removed per device-keyed table.</summary>
    internal sealed record DeviceReceipt(Guid DeviceId, long EventsRemoved, IReadOnlyDictionary<string, long> Tables, DateTimeOffset DeletedAt);

    /// <summary>The receipt of a bulk deletion.</summary>
    internal sealed record BulkReceipt(Guid DeletionId, string? Product, DateTimeOffset? From, DateTimeOffset? To, long EventsRemoved,
        DateTimeOffset DeletedAt);
}

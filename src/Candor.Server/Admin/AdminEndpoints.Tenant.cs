using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Candor.Server.Access;
using Candor.Server.Http;
using Candor.Server.TenantPolicies;
using Candor.Storage;
using Candor.Storage.DuckDb;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Candor.Server.Admin;

// The tenant's data as a whole: bulk deletion, export, offboarding, and the audit log.
internal static partial class AdminEndpoints
{
    private static async Task BulkDeleteAsync(HttpContext context, Principal principal, [FromServices] ICandorStore store,
        [FromServices] AuditLog audit, [FromServices] TimeProvider time)
    {
        var (selection, error) = await ReadDeletionAsync(context);
        if (selection is null)
        {
            await Problems.WriteAsync(context, 400, "invalid_deletion", error!);
            return;
        }

        var removed = await store.DeleteEventsAsync(principal.Tenant.Id, selection, context.RequestAborted);
        var receipt = new BulkReceipt(Guid.CreateVersion7(time.GetUtcNow()), selection.Product, selection.From, selection.To, removed,
            time.GetUtcNow());
        await audit.RecordAsync(principal, "events.deleted", selection.Product ?? "*", null, receipt, CancellationToken.None);
        await context.Response.WriteAsJsonAsync(receipt, context.RequestAborted);
    }

    /// <summary>Every event of the tenant (also the console's download of it).</summary>
    internal static async Task ExportTenantAsync(HttpContext context, Principal principal, [FromServices] ICandorStore store,
        [FromServices] AuditLog audit, [FromServices] TimeProvider time)
    {
        var query = context.Request.Query;
        var format = query.TryGetValue("format", out var f) ? f.ToString() : "jsonl";
        var unknown = AdminQuery.Unknown(query, "format");
        if (unknown is not null || format is not ("jsonl" or "parquet"))
        {
            await Problems.WriteAsync(context, 400, "invalid_query", unknown ?? $"format '{format}' must be jsonl or parquet.");
            return;
        }

        var events = store.ReadTenantEventsAsync(principal.Tenant.Id, context.RequestAborted);
        // The tenant's name is free text: only safe characters go into the header.
        var safe = new string([.. principal.Tenant.Name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_')]);
        var name = string.Create(CultureInfo.InvariantCulture, $"candor-{safe}-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.{format}");
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        var written = new StrongBox<long>();
        var completed = false;
        try
        {
            if (format == "parquet")
            {
                context.Response.ContentType = "application/vnd.apache.parquet";
                written.Value = await ParquetExport.WriteAsync(events, context.Response.Body, workFolder: null, context.RequestAborted);
            }
            else
            {
                await EventExport.WriteJsonLinesAsync(context, events, written);
            }

            completed = true;
        }
        finally
        {
            await audit.RecordAsync(principal, "tenant.exported", principal.Tenant.Id.ToString("D"), null,
                new { events = written.Value, completed, format }, CancellationToken.None);
        }
    }

    private static async Task OffboardAsync(HttpContext context, Principal principal, [FromServices] ICandorStore store,
        [FromServices] AuditLog audit, [FromServices] CredentialResolver credentials, [FromServices] PolicyService policies)
    {
        var tenant = principal.Tenant;
        var confirm = context.Request.Query["confirm"].ToString();
        var unknown = AdminQuery.Unknown(context.Request.Query, "confirm");
        if (unknown is not null || !Guid.TryParse(confirm, out var confirmed) || confirmed != tenant.Id)
        {
            await Problems.WriteAsync(context, 400, "confirmation_required",
                unknown ?? $"Offboarding deletes every event, credential and policy of the tenant: repeat its id as ?confirm={tenant.Id:D}.");
            return;
        }

        // Recorded first, under the acting token: the store's own record of the deletion names no caller.
        await audit.RecordAsync(principal, "tenant.offboarding_requested", tenant.Id.ToString("D"),
            new { name = tenant.Name, family = tenant.Family }, null, context.RequestAborted);
        var events = await store.DeleteTenantAsync(tenant.Id, CancellationToken.None);
        credentials.Invalidate(tenant.Id);
        policies.Invalidate(tenant.Id);
        await context.Response.WriteAsJsonAsync(new { tenantId = tenant.Id, eventsRemoved = events, auditKept = true }, context.RequestAborted);
    }

    private static async Task ReadAuditAsync(HttpContext context, Principal principal, [FromServices] ICandorStore store)
    {
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

        var records = new JsonArray();
        await foreach (var r in store.ReadAuditAsync(principal.Tenant.Id, since, limit ?? 1000, context.RequestAborted))
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

    /// <summary>The receipt of a bulk deletion.</summary>
    internal sealed record BulkReceipt(Guid DeletionId, string? Product, DateTimeOffset? From, DateTimeOffset? To, long EventsRemoved,
        DateTimeOffset DeletedAt);
}

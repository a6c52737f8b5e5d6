using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Candor.Core.Privacy;
using Candor.Server.Access;
using Candor.Server.Catalogs;
using Candor.Server.Http;
using Candor.Server.TenantPolicies;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Ingestion;

/// <summary><c>POST /v1/events</c>: authenticate the ingestion key, check the tenant's policy, read the body within
/// the limits, validate every event, store the accepted ones durably through the group commit, and answer with
/// what happened to each. The client's address is read only by the per-address concurrency bound (IngestionAdmission), never stored or logged. One per collector, created with its dependencies;
/// thread-safe. The ingestion key is checked here, on the request's own path, rather than by an authentication
/// scheme: one cached lookup, nothing else per batch.</summary>
internal sealed partial class IngestEndpoint(
    CredentialResolver credentials,
    CatalogRegistry catalogs,
    PolicyService policies,
    IngestionLimits limits,
    PiiGuard pii,
    TenantRateLimiter rateLimiter,
    GroupCommitWriter writer,
    IngestionAdmission admission,
    CandorMetrics metrics,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan RetrySoon = TimeSpan.FromSeconds(1);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/v1/events", ([FromServices] IngestEndpoint endpoint, HttpContext context) => endpoint.HandleAsync(context))
            .WithName("IngestEvents")
            .WithSummary("Send a batch of diagnostic events.")
            .WithDescription("Authenticated with an ingestion key. Every event is stored durably or rejected with a code; see docs/protocol.md.")
            .Accepts<BatchDocument>("application/json")
            .Produces<IngestResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await HandleCoreAsync(context);
        }
        catch (OperationCanceledException ex) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away before its body was read (a reset while the key was looked up); there is no one
            // to answer, and it is not a failure.
            admission.ClientWentAway(ex);
        }

        metrics.Batch(context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        if (admission.TryEnterAddress(context, out var addressSlot) is { } busyAddress)
        {
            await Problems.WriteAsync(context, busyAddress.Status, busyAddress.Code, busyAddress.Detail, IngestionAdmission.RetryAfter);
            return;
        }

        using var heldAddress = addressSlot;
        var principal = await credentials.ResolveAsync(context.Request, CredentialKind.Ingestion, ct);
        if (principal is null)
        {
            await Problems.WriteAsync(context, 401, "unauthorized", "A valid ingestion key is required: Authorization: Bearer <ingestion key>.");
            return;
        }

        if (admission.TryEnterKey(principal.CredentialId, out var keySlot) is { } busyKey)
        {
            await Problems.WriteAsync(context, busyKey.Status, busyKey.Code, busyKey.Detail, IngestionAdmission.RetryAfter);
            return;
        }

        using var heldKey = keySlot;
        var tenant = principal.Tenant;
        if (!catalogs.TryGet(tenant.Family, out var catalog))
        {
            LogNoCatalog(logger, tenant.Id, tenant.Family);
            await Problems.WriteAsync(context, 503, "catalog_unavailable",
                $"This collector has no catalog of family '{tenant.Family}'.", RetrySoon * 60);
            return;
        }

        var policy = await policies.GetAsync(tenant, ct);
        if (!policy.Policy.CollectionOn)
        {
            await Problems.WriteAsync(context, 403, "collection_off",
                "The organisation's policy turns collection off: stop collecting and clear the queue.");
            return;
        }

        if (!context.Request.HasJsonContentType() || !MediaTypes.IsUtf8(context.Request.ContentType))
        {
            await Problems.WriteAsync(context, 415, "unsupported_media_type", "Content-Type must be application/json, in UTF-8 (no charset, or charset=utf-8).");
            return;
        }

        BatchResult result;
        var (body, error) = await admission.ReadBodyAsync(context);
        if (ReferenceEquals(error, IngestionAdmission.ClientGone))
        {
            context.Abort();
            return;
        }

        if (error is not null)
        {
            await Problems.WriteAsync(context, error.Status, error.Code, error.Detail);
            return;
        }

        using (body)
        {
            if (!Utf8.IsValid(body!.Span))
            {
                await Problems.WriteAsync(context, 400, "invalid_utf8", "The body is not valid UTF-8.");
                return;
            }

            result = BatchReader.Read(body.Span, new BatchRules(catalog, policy.Policy, tenant.Id, time.GetUtcNow(), limits, pii));
        }

        if (result.Error is { } batchError)
        {
            await Problems.WriteAsync(context, batchError.Status, batchError.Code, batchError.Detail);
            return;
        }

        if (!rateLimiter.TryAcquire(tenant.Id, result.Count, out var wait))
        {
            await Problems.WriteAsync(context, 429, "rate_limited", "The tenant sends more events than its rate limit allows.", wait);
            return;
        }

        var (write, writeError) = await writer.WriteAsync(result.Accepted);
        if (writeError is not null)
        {
            await Problems.WriteAsync(context, writeError.Status, writeError.Code, writeError.Detail, writeError.RetryAfter ?? RetrySoon);
            return;
        }

        foreach (var rejection in result.Rejected)
        {
            metrics.Rejected(rejection.Code);
        }

        metrics.Accepted(write!.Stored, write.DuplicateIndexes.Count);
        metrics.Redacted(result.Redacted);
        await WriteResponseAsync(context, write, result);
    }

    private static async Task WriteResponseAsync(HttpContext context, WriteResult write, BatchResult result)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteNumber("accepted"u8, write.Stored);
        w.WriteNumber("duplicates"u8, write.DuplicateIndexes.Count);
        w.WriteNumber("redacted"u8, result.Redacted);
        w.WriteStartArray("rejected"u8);
        foreach (var r in result.Rejected)
        {
            w.WriteStartObject();
            w.WriteNumber("index"u8, r.Index);
            if (r.Id is { } id)
            {
                w.WriteString("id"u8, id);
            }
            else
            {
                w.WriteNull("id"u8);
            }

            w.WriteString("code"u8, r.Code.ToWire());
            w.WriteString("message"u8, r.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(context.RequestAborted);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Tenant {TenantId} belongs to family {Family}, which has no catalog on this collector")]
    private static partial void LogNoCatalog(ILogger logger, Guid tenantId, string family);
}

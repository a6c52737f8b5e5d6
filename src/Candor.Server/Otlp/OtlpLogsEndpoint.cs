using System.Diagnostics;
using System.Diagnostics.Metrics;
using Candor.Core.Privacy;
using Candor.Server.Access;
using Candor.Server.Catalogs;
using Candor.Server.Ingestion;
using Candor.Server.Otlp.Proto;
using Candor.Server.TenantPolicies;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Candor.Server.Otlp;

/// <summary><c>POST /v1/logs</c>: OTLP/HTTP logs (protobuf or JSON, gzip optional) from an app instrumented with
/// OpenTelemetry, under the same ingestion key, catalog, policy, acceptance rules (<see cref="EventAcceptance"/>), PII
/// scan, deduplication and durable group commit as <c>/v1/events</c> (docs/otlp.md). Answers in the request's
/// encoding: 200 with <c>partial_success</c> naming the rejection codes, or an OTLP error status (a
/// <c>google.rpc.Status</c> whose message starts with the collector's problem code) with <c>Retry-After</c> where a
/// retry helps. The client's address is read only by the per-address concurrency bound (IngestionAdmission), never stored or logged. One per collector; thread-safe.</summary>
internal sealed class OtlpLogsEndpoint(
    CredentialResolver credentials,
    CatalogRegistry catalogs,
    PolicyService policies,
    IngestionLimits limits,
    PiiGuard pii,
    TenantRateLimiter rateLimiter,
    GroupCommitWriter writer,
    IngestionAdmission admission,
    CandorMetrics metrics,
    OtlpMetrics otlpMetrics,
    TimeProvider time)
{
    private static readonly TimeSpan RetrySoon = TimeSpan.FromSeconds(1);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/v1/logs", ([FromServices] OtlpLogsEndpoint endpoint, HttpContext context) => endpoint.HandleAsync(context))
            .WithName("IngestOtlpLogs")
            .WithSummary("Send OpenTelemetry log records (OTLP/HTTP, protobuf or JSON).")
            .WithDescription("Authenticated with an ingestion key. Each record is mapped to a catalog event and stored durably or rejected; see docs/otlp.md.")
            .Accepts<byte[]>("application/x-protobuf", "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-protobuf")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden)
            .Produces(StatusCodes.Status408RequestTimeout)
            .Produces(StatusCodes.Status413PayloadTooLarge)
            .Produces(StatusCodes.Status415UnsupportedMediaType)
            .Produces(StatusCodes.Status429TooManyRequests)
            .Produces(StatusCodes.Status503ServiceUnavailable);

    public async Task HandleAsync(HttpContext context)
    {
        var encoding = OtlpDecoder.EncodingOf(context.Request.ContentType);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await HandleCoreAsync(context, encoding);
        }
        catch (OperationCanceledException ex) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away before its body was read (a reset while the key was looked up); there is no one
            // to answer, and it is not a failure.
            admission.ClientWentAway(ex);
        }

        metrics.Batch(context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
    }

    private async Task HandleCoreAsync(HttpContext context, OtlpEncoding? encoding)
    {
        var ct = context.RequestAborted;
        if (admission.TryEnterAddress(context, out var addressSlot) is { } busyAddress)
        {
            await OtlpResponses.ErrorAsync(context, encoding, busyAddress.Status, busyAddress.Code, busyAddress.Detail, IngestionAdmission.RetryAfter);
            return;
        }

        using var heldAddress = addressSlot;
        var principal = await credentials.ResolveAsync(context.Request, CredentialKind.Ingestion, ct);
        if (principal is null)
        {
            await OtlpResponses.ErrorAsync(context, encoding, 401, "unauthorized", "A valid ingestion key is required: Authorization: Bearer <ingestion key>.");
            return;
        }

        if (admission.TryEnterKey(principal.CredentialId, out var keySlot) is { } busyKey)
        {
            await OtlpResponses.ErrorAsync(context, encoding, busyKey.Status, busyKey.Code, busyKey.Detail, IngestionAdmission.RetryAfter);
            return;
        }

        using var heldKey = keySlot;
        var tenant = principal.Tenant;
        if (!catalogs.TryGet(tenant.Family, out var catalog))
        {
            await OtlpResponses.ErrorAsync(context, encoding, 503, "catalog_unavailable",
                $"This collector has no catalog of family '{tenant.Family}'.", RetrySoon * 60);
            return;
        }

        var policy = await policies.GetAsync(tenant, ct);
        if (!policy.Policy.CollectionOn)
        {
            await OtlpResponses.ErrorAsync(context, encoding, 403, "collection_off",
                "The organisation's policy turns collection off: stop collecting.");
            return;
        }

        if (encoding is not { } enc)
        {
            await OtlpResponses.ErrorAsync(context, null, 415, "unsupported_media_type", "Content-Type must be application/x-protobuf or application/json.");
            return;
        }

        var (body, readError) = await admission.ReadBodyAsync(context);
        if (ReferenceEquals(readError, IngestionAdmission.ClientGone))
        {
            context.Abort();
            return;
        }

        if (readError is not null)
        {
            await OtlpResponses.ErrorAsync(context, enc, readError.Status, readError.Code, readError.Detail);
            return;
        }

        ExportLogsServiceRequest? request;
        BatchError? decodeError;
        using (body)
        {
            (request, decodeError) = OtlpDecoder.Decode(body!.Span, enc);
        }

        if (decodeError is not null)
        {
            await OtlpResponses.ErrorAsync(context, enc, decodeError.Status, decodeError.Code, decodeError.Detail);
            return;
        }

        var records = OtlpMapper.CountRecords(request!);
        if (records > limits.MaxEventsPerBatch)
        {
            await OtlpResponses.ErrorAsync(context, enc, 413, "too_many_events", $"A request may hold at most {limits.MaxEventsPerBatch} log records.");
            return;
        }

        // Each record is mapped and checked in turn, by the rules of /v1/events; rejections carry the record's index.
        var result = new BatchResult { Count = records };
        var acceptance = new EventAcceptance(new BatchRules(catalog, policy.Policy, tenant.Id, time.GetUtcNow(), limits, pii));
        var dropped = new OtlpMapper(catalog).Map(request!, result.Rejected, (parsed, index) => acceptance.Accept(parsed, index, result));
        if (!rateLimiter.TryAcquire(tenant.Id, records, out var wait))
        {
            await OtlpResponses.ErrorAsync(context, enc, 429, "rate_limited", "The tenant sends more events than its rate limit allows.", wait);
            return;
        }

        var (write, writeError) = await writer.WriteAsync(result.Accepted);
        if (writeError is not null)
        {
            await OtlpResponses.ErrorAsync(context, enc, writeError.Status, writeError.Code, writeError.Detail, writeError.RetryAfter ?? RetrySoon);
            return;
        }

        result.Rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        foreach (var rejection in result.Rejected)
        {
            metrics.Rejected(rejection.Code);
        }

        metrics.Accepted(write!.Stored, write.DuplicateIndexes.Count);
        metrics.Redacted(result.Redacted);
        otlpMetrics.Dropped(dropped);
        await OtlpResponses.SuccessAsync(context, enc, records, result.Rejected, dropped);
    }
}

/// <summary>The metrics of <c>/v1/logs</c> beside the collector's own (meter <c>Candor.Server</c>).</summary>
internal sealed class OtlpMetrics
{
    private readonly Counter<long> _dropped;

    public OtlpMetrics(CandorMetrics metrics) =>
        _dropped = metrics.Meter.CreateCounter<long>("candor.otlp.attributes.dropped", "{attribute}",
            "Attributes of OTLP log records dropped because the catalog does not declare them for the event.");

    public void Dropped(int count)
    {
        if (count > 0)
        {
            _dropped.Add(count);
        }
    }
}

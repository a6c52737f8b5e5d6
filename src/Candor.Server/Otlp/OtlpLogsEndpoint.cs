using System.Diagnostics;
using System.Diagnostics.Metrics;
using Candor.Server.Ingestion;
using Candor.Server.Otlp.Proto;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Otlp;

/// <summary><c>POST /v1/logs</c>: OTLP/HTTP logs (protobuf or JSON, gzip optional) from an app instrumented with
/// OpenTelemetry, under the same ingestion key, catalog, policy, PII scan, deduplication and durable group commit as
/// <c>/v1/events</c> (docs/otlp.md). Answers in the request's encoding: 200 with <c>partial_success</c> naming the
/// rejection codes, or an OTLP error status (a <c>google.rpc.Status</c> whose message starts with the collector's
/// problem code) with <c>Retry-After</c> where a retry helps. The client's address is never read.</summary>
internal static class OtlpLogsEndpoint
{
    private static readonly TimeSpan RetrySoon = TimeSpan.FromSeconds(1);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/v1/logs", new Func<HttpContext, Task>(HandleAsync))
            .WithName("IngestOtlpLogs")
            .WithSummary("Send OpenTelemetry log records (OTLP/HTTP, protobuf or JSON).")
            .WithDescription("Authenticated with an ingestion key. Each record is mapped to a catalog event and stored durably or rejected; see docs/otlp.md.")
            .Accepts<byte[]>("application/x-protobuf", "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-protobuf")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden)
            .Produces(StatusCodes.Status413PayloadTooLarge)
            .Produces(StatusCodes.Status415UnsupportedMediaType)
            .Produces(StatusCodes.Status429TooManyRequests)
            .Produces(StatusCodes.Status503ServiceUnavailable);

    public static async Task HandleAsync(HttpContext context)
    {
        var collector = context.RequestServices.GetRequiredService<Collector>();
        var metrics = context.RequestServices.GetRequiredService<OtlpMetrics>();
        var encoding = OtlpDecoder.EncodingOf(context.Request.ContentType);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await HandleCoreAsync(context, collector, metrics, encoding);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (BadHttpRequestException ex)
        {
            if (!context.Response.HasStarted)
            {
                await OtlpResponses.ErrorAsync(context, encoding, ex.StatusCode, Http.Problems.CodeFor(ex.StatusCode), "The request body could not be read.");
            }
        }

        collector.Metrics.Batch(context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
    }

    private static async Task HandleCoreAsync(HttpContext context, Collector c, OtlpMetrics metrics, OtlpEncoding? encoding)
    {
        var ct = context.RequestAborted;
        var principal = await c.Credentials.ResolveAsync(context.Request, CredentialKind.Ingestion, ct);
        if (principal is null)
        {
            await OtlpResponses.ErrorAsync(context, encoding, 401, "unauthorized", "A valid ingestion key is required: Authorization: Bearer <ingestion key>.");
            return;
        }

        var tenant = principal.Tenant;
        if (!c.Catalogs.TryGet(tenant.Family, out var catalog))
        {
            await OtlpResponses.ErrorAsync(context, encoding, 503, "catalog_unavailable",
                $"This collector has no catalog of family '{tenant.Family}'.", RetrySoon * 60);
            return;
        }

        var policy = await c.Policies.GetAsync(tenant, ct);
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

        var (body, readError) = await RequestBody.ReadAsync(context.Request, c.Limits, ct);
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

        if (OtlpMapper.CountRecords(request!) > c.Limits.MaxEventsPerBatch)
        {
            await OtlpResponses.ErrorAsync(context, enc, 413, "too_many_events", $"A request may hold at most {c.Limits.MaxEventsPerBatch} log records.");
            return;
        }

        var mapping = new OtlpMapper(catalog).Map(request!);
        var result = BatchReader.Read(OtlpEventBatch.Write(mapping.Events),
            new BatchRules(catalog, policy.Policy, tenant.Id, c.Time.GetUtcNow(), c.Limits, c.Pii));
        if (result.Error is { } batchError)
        {
            // The batch is ours and well formed; only a limit can refuse it as a whole.
            await OtlpResponses.ErrorAsync(context, enc, batchError.Status, batchError.Code, batchError.Detail);
            return;
        }

        if (!c.RateLimiter.TryAcquire(tenant.Id, mapping.Records, out var wait))
        {
            await OtlpResponses.ErrorAsync(context, enc, 429, "rate_limited", "The tenant sends more events than its rate limit allows.", wait);
            return;
        }

        var write = new WriteResult(0, []);
        if (result.Accepted.Count > 0)
        {
            var pending = c.Writer.TryEnqueue(result.Accepted);
            if (pending is null)
            {
                await OtlpResponses.ErrorAsync(context, enc, 503, "overloaded", "The write queue is full; retry later.", RetrySoon);
                return;
            }

            try
            {
                // Not cancelled by the client: once queued, the batch is written; waiting is only for the answer.
                write = await pending;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await OtlpResponses.ErrorAsync(context, enc, 503, "store_unavailable", "The events could not be stored; retry later.", RetrySoon);
                return;
            }
        }

        // Rejections of the acceptance rules carry the index of the event in the batch; the answer speaks of records.
        var rejected = new List<Rejection>(mapping.Rejected);
        foreach (var r in result.Rejected)
        {
            rejected.Add(r with { Index = mapping.Events[r.Index].Record });
        }

        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        foreach (var rejection in rejected)
        {
            c.Metrics.Rejected(rejection.Code);
        }

        c.Metrics.Accepted(write.Stored, write.DuplicateIndexes.Count);
        c.Metrics.Redacted(result.Redacted);
        metrics.Dropped(mapping.DroppedAttributes);
        await OtlpResponses.SuccessAsync(context, enc, mapping.Records, rejected, mapping.DroppedAttributes);
    }
}

/// <summary>The metrics of <c>/v1/logs</c> beside the collector's own (meter <c>Candor.Server</c>).</summary>
internal sealed class OtlpMetrics
{
    private readonly Counter<long> _dropped;

    public OtlpMetrics(Operations.CandorMetrics metrics) =>
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

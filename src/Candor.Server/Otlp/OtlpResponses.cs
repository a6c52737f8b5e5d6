using System.Globalization;
using System.Text;
using Candor.Server.Ingestion;
using Candor.Server.Otlp.Proto;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Candor.Server.Otlp;

/// <summary>The answers of <c>/v1/logs</c>, in the request's encoding as OTLP/HTTP requires: an
/// <c>ExportLogsServiceResponse</c>, or for a 4xx or 5xx a <c>google.rpc.Status</c> (not problem details, which an
/// OTLP client cannot read) whose message begins with the collector's problem code.</summary>
internal static class OtlpResponses
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    public static Task SuccessAsync(HttpContext context, OtlpEncoding encoding, int records, List<Rejection> rejected, int dropped)
    {
        var response = new ExportLogsServiceResponse();
        if (rejected.Count > 0 || dropped > 0)
        {
            response.PartialSuccess = new ExportLogsPartialSuccess
            {
                RejectedLogRecords = rejected.Count,
                ErrorMessage = Describe(records, rejected, dropped),
            };
        }

        context.Response.StatusCode = 200;
        return WriteAsync(context, encoding, response);
    }

    public static Task ErrorAsync(HttpContext context, OtlpEncoding? encoding, int status, string code, string detail, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return WriteAsync(context, encoding ?? OtlpEncoding.Json, new Status { Code = RpcCode(status), Message = code + ": " + detail });
    }

    /// <summary>"2 of 5 log records rejected: unknown_event (1), pii_detected (1); first: record 3, ...". The messages
    /// come from the acceptance rules, which never echo a value.</summary>
    internal static string Describe(int records, List<Rejection> rejected, int dropped)
    {
        var text = new StringBuilder();
        if (rejected.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{rejected.Count} of {records} log records rejected: ");
            text.AppendJoin(", ", rejected.GroupBy(r => r.Code).Select(g => $"{g.Key.ToWire()} ({g.Count()})"));
            var first = rejected[0];
            text.Append(CultureInfo.InvariantCulture, $"; first: record {first.Index}, {first.Code.ToWire()}: {first.Message}");
        }

        if (dropped > 0)
        {
            text.Append(text.Length > 0 ? ". " : "").Append(CultureInfo.InvariantCulture,
                $"{dropped} attributes dropped: the catalog does not declare them for their event.");
        }

        return text.ToString();
    }

    private static async Task WriteAsync(HttpContext context, OtlpEncoding encoding, IMessage message)
    {
        byte[] body;
        if (encoding == OtlpEncoding.Protobuf)
        {
            context.Response.ContentType = "application/x-protobuf";
            body = message.ToByteArray();
        }
        else
        {
            context.Response.ContentType = "application/json";
            body = Encoding.UTF8.GetBytes(Formatter.Format(message));
        }

        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>The google.rpc code that matches an HTTP status (google/rpc/code.proto).</summary>
    private static int RpcCode(int status) => status switch
    {
        400 or 415 => 3, // INVALID_ARGUMENT
        401 => 16, // UNAUTHENTICATED
        403 => 7, // PERMISSION_DENIED
        413 or 429 => 8, // RESOURCE_EXHAUSTED
        503 => 14, // UNAVAILABLE
        _ => 2, // UNKNOWN
    };
}

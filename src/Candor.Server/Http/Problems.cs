using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Candor.Server.Http;

/// <summary>Writes problem details (RFC 9457) with a machine-readable <c>code</c>: every 4xx and 5xx the collector
/// sends has one.</summary>
internal static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string code, string detail, TimeSpan? retryAfter = null,
        IDictionary<string, object?>? extensions = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Status = status,
            Title = Title(status),
            Detail = detail,
            Type = $"https://candor.dev/problems/{code}",
        };
        problem.Extensions["code"] = code;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return response.WriteAsJsonAsync(problem, ProblemJsonContext.Default.ProblemDetails, "application/problem+json", context.RequestAborted);
    }

    public static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        408 => "Request timeout",
        409 => "Conflict",
        412 => "Precondition failed",
        413 => "Content too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Error",
    };

    /// <summary>The code of a bare status that no endpoint explained (routing's 404 and 405, Kestrel's limits).</summary>
    public static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        411 => "length_required",
        413 => "body_too_large",
        415 => "unsupported_media_type",
        431 => "headers_too_large",
        _ => "error",
    };
}

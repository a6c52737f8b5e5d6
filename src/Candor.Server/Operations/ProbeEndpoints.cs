using Candor.Server.Cluster;
using Candor.Server.Http;
using Candor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Candor.Server.Operations;

/// <summary>The probes of a load balancer or orchestrator: <c>/healthz</c> (liveness: the process answers) and
/// <c>/readyz</c> (readiness: the store answers too; in cluster mode the ingest log is connected instead, since a
/// PostgreSQL outage must not take collectors out of the balancer while the log absorbs the backlog). Not to be confused with the fleet's health analytics.</summary>
internal static class ProbeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", new Func<HttpContext, Task>(context =>
            {
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync("""{"status":"ok"}""", context.RequestAborted);
            }))
            // The operation names are part of the published OpenAPI description, so they keep their first spelling.
            .WithName("Health").WithSummary("Liveness: the process answers.").Produces(StatusCodes.Status200OK);
        app.MapGet("/readyz", ReadyAsync)
            .WithName("Ready").WithSummary("Readiness: the store answers.").Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task ReadyAsync(HttpContext context, [FromServices] ICandorStore store, [FromServices] IServiceProvider services)
    {
        if (services.GetService(typeof(IngestLog)) is IngestLog log)
        {
            if (!log.IsConnected)
            {
                await Problems.WriteAsync(context, 503, "store_unavailable", "The ingest log is not connected.", TimeSpan.FromSeconds(5));
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"status":"ready"}""", context.RequestAborted);
            return;
        }

        bool ready;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            ready = await store.PingAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            ready = false;
        }

        if (!ready)
        {
            await Problems.WriteAsync(context, 503, "store_unavailable", "The store does not answer.", TimeSpan.FromSeconds(5));
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"status":"ready"}""", context.RequestAborted);
    }
}

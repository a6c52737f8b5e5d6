using Candor.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Candor.Server.Operations;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (the store answers too).</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", new Func<HttpContext, Task>(context =>
            {
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync("""{"status":"ok"}""", context.RequestAborted);
            }))
            .WithName("Health").WithSummary("Liveness: the process answers.").Produces(StatusCodes.Status200OK);
        app.MapGet("/readyz", new Func<HttpContext, Task>(ReadyAsync))
            .WithName("Ready").WithSummary("Readiness: the store answers.").Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task ReadyAsync(HttpContext context)
    {
        var c = context.RequestServices.GetRequiredService<Collector>();
        bool ready;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            ready = await c.Store.PingAsync(timeout.Token);
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

using System.Collections.Concurrent;
using System.Text;
using Candor.Server.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Server.Tests.Operations;

public sealed class OtlpExportTests
{
    [Fact]
    public async Task Metrics_reach_an_OTLP_HTTP_receiver_when_an_endpoint_is_configured()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var server = await TestServer.StartAsync(o => o.OtlpEndpoint = receiver.BaseAddress.ToString());
        try
        {
            var tenant = await server.CreateTenantAsync();
            var response = await server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid(), Events.Valid(name: "no.such.event")));
            Assert.Equal(200, (int)response.StatusCode);
        }
        finally
        {
            // Stopping the server flushes the meter provider: the counts of the batch are exported once more.
            await server.DisposeAsync();
        }

        Assert.NotEmpty(receiver.Requests);
        Assert.All(receiver.Requests, r =>
        {
            Assert.Equal("/v1/metrics", r.Path);
            Assert.Equal("application/x-protobuf", r.ContentType);
        });

        // The export is protobuf; the meter's and the instruments' names are UTF-8 strings inside it.
        var bodies = Encoding.UTF8.GetString(receiver.Requests.SelectMany(r => r.Body).ToArray());
        Assert.Contains("Candor.Server", bodies, StringComparison.Ordinal);
        Assert.Contains("candor.events.accepted", bodies, StringComparison.Ordinal);
        Assert.Contains("candor.events.rejected", bodies, StringComparison.Ordinal);
        Assert.Contains("unknown_event", bodies, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_endpoint_gets_the_standard_metrics_path_and_a_full_one_is_kept()
    {
        Assert.Equal("http://127.0.0.1:4318/v1/metrics", CandorServer.OtlpMetricsUri("http://127.0.0.1:4318").ToString());
        Assert.Equal("http://127.0.0.1:4318/v1/metrics", CandorServer.OtlpMetricsUri("http://127.0.0.1:4318/").ToString());
        Assert.Equal("https://otel.example/custom/metrics", CandorServer.OtlpMetricsUri("https://otel.example/custom/metrics").ToString());
    }

    /// <summary>An OTLP/HTTP receiver on Kestrel at 127.0.0.1 (port 0) that keeps what it is sent and answers as
    /// an OTLP collector does (200 with an empty protobuf response).</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app, Uri baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> Requests { get; } = new();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            OtlpReceiver? self = null;
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                self!.Requests.Enqueue((context.Request.Path.Value ?? "", context.Request.ContentType, body.ToArray()));
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            self = new OtlpReceiver(app, new Uri(address));
            return self;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}

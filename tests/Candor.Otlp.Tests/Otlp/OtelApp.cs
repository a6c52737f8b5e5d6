using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>An app as OpenTelemetry .NET instruments it: <c>ILogger</c> with the OTLP exporter over HTTP/protobuf,
/// the ingestion key as a header, and the resource a desktop app would describe itself with. Disposing it flushes
/// and shuts the logger provider down, as an app does when it exits.</summary>
internal sealed class OtelApp : IDisposable
{
    private readonly ServiceProvider _services;

    private OtelApp(ServiceProvider services)
    {
        _services = services;
        Logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FieldService.Sync");
    }

    public ILogger Logger { get; }

    /// <param name="endpoint">The full <c>/v1/logs</c> URL.</param>
    /// <param name="ingestionKey">The tenant's ingestion key.</param>
    /// <param name="installationId">The app's random installation id (<c>app.installation.id</c>).</param>
    /// <param name="inMemoryRetry">Sets the exporter's <c>OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=in_memory</c>: without
    /// it the OTLP exporter never retries; with it, a request that got no answer (a dropped connection) is sent
    /// again, with the same bytes, until the export timeout.</param>
    public static OtelApp Start(Uri endpoint, string ingestionKey, Guid installationId, bool inMemoryRetry = false)
    {
        var settings = new Dictionary<string, string?>();
        if (inMemoryRetry)
        {
            settings["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
        }

        var services = new ServiceCollection();

        // The SDK reads its settings from the app's IConfiguration (environment variables by default): the test
        // gives its own, so that no process-wide variable leaks into other tests.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateDefault()
                .AddService(OtlpCatalog.Product, serviceVersion: "2.1.0")
                .AddAttributes(
                [
                    new("app.installation.id", installationId.ToString()),
                    new("os.type", "windows"),
                    new("os.version", "10.0.26100"),
                    new("host.arch", "amd64"),
                ]));
            o.AddOtlpExporter(e =>
            {
                e.Endpoint = endpoint;
                e.Protocol = OtlpExportProtocol.HttpProtobuf;
                e.Headers = "Authorization=Bearer " + ingestionKey;
            });
        }));
        return new OtelApp(services.BuildServiceProvider());
    }

    public void Dispose() => _services.Dispose();
}

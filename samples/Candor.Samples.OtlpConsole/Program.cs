// An existing app that logs through ILogger and exports with OpenTelemetry, pointed at a Candor collector.
//
//   dotnet run --project samples/Candor.Samples.OtlpConsole -- http://127.0.0.1:5080 cik_...
//
// What makes the records Candor events (docs/otlp.md): the resource names the catalog product (service.name), its
// version (service.version) and a random installation id (app.installation.id); each record names a catalog event
// (the EventId's name becomes the OTLP event_name) and its message template's placeholders are the event's fields.
using Candor.Samples.OtlpConsole;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Candor.Samples.OtlpConsole <collector url> <ingestion key> [data folder]");
    return 2;
}

var collector = new Uri(args[0]);
var folder = args.Length > 2 ? args[2] : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "CandorOtlpSample");
var services = new ServiceCollection();
services.AddLogging(logging => logging.AddOpenTelemetry(otel =>
{
    otel.SetResourceBuilder(ResourceBuilder.CreateDefault()
        .AddService("d365.field-service", serviceVersion: "9.3.2411.1")
        .AddAttributes(
        [
            new("app.installation.id", InstallationId.Load(folder).ToString()),
            new("os.type", OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux"),
            new("os.version", Environment.OSVersion.Version.ToString()),
            new("host.arch", System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()),
        ]));
    otel.AddOtlpExporter(otlp =>
    {
        otlp.Endpoint = new Uri(collector, "/v1/logs");
        otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
        otlp.Headers = "Authorization=Bearer " + args[1];
    });
}));

await using (var provider = services.BuildServiceProvider())
{
    var log = provider.GetRequiredService<ILoggerFactory>().CreateLogger("FieldService");

    // A crash handler, as a desktop app has one: Critical is OTLP's FATAL, which Candor records as app.crashed.
    AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    {
        log.LogCritical(e.ExceptionObject as Exception, "Unhandled exception");
        provider.Dispose();
    };

    Log.SyncCompleted(log, durationMs: 1840, recordCount: 312, result: "success", syncType: "delta");
    Log.SyncCompleted(log, durationMs: 95, recordCount: 0, result: "failed", syncType: "full");
    Log.OperationCompleted(log, operation: "work_order_save", durationMs: 230, success: true);

    // Refused by the collector, never stored: no catalog event is named, and the value would be personal data.
    log.LogInformation("Signed in as {user}", "jane.doe@contoso.com");
}

Console.WriteLine("Sent; the collector's answer is in its metrics (candor.events.accepted, candor.events.rejected).");
return 0;

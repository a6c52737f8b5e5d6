using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Candor.Client;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>The real OpenTelemetry .NET SDK (ILogger, OTLP exporter over HTTP/protobuf, version 1.21.0) against the
/// real collector: what the store holds at the end is read back from it.</summary>
public sealed class OpenTelemetrySdkTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "candor-otlp-sdk-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Fact]
    public async Task Declared_events_arrive_with_their_fields_and_undeclared_forbidden_or_personal_records_do_not()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var installation = Guid.NewGuid();
        using (var app = OtelApp.Start(collector.LogsUri, collector.Tenant.IngestionKey, installation))
        {
            var log = app.Logger;
            log.LogInformation(new EventId(1, OtlpCatalog.Sync), "Sync took {durationMs} ms: {result} on {serverName}", 1840, "success", "sql-eu-7");
            log.LogInformation(new EventId(2, "app.not.in.catalog"), "Something {count}", 3);
            log.LogInformation(new EventId(3, OtlpCatalog.Usage), "Used {feature}", "offline_maps");
            log.LogInformation(new EventId(4, OtlpCatalog.Sync), "Sync {durationMs} {result} for {userRef}", 90, "failed", "jane.doe@contoso.com");
            log.LogInformation(new EventId(5, OtlpCatalog.Sync), "Sync {durationMs} {result}: {note}", 12, "failed", "denied for jane.doe@contoso.com");
            log.LogInformation("A plain log line without an event name, for {user}", "jane.doe@contoso.com");
        }

        var stored = await collector.StoredAsync();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, e =>
        {
            Assert.Equal(OtlpCatalog.Sync, e.Name);
            Assert.Equal(OtlpCatalog.Product, e.Product);
            Assert.Equal("2.1.0", e.AppVersion);
            Assert.Equal(installation, e.DeviceId);
            Assert.Equal("desktop", e.DeviceClass);
            Assert.Equal("Windows", e.Os);
            Assert.Equal("10.0.26100", e.OsVersion);
            Assert.Equal("x64", e.Arch);
            Assert.StartsWith("opentelemetry-dotnet/1.21", e.Sdk, StringComparison.Ordinal);
            Assert.Equal('7', e.EventId.ToString()[14]);
        });

        // Only declared fields are stored: serverName was dropped, the message template never kept.
        var first = JsonNode.Parse(stored.Single(e => e.Data.Contains("1840", StringComparison.Ordinal)).Data)!.AsObject();
        Assert.Equal(["durationMs", "result"], first.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("success", (string?)first["result"]);

        // The email in a system-metadata field was redacted; the one in a pseudonymous identifier rejected the record.
        var redacted = JsonNode.Parse(stored.Single(e => e.Data.Contains("redacted", StringComparison.Ordinal)).Data)!.AsObject();
        Assert.StartsWith("denied for [redacted:", (string?)redacted["note"], StringComparison.Ordinal);
        Assert.DoesNotContain(stored, e => e.Data.Contains("jane", StringComparison.OrdinalIgnoreCase) || e.Data.Contains("sql-eu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unhandled_exception_logged_through_ILogger_is_a_crash_grouped_with_the_same_crash_from_the_Candor_SDK()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var exception = CrashingCode.Capture();

        // What an app's AppDomain.UnhandledException handler does with ILogger: log it as Critical (OTLP FATAL).
        using (var app = OtelApp.Start(collector.LogsUri, collector.Tenant.IngestionKey, Guid.NewGuid()))
        {
            app.Logger.LogCritical(exception, "Unhandled exception: {reason}", "the process is terminating");
        }

        // The same crash from an app that uses the Candor SDK: its unhandled-exception handler records it.
        await using (var client = CandorClient.Create(new CandorClientOptions
        {
            CollectorUrl = collector.Handle.Address,
            IngestionKey = collector.Tenant.IngestionKey,
            ProductId = OtlpCatalog.Product,
            AppVersion = "2.1.0",
            DataFolder = Path.Combine(_temp, "client"),
            Catalog = OtlpCatalog.Create(),
            AutomaticUpload = false,
            CaptureUnhandledExceptions = false,
            RecordLifecycleEvents = false,
        }))
        {
            client.RecordCrash(exception);
            var receipt = await client.FlushAsync(TimeSpan.FromSeconds(30));
            Assert.True(receipt.Completed, "the SDK uploaded its crash");
        }

        var crashes = (await collector.StoredAsync()).Where(e => e.Name == OtlpCatalog.Crash).ToList();
        Assert.Equal(2, crashes.Count);
        Assert.Contains(crashes, e => e.Sdk.StartsWith("opentelemetry", StringComparison.Ordinal));
        Assert.Contains(crashes, e => e.Sdk.StartsWith("candor", StringComparison.Ordinal));
        var fields = crashes.Select(e => JsonNode.Parse(e.Data)!.AsObject()).ToList();
        Assert.Equal("System.InvalidOperationException", (string?)fields[0]["exceptionType"]);
        Assert.Equal((string?)fields[0]["exceptionType"], (string?)fields[1]["exceptionType"]);
        Assert.Equal((string?)fields[0]["stackSignature"], (string?)fields[1]["stackSignature"]);
        Assert.StartsWith("Candor.Otlp.Tests.Otlp.CrashingCode.Store.Open|", (string?)fields[0]["stackSignature"], StringComparison.Ordinal);
        Assert.DoesNotContain(crashes, e => e.Data.Contains("jsmith", StringComparison.Ordinal) || e.Data.Contains("jane", StringComparison.Ordinal));

        // The health analytics put both into one failure group.
        using var admin = new HttpClient { BaseAddress = collector.Handle.Address };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", collector.Tenant.AdminToken);
        (await admin.PostAsync("/v1/analytics/refresh", null)).EnsureSuccessStatusCode();
        var groups = JsonNode.Parse(await admin.GetStringAsync("/v1/analytics/failures?kind=crash"))!.AsArray();
        var group = Assert.Single(groups)!;
        Assert.Equal(2, (int)group["events"]!);
        Assert.Equal(2, (int)group["devices"]!);
    }

    [Fact]
    public async Task Exporter_retry_after_a_dropped_response_stores_nothing_twice()
    {
        await using var collector = await OtlpCollector.StartAsync();

        // The collector commits the first request, then the connection is dropped before the answer arrives: the
        // exporter (OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=in_memory) sends the same request again.
        await using var proxy = await DroppingProxy.StartAsync(collector.LogsUri, dropFirst: 1);
        using (var app = OtelApp.Start(proxy.Address, collector.Tenant.IngestionKey, Guid.NewGuid(), inMemoryRetry: true))
        {
            for (var i = 0; i < 5; i++)
            {
                app.Logger.LogInformation(new EventId(1, OtlpCatalog.Sync), "Sync took {durationMs} ms: {result}", 100 + i, "success");
            }
        }

        Assert.True(proxy.Forwarded >= 2, $"the exporter retried ({proxy.Forwarded} requests reached the collector)");
        Assert.Equal(1, proxy.Dropped);
        Assert.Equal(200, proxy.CollectorStatuses[0]);
        var stored = await collector.StoredAsync();
        Assert.Equal(5, stored.Count);
        Assert.Equal(5, stored.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(Enumerable.Range(100, 5), stored.Select(e => (int)JsonNode.Parse(e.Data)!["durationMs"]!).Order());
    }
}

using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Candor.Client.Bench.Events;
using Candor.Core.Catalog;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Sentry;

namespace Candor.Client.Bench;

/// <summary>The cost the app pays per event, for Candor and three widely used SDKs, each with its real in-process
/// pipeline running and only the network replaced by a sink that discards.
/// <para>Every iteration records <see cref="EventsPerIteration"/> events and then waits (outside the measured time)
/// until each SDK's background stage has taken them, so every measured call takes the path an app's call takes
/// when the SDK keeps up: for Candor the typed <c>Track</c> validates the values and enqueues the event into the
/// durable queue's in-memory stage while the background writer serialises, PII-scans, writes and fsyncs the
/// queue, and the uploader gzips and "sends" batches, concurrently.</para></summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class ClientSdkBenchmarks
{
    /// <summary>Below Candor's in-memory stage (10,000 events) and what each SDK drains between iterations.</summary>
    public const int EventsPerIteration = 4096;

    private const int FilteredPerInvoke = 1000;

    private static readonly string PolicyJson =
        """{"collection":"on","levels":["required"],"categories":["device_connectivity_and_configuration","product_and_service_usage","software_setup_and_inventory"],"retentionDays":90,"uploadIntervalSeconds":1}""";

    private readonly Dictionary<string, string> _aiProperties = new(StringComparer.Ordinal);
    private string _folder = "";
    private CandorClient _candor = null!;
    private DiscardingCollectorHandler _collector = null!;
    private ILoggerFactory _otelFactory = null!;
    private ILogger _otelLogger = null!;
    private DiscardingLogExporter _otelSink = null!;
    private BatchLogRecordExportProcessor? _otelProcessor;
    private TelemetryConfiguration _aiConfig = null!;
    private TelemetryClient _aiClient = null!;
    private DiscardingLogExporter _aiSink = null!;
    private IDisposable _sentry = null!;
    private DiscardingSentryTransport _sentrySink = null!;
    private readonly TimeSpan _hangDuration = TimeSpan.FromMilliseconds(1500);
    private long _recorded;
    private long _backgroundTicks;
    private long _backgroundEvents;

    [GlobalSetup(Target = nameof(Candor_Track) + "," + nameof(Candor_Track_filtered))]
    public void SetupCandor()
    {
        _folder = Path.Combine(Path.GetTempPath(), "candor-bench-" + Guid.NewGuid().ToString("N"));
        var catalog = CompiledCatalogJson.Load(Path.Combine(AppContext.BaseDirectory, "dynamics365-clients.candor.json"));
        _collector = new DiscardingCollectorHandler(PolicyJson);
        _candor = CandorClient.Create(new CandorClientOptions
        {
            CollectorUrl = new Uri("http://127.0.0.1:9/"),
            IngestionKey = "bench",
            ProductId = "d365.field-service",
            AppVersion = "9.3.2411.1",
            DataFolder = _folder,
            Catalog = catalog,
            HttpHandler = _collector,
        });
        // The policy has answered before the first measured call, as in an app that has run for a while.
        var receipt = _candor.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (!receipt.Completed)
        {
            throw new InvalidOperationException("The Candor client did not reach its (in-process) collector.");
        }
    }

    [GlobalSetup(Target = nameof(OpenTelemetry_ILogger))]
    public void SetupOpenTelemetry()
    {
        _otelSink = new DiscardingLogExporter();
        // The default queue (2,048) is below what one iteration records; a larger one keeps every measured call on the
        // enqueue path, as for the other SDKs, instead of the cheaper "queue full, drop" path.
        _otelProcessor = new BatchLogRecordExportProcessor(_otelSink, maxQueueSize: 2 * EventsPerIteration);
        _otelFactory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(o => o.AddProcessor(_otelProcessor)));
        _otelLogger = _otelFactory.CreateLogger("FieldService");
    }

    [GlobalSetup(Target = nameof(ApplicationInsights_TrackEvent))]
    public void SetupApplicationInsights()
    {
        _aiSink = new DiscardingLogExporter();
        _aiConfig = new TelemetryConfiguration
        {
            // 3.x has no ITelemetryChannel: it is an OpenTelemetry pipeline with the Azure Monitor exporter. The
            // exporter points at a closed loopback port with offline storage and live metrics off; the discarding
            // exporter added below shows the events really flow.
            ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
            DisableOfflineStorage = true,
            EnableLiveMetrics = false,
        };
        _aiConfig.ConfigureOpenTelemetryBuilder(b => b.WithLogging(l => l.AddProcessor(new BatchLogRecordExportProcessor(_aiSink, maxQueueSize: 2 * EventsPerIteration))));
        _aiClient = new TelemetryClient(_aiConfig);
    }

    [GlobalSetup(Target = nameof(Sentry_CaptureMessage))]
    public void SetupSentry()
    {
        _sentrySink = new DiscardingSentryTransport();
        _sentry = SentrySdk.Init(o =>
        {
            o.Dsn = "https://public@127.0.0.1/1";
            o.Transport = _sentrySink;
        });
    }

    [Benchmark(Baseline = true, Description = "OpenTelemetry ILogger (batch, discard)")]
    public void OpenTelemetry_ILogger()
    {
        Log.StatusChanged(_otelLogger, "traveling", "in_progress", true);
        _recorded++;
    }

    [Benchmark(Description = "Candor typed Track (3 fields, allowed)")]
    public void Candor_Track()
    {
        _candor.TrackFieldserviceWorkOrderStatusChanged(
            FieldserviceWorkOrderStatusChangedFromStatus.Traveling, FieldserviceWorkOrderStatusChangedToStatus.InProgress, offline: true);
        _recorded++;
    }

    [Benchmark(OperationsPerInvoke = FilteredPerInvoke, Description = "Candor typed Track (3 fields, filtered)")]
    public void Candor_Track_filtered()
    {
        for (var i = 0; i < FilteredPerInvoke; i++)
        {
            _candor.TrackAppHangDetected(_hangDuration, true, "sync_engine");
        }
    }

    [Benchmark(Description = "Application Insights 3 TrackEvent")]
    public void ApplicationInsights_TrackEvent()
    {
        _aiProperties["fromStatus"] = "traveling";
        _aiProperties["toStatus"] = "in_progress";
        _aiProperties["offline"] = "true";
        _aiClient.TrackEvent("fieldservice.work_order.status_changed", _aiProperties);
        _recorded++;
    }

    [Benchmark(Description = "Sentry CaptureMessage (discard)")]
    public void Sentry_CaptureMessage()
    {
        SentrySdk.CaptureMessage("fieldservice.work_order.status_changed traveling in_progress offline");
        _recorded++;
    }

    /// <summary>Lets each SDK's background stage take what the iteration recorded, outside the measured time.</summary>
    [IterationCleanup]
    public void Drain()
    {
        if (_candor is not null)
        {
            // The background work each event costs (serialise, PII scan, write, fsync, gzip, upload, transcript),
            // off the app's thread: reported next to the table, not part of it.
            var persistedBefore = _candor.GetDiagnostics().Persisted;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            _candor.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            _backgroundTicks += watch.ElapsedTicks;
            _backgroundEvents += _candor.GetDiagnostics().Persisted - persistedBefore;
        }

        _otelProcessor?.ForceFlush(30_000);

        _aiClient?.Flush();
        if (_sentrySink is not null)
        {
            SentrySdk.Flush(TimeSpan.FromSeconds(30));
        }
    }

    [GlobalCleanup]
    public void Report()
    {
        if (_candor is not null)
        {
            var d = _candor.GetDiagnostics();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// candor: recorded {_recorded}, received {d.Received}, persisted {d.Persisted}, sent {d.Sent}, filtered {string.Join(",", d.Filtered.Select(p => p.Key + "=" + p.Value))}, dropped {string.Join(",", d.Dropped.Select(p => p.Key + "=" + p.Value))}, uploads {_collector.Uploads}, internal errors {d.InternalErrors}; flush after each iteration: {_backgroundEvents} events in {_backgroundTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F0} ms"));
            _candor.Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        if (_otelSink is not null)
        {
            _otelProcessor!.ForceFlush(30_000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// opentelemetry: recorded {_recorded}, exported {_otelSink.Exported}"));
            _otelFactory.Dispose();
        }

        if (_aiSink is not null)
        {
            _aiClient.Flush();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// applicationinsights: recorded {_recorded}, exported {_aiSink.Exported}"));
            _aiConfig.Dispose();
        }

        if (_sentrySink is not null)
        {
            SentrySdk.Flush(TimeSpan.FromSeconds(30));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// sentry: recorded {_recorded}, envelopes {_sentrySink.Envelopes}"));
            _sentry.Dispose();
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithWarmupCount(10)
                .WithIterationCount(20)
                .WithInvocationCount(EventsPerIteration)
                .WithUnrollFactor(16)
                .WithStrategy(RunStrategy.Throughput)
                .WithId("Client"));
            AddDiagnoser(MemoryDiagnoser.Default);
            // On a shared machine other processes preempt some iterations; the median shows the typical call.
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            // The generated project builds the SDK and three others' packages; a shared two-core machine needs time.
            WithBuildTimeout(TimeSpan.FromMinutes(15));
        }
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Work order status changed from {FromStatus} to {ToStatus} (offline {Offline})")]
    public static partial void StatusChanged(ILogger logger, string fromStatus, string toStatus, bool offline);
}

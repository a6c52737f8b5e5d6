using Candor.Client.Context;
using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Lifecycle;
using Candor.Client.Policy;
using Candor.Client.Privacy;
using Candor.Client.Queue;
using Candor.Client.Storage;
using Candor.Client.Transcript;
using Candor.Client.Upload;
using Candor.Client.Writing;
using Candor.Core.Catalog;
using Candor.Core.Policy;
using Candor.Core.Privacy;

namespace Candor.Client;

// A facade over parts that each own one job and its shutdown: the event writer (Writing/), the policy loop
// (Policy/), the uploader (Upload/) and the lifecycle recorder (Lifecycle/). The tracking hot path stays in this
// class (CandorClient.Tracking.cs), so that a tracked event reaches the writer's stage with no call more than before.

/// <summary>The Candor SDK: records the events of one product, checked against its family's compiled catalog and
/// its organisation's policy, keeps them in a durable on-disk queue and uploads them to a collector.
/// <para>Create one per process with <see cref="Create"/> and dispose it when the app exits. Every member is
/// thread-safe, and none throws into the app once the client is created: failures are counted in
/// <see cref="GetDiagnostics"/>.</para></summary>
public sealed partial class CandorClient : IDisposable, IAsyncDisposable
{
    private readonly CandorClientOptions _options;
    private readonly string _dataFolder;
    private readonly TimeProvider _time;
    private readonly EventTable _table;
    private readonly SelfDiagnostics _diagnostics = new();
    private readonly DeviceContext _device;
    private readonly PolicyGate _gate;
    private readonly PolicyClient _policyClient;
    private readonly DurableQueue _queue;
    private readonly TranscriptStore _transcript;
    private readonly HttpClient _http;
    private readonly EventWriter _writer;
    private readonly PolicyLoop _policy;
    private readonly Uploader _uploader;
    private readonly LifecycleRecorder _lifecycle;
    private readonly FlushReceipts _receipts;
    private readonly string _session = Guid.NewGuid().ToString("D");
    private int _disposed;

    private CandorClient(CandorClientOptions options)
    {
        _options = options;
        var productId = options.ProductId!;
        var appVersion = options.AppVersion!;
        var collector = WithTrailingSlash(options.CollectorUrl!);
        _dataFolder = Path.GetFullPath(options.DataFolder!);
        _time = options.TimeProvider;
        var catalog = options.Catalog!;
        DataFolder.EnsurePrivateDirectory(_dataFolder);
        _table = new EventTable(catalog, productId, _time.GetUtcNow());
        _diagnostics.AttachPolicyCells(_table.PolicyCells);
        var product = catalog.Products.First(p => string.Equals(p.Id, productId, StringComparison.Ordinal));
        _device = new DeviceContext(_dataFolder, options.DeviceClass ?? product.DeviceClass, options.Locale);
        _http = new HttpClient(options.HttpHandler ?? new HttpClientHandler(), disposeHandler: true) { Timeout = options.RequestTimeout };
        _policyClient = new PolicyClient(_http, collector, options.IngestionKey!, _dataFolder);
        _gate = new PolicyGate(_table, _policyClient.LoadCache() ?? new TenantPolicy(), _device.SampleValue);
        _queue = DurableQueue.Open(Path.Combine(_dataFolder, "queue"), options.MaxQueueBytes, options.MaxBatchBytes - 1024, _diagnostics);
        _transcript = new TranscriptStore(_dataFolder, options.TranscriptMaxAge, options.TranscriptMaxBytes);
        var pii = new EventPiiFilter(new PiiScanner(options.PiiNames ?? PiiScannerOptions.ForCurrentDevice()), _diagnostics);
        _writer = new EventWriter(_queue, _gate, pii, productId, appVersion, _session, _device, _diagnostics);
        _diagnostics.ObserveQueueDepth(() => _writer.InMemory + _queue.Count);
        _policy = new PolicyLoop(_policyClient, _gate, _writer, _queue, WakeUploader, _time, options.PolicyPollInterval, _diagnostics);
        _uploader = new Uploader(
            _http, collector, options.IngestionKey!, _queue, _gate, _table, _transcript, _diagnostics, options,
            _policy.FirstAnswer, _policy.CollectorForbade);
        _lifecycle = new LifecycleRecorder(
            this, _writer, _device, _dataFolder, appVersion, _time, _diagnostics, options.CaptureUnhandledExceptions,
            options.RecordLifecycleEvents);
        _receipts = new FlushReceipts(_diagnostics, _queue);
        _policy.Apply(_gate.Policy);
        WriteCatalogCopy(catalog);
        _lifecycle.Start();
        // The loops start last: the cached policy is in force and the start events are staged before any of them runs.
        _writer.Start();
        _policy.Start();
        _uploader.Start();
    }

    /// <summary>The pseudonymous device id in use: random, created on first run, replaced by
    /// <see cref="DeleteLocalDataAsync"/>.</summary>
    public string DeviceId => _device.DeviceId;

    /// <summary>The id of the current session (random, new for every client).</summary>
    public string SessionId => _session;

    /// <summary>The data folder the client uses (full path).</summary>
    public string DataFolderPath => _dataFolder;

    internal DurableQueue QueueForTests => _queue;

    internal bool WriterParkedForTests => _writer.Parked;

    /// <summary>Creates a client and starts its background work (policy polling, writing, uploading).</summary>
    /// <param name="options">The options; checked with <see cref="CandorClientOptions.Validate"/>.</param>
    /// <returns>The running client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="IOException">The data folder cannot be created or locked down.</exception>
    public static CandorClient Create(CandorClientOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Candor client options: " + string.Join(" ", errors), nameof(options));
        }

        return new CandorClient(options);
    }

    /// <summary>Reads the transcript of a data folder without a running client (what <c>candor viewer</c> does).</summary>
    /// <param name="dataFolder">The client's data folder.</param>
    /// <returns>The transcript entries, oldest first; empty when there are none or they cannot be read.</returns>
    public static IReadOnlyList<TranscriptEntry> ReadTranscript(string dataFolder)
    {
        try
        {
            return TranscriptStore.Read(dataFolder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [];
        }
    }

    /// <summary>Writes every recorded event to the durable queue and uploads the queue, waiting at most
    /// <paramref name="timeout"/>. Events not sent in time stay queued. Thread-safe; never throws.</summary>
    /// <param name="timeout">The longest time to wait.</param>
    /// <param name="cancellationToken">Stops waiting early.</param>
    /// <returns>What became of the events since the previous flush.</returns>
    public async Task<FlushReceipt> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var completed = false;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            await Task.Run(_writer.Drain, limit.Token).ConfigureAwait(false);
            if (!_uploader.IsStopped)
            {
                completed = await _uploader.UploadUntilEmptyAsync(limit.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The timeout (or the caller) ended the flush; what was not sent stays queued.
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("flush", ex);
        }

        return _receipts.Take(completed);
    }

    /// <summary>Deletes everything the SDK keeps on this device: the queue (and events not yet written), the
    /// transcript, the cached policy and the device id, which is replaced by a new random one. Thread-safe; never
    /// throws (a failure is counted in the diagnostics).</summary>
    /// <returns>A task that completes when the data is gone.</returns>
    public async Task DeleteLocalDataAsync()
    {
        try
        {
            await _uploader.RunExclusiveAsync(
                () =>
                {
                    _writer.Discard(DropReason.LocalDataDeleted, () =>
                    {
                        _transcript.DeleteAll();
                        _policyClient.DeleteCache();
                        _device.Renew();
                    });
                    _lifecycle.RecordIdentityRenewed();
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("delete_local_data", ex);
        }
    }

    /// <summary>The SDK's self-diagnostics: events received, filtered by reason, redacted, dropped by reason, sent,
    /// and failed uploads. Thread-safe.</summary>
    /// <returns>A snapshot of the counters.</returns>
    public CandorDiagnostics GetDiagnostics() => _diagnostics.Snapshot();

    /// <summary>Exactly what this device uploaded, oldest first, from the local transcript (bounded by
    /// <see cref="CandorClientOptions.TranscriptMaxAge"/> and <see cref="CandorClientOptions.TranscriptMaxBytes"/>).
    /// Thread-safe; returns an empty list if the transcript cannot be read.</summary>
    /// <returns>The transcript entries.</returns>
    public IReadOnlyList<TranscriptEntry> ReadTranscript() => ReadTranscript(_dataFolder);

    /// <summary>Ends the session (<c>app.session.ended</c>), writes every recorded event to disk and tries to upload
    /// the queue for at most <see cref="CandorClientOptions.DisposeTimeout"/>; never blocks longer than that and never
    /// throws. What is not sent stays queued for the next run.</summary>
    public void Dispose()
    {
        if (!BeginDispose())
        {
            return;
        }

        using (var done = new ManualResetEventSlim(false))
        {
            // The flush runs on the thread pool so that a host with a synchronisation context cannot deadlock;
            // this thread waits on a bounded event, not on the task.
            _ = Task.Run(async () =>
            {
                try
                {
                    await FinishAsync().ConfigureAwait(false);
                }
                finally
                {
                    done.Set();
                }
            });
            done.Wait(_options.DisposeTimeout + TimeSpan.FromSeconds(1));
        }

        EndDispose();
    }

    /// <summary>The asynchronous form of <see cref="Dispose"/>, with the same bounded time.</summary>
    /// <returns>A task that completes when the client has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!BeginDispose())
        {
            return;
        }

        await FinishAsync().ConfigureAwait(false);
        EndDispose();
    }

    /// <summary>Records <c>app.crashed</c> for an exception and writes it, with every event before it, to disk before
    /// returning (what the unhandled-exception handler does).</summary>
    internal void RecordCrash(Exception exception) => _lifecycle.RecordCrash(exception);

    /// <summary>Whether the app wants crashes recorded (<see cref="CandorClientOptions.CaptureUnhandledExceptions"/>):
    /// the hosting package asks before it records a failed hosted service.</summary>
    internal bool CapturesCrashes => _options.CaptureUnhandledExceptions;

    /// <summary>Writes the events waiting in memory to the durable queue now (what the background writer does).</summary>
    internal void PersistPending() => _writer.Drain();

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");

    private void WakeUploader() => _uploader.Wake();

    private void WriteCatalogCopy(CompiledCatalog catalog)
    {
        try
        {
            CatalogCopy.Write(_dataFolder, catalog);
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("catalog_copy", ex);
        }
    }

    private bool BeginDispose()
    {
        if (Interlocked.Exchange(ref _disposed, 2) != 0)
        {
            return false;
        }

        _lifecycle.StopCrashCapture();
        if (_lifecycle.RecordsLifecycleEvents)
        {
            // Recorded before the client refuses new events.
            Volatile.Write(ref _disposed, 0);
            _lifecycle.RecordSessionEnded();
        }

        Volatile.Write(ref _disposed, 1);
        return true;
    }

    private async Task FinishAsync()
    {
        try
        {
            _writer.Drain();
            using var limit = new CancellationTokenSource(_options.DisposeTimeout);
            await _uploader.UploadUntilEmptyAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Out of time: the rest stays queued for the next run.
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("dispose", ex);
        }
    }

    private void EndDispose()
    {
        try
        {
            _uploader.Dispose();
            _policy.Dispose();
            _writer.Dispose();
            _queue.Dispose();
            _http.Dispose();
            _diagnostics.Dispose();
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("dispose", ex);
        }
    }
}

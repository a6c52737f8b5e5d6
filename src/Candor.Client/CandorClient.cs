using System.Threading.Channels;
using Candor.Client.Context;
using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Policy;
using Candor.Client.Privacy;
using Candor.Client.Queue;
using Candor.Client.Storage;
using Candor.Client.Transcript;
using Candor.Client.Upload;
using Candor.Core.Catalog;
using Candor.Core.Policy;
using Candor.Core.Privacy;

namespace Candor.Client;

/// <summary>The Candor SDK: records the events of one product, checked against its family's compiled catalog and
/// its organisation's policy, keeps them in a durable on-disk queue and uploads them to a collector.
/// <para>Create one per process with <see cref="Create"/> and dispose it when the app exits. Every member is
/// thread-safe, and none throws into the app once the client is created: failures are counted in
/// <see cref="GetDiagnostics"/>.</para></summary>
public sealed class CandorClient : IDisposable, IAsyncDisposable
{
    private const int MaxPendingInMemory = 10_000;
    private static readonly TimeSpan WriteGatherWindow = TimeSpan.FromMilliseconds(20);
    private readonly CandorClientOptions _options;
    private readonly string _productId;
    private readonly string _appVersion;
    private readonly string _dataFolder;
    private readonly TimeProvider _time;
    private readonly EventTable _table;
    private readonly SelfDiagnostics _diagnostics = new();
    private readonly DeviceContext _device;
    private readonly PolicyGate _gate;
    private readonly PolicyClient _policyClient;
    private readonly DurableQueue _queue;
    private readonly TranscriptStore _transcript;
    private readonly EventPiiFilter _pii;
    private readonly Uploader _uploader;
    private readonly HttpClient _http;
    private readonly Channel<PendingEvent> _channel;
    private readonly object _writeGate = new();
    private readonly object _receiptGate = new();
    private readonly SemaphoreSlim _uploadSignal = new(0, 1);
    private readonly SemaphoreSlim _policySignal = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<bool> _firstPolicy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _sessionStarted;
    private readonly Task _writeLoop;
    private readonly Task _policyLoop;
    private readonly Task _uploadLoop;
    private readonly string _session = Guid.NewGuid().ToString("D");
    private long _receiptPersisted;
    private long _receiptSent;
    private IReadOnlyDictionary<string, long> _receiptDropped = new Dictionary<string, long>();
    private int _disposed;

    private CandorClient(CandorClientOptions options)
    {
        _options = options;
        _productId = options.ProductId!;
        _appVersion = options.AppVersion!;
        _dataFolder = Path.GetFullPath(options.DataFolder!);
        _time = options.TimeProvider;
        var catalog = options.Catalog!;
        DataFolder.EnsurePrivateDirectory(_dataFolder);
        _table = new EventTable(catalog, _productId, _time.GetUtcNow());
        var product = catalog.Products.First(p => string.Equals(p.Id, _productId, StringComparison.Ordinal));
        _device = new DeviceContext(_dataFolder, options.DeviceClass ?? product.DeviceClass, options.Locale);
        _http = new HttpClient(options.HttpHandler ?? new HttpClientHandler(), disposeHandler: true) { Timeout = options.RequestTimeout };
        _policyClient = new PolicyClient(_http, WithTrailingSlash(options.CollectorUrl!), options.IngestionKey!, _dataFolder);
        _gate = new PolicyGate(_table, _policyClient.LoadCache() ?? new TenantPolicy(), _device.SampleValue);
        _queue = DurableQueue.Open(Path.Combine(_dataFolder, "queue"), options.MaxQueueBytes, options.MaxBatchBytes - 1024, _diagnostics);
        _transcript = new TranscriptStore(_dataFolder, options.TranscriptMaxAge, options.TranscriptMaxBytes);
        _pii = new EventPiiFilter(new PiiScanner(options.PiiNames ?? PiiScannerOptions.ForCurrentDevice()), _diagnostics);
        _uploader = new Uploader(
            _http, WithTrailingSlash(options.CollectorUrl!), options.IngestionKey!, _queue, _gate, _table, _transcript, _diagnostics,
            options, OnForbidden);
        _channel = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(MaxPendingInMemory)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _sessionStarted = _time.GetTimestamp();
        ApplyPolicy(_gate.Policy);
        WriteCatalogCopy(catalog);
        if (options.CaptureUnhandledExceptions)
        {
            AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        }

        if (options.RecordLifecycleEvents)
        {
            RecordStartEvents();
        }

        _writeLoop = Task.Run(WriteLoopAsync);
        _policyLoop = Task.Run(PolicyLoopAsync);
        _uploadLoop = options.AutomaticUpload ? Task.Run(UploadLoopAsync) : Task.CompletedTask;
    }

    /// <summary>The pseudonymous device id in use: random, created on first run, replaced by
    /// <see cref="DeleteLocalDataAsync"/>.</summary>
    public string DeviceId => _device.DeviceId;

    /// <summary>The id of the current session (random, new for every client).</summary>
    public string SessionId => _session;

    /// <summary>The data folder the client uses (full path).</summary>
    public string DataFolderPath => _dataFolder;

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

    /// <summary>Records an event of the catalog by name. The event must be declared in the catalog for this product
    /// and every field must be declared with a value of its type (<c>string</c>, <c>int</c>/<c>long</c>,
    /// <c>double</c>, <c>bool</c>, <see cref="TimeSpan"/> or milliseconds for durations, <see cref="DateTimeOffset"/>
    /// for timestamps). An event the policy does not allow is counted and ignored without allocating; an unknown event
    /// or a wrong field is counted (<c>unknown_event</c>, <c>undeclared_field</c>, <c>invalid_field</c>) and ignored.
    /// Thread-safe; never throws.</summary>
    /// <param name="name">The event name, e.g. <c>fieldservice.sync.completed</c>.</param>
    /// <param name="fields">The field values by field name, or null for none.</param>
    public void Track(string name, IReadOnlyDictionary<string, object?>? fields = null)
    {
        try
        {
            if (name is null || !_table.TryResolve(name, out var handle))
            {
                _diagnostics.ReceivedAndFiltered(FilterReason.UnknownEvent);
                return;
            }

            var reason = _gate.Check(handle.Index);
            if (reason != FilterReason.None)
            {
                _diagnostics.ReceivedAndFiltered(reason);
                return;
            }

            var slot = _table.Slots[handle.Index];
            var values = new FieldValue[slot.Fields.Length];
            if (fields is not null)
            {
                foreach (var pair in fields)
                {
                    var index = slot.FieldIndex(pair.Key);
                    if (index < 0)
                    {
                        _diagnostics.Received();
                        _diagnostics.Filtered(FilterReason.UndeclaredField);
                        return;
                    }

                    if (pair.Value is not null && !FieldRules.TryConvert(pair.Value, slot.Fields[index], out values[index]))
                    {
                        _diagnostics.Received();
                        _diagnostics.Filtered(FilterReason.InvalidField);
                        return;
                    }
                }
            }

            TrackOwned(handle, values);
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("track", ex);
        }
    }

    /// <summary>Starts a timed operation; ending it records <c>app.operation.completed</c> with the duration and
    /// whether it succeeded (see <see cref="CandorOperation"/>). Thread-safe; never throws.</summary>
    /// <param name="operation">The operation id from the product's fixed list, e.g. <c>form_save</c>.</param>
    /// <returns>The operation scope.</returns>
    public CandorOperation StartOperation(string operation) => new(this, operation ?? "", _time.GetTimestamp());

    /// <summary>Records <c>app.feature.failed</c>: a feature failed in a way the user noticed. Thread-safe; never
    /// throws.</summary>
    /// <param name="feature">The feature id from the product's fixed list, e.g. <c>offline_sync</c>.</param>
    /// <param name="errorCode">The error code: an HTTP status, an HRESULT in hex, a service error code.</param>
    public void ReportFeatureFailure(string feature, string errorCode) =>
        TrackBuiltIn(BuiltInEvents.FeatureFailed, ("feature", FieldValue.From(feature)), ("errorCode", FieldValue.From(errorCode)));

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
            await Task.Run(DrainChannel, limit.Token).ConfigureAwait(false);
            if (Volatile.Read(ref _disposed) == 0 || !_stopping.IsCancellationRequested)
            {
                completed = await UploadUntilEmptyAsync(limit.Token).ConfigureAwait(false);
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

        return TakeReceipt(completed);
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
                    lock (_writeGate)
                    {
                        var discarded = 0;
                        while (_channel.Reader.TryRead(out _))
                        {
                            discarded++;
                        }

                        if (discarded > 0)
                        {
                            _diagnostics.Dropped(DropReason.LocalDataDeleted, discarded);
                        }

                        _queue.Clear(DropReason.LocalDataDeleted);
                        _transcript.DeleteAll();
                        _policyClient.DeleteCache();
                        _device.Renew();
                    }

                    if (_options.RecordLifecycleEvents)
                    {
                        // The app now runs under a new pseudonymous identity: the first run of that identity.
                        TrackBuiltIn(BuiltInEvents.FirstRun);
                    }
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

    /// <summary>For code generated by <c>Candor.Client.Generators</c>: whether the policy lets the event be recorded
    /// now. When it does not, the event is counted as received and filtered (by reason) and the generated code returns
    /// before it builds its values, so a filtered event allocates nothing. Thread-safe; never throws.</summary>
    /// <param name="generatedEvent">The event, from the generated code's static field.</param>
    /// <returns>True when the generated code should go on and call <see cref="TrackGenerated"/>.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool ShouldTrack(CandorGeneratedEvent generatedEvent)
    {
        // No try/catch here, so that this inlines into the generated method: nothing below throws (a null event is
        // answered false, resolving against the catalog catches its own failures, and counting only allocates once per thread).
        if (generatedEvent is null)
        {
            return false;
        }

        var index = generatedEvent.Resolve(_table).Index;
        var reason = index < 0 ? FilterReason.UnknownEvent : _gate.Check(index);
        if (reason == FilterReason.None)
        {
            return true;
        }

        _diagnostics.ReceivedAndFiltered(reason);
        return false;
    }

    /// <summary>Records an event for code generated by <c>Candor.Client.Generators</c>, after
    /// <see cref="ShouldTrack"/> said yes; apps call the generated <c>Track…</c> methods instead. Each value goes to
    /// the field of its name (so a client running with a newer catalog still places every value right), the policy is
    /// checked again, and the values are validated as <see cref="Track"/> does. The value array is kept, not copied:
    /// the generated code makes a new one per call. Thread-safe; never throws.</summary>
    /// <param name="generatedEvent">The event, from the generated code's static field.</param>
    /// <param name="values">The values, one per field name of <paramref name="generatedEvent"/>; an absent value is
    /// <c>default</c>.</param>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public void TrackGenerated(CandorGeneratedEvent generatedEvent, CandorFieldValue[] values)
    {
        try
        {
            var resolution = generatedEvent.Resolve(_table);
            if (resolution.Index < 0)
            {
                _diagnostics.ReceivedAndFiltered(FilterReason.UnknownEvent);
                return;
            }

            var reason = _gate.Check(resolution.Index);
            if (reason != FilterReason.None)
            {
                _diagnostics.ReceivedAndFiltered(reason);
                return;
            }

            var slot = _table.Slots[resolution.Index];
            if (values is null || values.Length != generatedEvent.FieldNames.Length)
            {
                _diagnostics.ReceivedAndFiltered(FilterReason.InvalidField);
                return;
            }

            if (resolution.Map is null)
            {
                // The generated order is the catalog's: validate in place and keep the caller's array.
                _diagnostics.Received();
                if (Volatile.Read(ref _disposed) != 0)
                {
                    _diagnostics.Filtered(FilterReason.ClientDisposed);
                    return;
                }

                for (var i = 0; i < slot.Fields.Length; i++)
                {
                    var value = values[i].Value;
                    if (value.IsPresent ? !FieldRules.IsValid(value, slot.Fields[i]) : slot.Fields[i].Required)
                    {
                        _diagnostics.Filtered(FilterReason.InvalidField);
                        return;
                    }
                }

                Enqueue(new PendingEvent(slot, null, values, _time.GetUtcNow()));
                return;
            }

            var ordered = new FieldValue[slot.Fields.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var index = resolution.Map[i];
                if (index < 0)
                {
                    if (values[i].Value.IsPresent)
                    {
                        _diagnostics.ReceivedAndFiltered(FilterReason.UndeclaredField);
                        return;
                    }

                    continue;
                }

                ordered[index] = values[i].Value;
            }

            TrackOwned(new EventDefinitionHandle(resolution.Index), ordered);
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("track", ex);
        }
    }

    internal void RecordOperation(string operation, long started, bool success)
    {
        var elapsed = _time.GetElapsedTime(started);
        TrackBuiltIn(
            BuiltInEvents.OperationCompleted,
            ("operation", FieldValue.From(operation)),
            ("durationMs", FieldValue.From(elapsed)),
            ("success", FieldValue.From(success)));
    }

    internal DurableQueue QueueForTests => _queue;

    /// <summary>Writes the events waiting in memory to the durable queue now (what the background writer does).</summary>
    internal void PersistPending() => DrainChannel();

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");

    private void TrackOwned(EventDefinitionHandle handle, FieldValue[] values)
    {
        _diagnostics.Received();
        if (Volatile.Read(ref _disposed) != 0)
        {
            _diagnostics.Filtered(FilterReason.ClientDisposed);
            return;
        }

        var slot = _table.Slots[handle.Index];
        if (values.Length > slot.Fields.Length)
        {
            _diagnostics.Filtered(FilterReason.UndeclaredField);
            return;
        }

        for (var i = 0; i < slot.Fields.Length; i++)
        {
            var field = slot.Fields[i];
            var present = i < values.Length && values[i].IsPresent;
            if (present ? !FieldRules.IsValid(values[i], field) : field.Required)
            {
                _diagnostics.Filtered(FilterReason.InvalidField);
                return;
            }
        }

        if (values.Length < slot.Fields.Length)
        {
            Array.Resize(ref values, slot.Fields.Length);
        }

        Enqueue(new PendingEvent(slot, values, null, _time.GetUtcNow()));
    }

    /// <summary>The end of every accepted event on the app's thread: into the in-memory stage of the durable queue,
    /// which the background writer drains to disk. The event id is made there too, off the app's thread.</summary>
    private void Enqueue(in PendingEvent pending)
    {
        if (!_channel.Writer.TryWrite(pending))
        {
            _diagnostics.Dropped(DropReason.QueueFull);
        }
    }

    private void TrackBuiltIn(string name, params (string Field, FieldValue Value)[] fields)
    {
        try
        {
            if (!_table.TryResolve(name, out var handle))
            {
                _diagnostics.ReceivedAndFiltered(FilterReason.UnknownEvent);
                return;
            }

            var reason = _gate.Check(handle.Index);
            if (reason != FilterReason.None)
            {
                _diagnostics.ReceivedAndFiltered(reason);
                return;
            }

            TrackOwned(handle, BuildValues(_table.Slots[handle.Index], fields));
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("track", ex);
        }
    }

    private static FieldValue[] BuildValues(EventSlot slot, (string Field, FieldValue Value)[] fields)
    {
        var values = new FieldValue[slot.Fields.Length];
        foreach (var (field, value) in fields)
        {
            var index = slot.FieldIndex(field);
            if (index >= 0)
            {
                values[index] = value;
            }
        }

        return values;
    }

    private async Task WriteLoopAsync()
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                // Let a burst gather before writing: one wake-up of this thread and one fsync per burst, instead of
                // a thread wake-up (a system call, microseconds) for almost every event the app records. This is a
                // batching window of the writer, not app-visible time, so it runs on the real clock: a test's fake
                // clock must not stall the writer. A crash report and FlushAsync/Dispose drain at once.
                await Task.Delay(WriteGatherWindow, _stopping.Token).ConfigureAwait(false);
                DrainChannel();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: Dispose drains what is left synchronously.
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("write_loop", ex);
        }
    }

    /// <summary>Writes every event waiting in memory to the durable queue and flushes it to disk (one fsync per
    /// drain, however many events: group commit).</summary>
    private void DrainChannel()
    {
        lock (_writeGate)
        {
            var written = 0;
            try
            {
                while (_channel.Reader.TryRead(out var pending))
                {
                    if (Persist(pending))
                    {
                        written++;
                    }
                }
            }
            finally
            {
                _queue.Commit();
                _diagnostics.Persisted(written);
            }
        }
    }

    private bool Persist(PendingEvent e)
    {
        try
        {
            // The policy may have changed while the event waited in memory.
            var reason = _gate.Check(e.Slot.Index);
            if (reason != FilterReason.None)
            {
                _diagnostics.Filtered(reason);
                return false;
            }

            var values = e.Values ?? ToFieldValues(e.Generated!);
            if (!_pii.Inspect(e.Slot, values))
            {
                return false;
            }

            var id = Guid.NewGuid().ToString("D");
            return _queue.TryAppend(
                e.Slot.Name,
                seq => EventSerializer.Serialize(e.Slot, values, id, e.Time, seq, _productId, _appVersion, _session, _device),
                out _);
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("persist", ex);
            return false;
        }
    }

    private async Task PolicyLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var policy = await _policyClient.FetchAsync(token).ConfigureAwait(false);
                if (policy is not null)
                {
                    ApplyPolicy(policy);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _diagnostics.InternalError("policy_poll", ex);
            }
            finally
            {
                _firstPolicy.TrySetResult(true);
            }

            await Delays.WaitAsync(_time, _options.PolicyPollInterval, _policySignal, token).ConfigureAwait(false);
        }
    }

    private void ApplyPolicy(TenantPolicy policy)
    {
        _gate.Apply(policy);
        if (!policy.CollectionOn)
        {
            lock (_writeGate)
            {
                var discarded = 0;
                while (_channel.Reader.TryRead(out _))
                {
                    discarded++;
                }

                if (discarded > 0)
                {
                    _diagnostics.Dropped(DropReason.CollectionOff, discarded);
                }

                _queue.Clear(DropReason.CollectionOff);
            }
        }
        else
        {
            _queue.RemoveWhere(e => _gate.Check(e.Name) != FilterReason.None, DropReason.PolicyChanged);
        }

        Delays.Signal(_uploadSignal);
    }

    private void OnForbidden()
    {
        // The collector is the authority: stop now, clear the queue, and ask at once what the policy is.
        var current = _gate.Policy;
        ApplyPolicy(current with { CollectionOn = false });
        _policyClient.ForgetEtag();
        Delays.Signal(_policySignal);
    }

    private async Task UploadLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var interval = TimeSpan.FromSeconds(_gate.Policy.UploadIntervalSeconds);
                await Delays.WaitAsync(_time, interval, _uploadSignal, token).ConfigureAwait(false);
                var wait = _uploader.NotBefore - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Delays.DelayAsync(_time, wait, token).ConfigureAwait(false);
                }

                await UploadUntilEmptyAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _diagnostics.InternalError("upload_loop", ex);
            }
        }
    }

    /// <summary>Uploads batches until the queue is empty (true) or an upload must wait (false on cancellation).</summary>
    private async Task<bool> UploadUntilEmptyAsync(CancellationToken token)
    {
        // Nothing leaves before the first answer about the policy (or the failure to get one).
        if (!_firstPolicy.Task.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), cancelled))
            {
                await Task.WhenAny(_firstPolicy.Task, cancelled.Task).ConfigureAwait(false);
            }

            token.ThrowIfCancellationRequested();
        }
        while (true)
        {
            var wait = _uploader.NotBefore - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Delays.DelayAsync(_time, wait, token).ConfigureAwait(false);
            }

            var outcome = await _uploader.UploadOnceAsync(token).ConfigureAwait(false);
            if (outcome is UploadOutcome.Empty or UploadOutcome.Forbidden)
            {
                return true;
            }
        }
    }

    private FlushReceipt TakeReceipt(bool completed)
    {
        var now = _diagnostics.Snapshot();
        lock (_receiptGate)
        {
            var dropped = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var pair in now.Dropped)
            {
                var before = _receiptDropped.TryGetValue(pair.Key, out var b) ? b : 0;
                if (pair.Value - before > 0)
                {
                    dropped[pair.Key] = pair.Value - before;
                }
            }

            var receipt = new FlushReceipt(now.Persisted - _receiptPersisted, now.Sent - _receiptSent, dropped, _queue.Count, completed);
            _receiptPersisted = now.Persisted;
            _receiptSent = now.Sent;
            _receiptDropped = now.Dropped;
            return receipt;
        }
    }

    private void RecordStartEvents()
    {
        var previous = InstallState.ReadPreviousVersion(_dataFolder);
        if (previous is null)
        {
            TrackBuiltIn(BuiltInEvents.Installed);
        }
        else if (!string.Equals(previous, _appVersion, StringComparison.Ordinal))
        {
            TrackBuiltIn(BuiltInEvents.Updated, ("previousVersion", FieldValue.From(previous)));
        }

        if (_device.DeviceIdCreated)
        {
            TrackBuiltIn(BuiltInEvents.FirstRun);
        }

        InstallState.Write(_dataFolder, _appVersion);
        TrackBuiltIn(BuiltInEvents.SessionStarted);
        RecordDeviceConfiguration();
    }

    private void RecordDeviceConfiguration()
    {
        var memory = DeviceFacts.TotalMemoryBytes();
        if (memory is null)
        {
            // Without a memory figure the event would be invalid; no guess is sent instead.
            return;
        }

        TrackBuiltIn(
            BuiltInEvents.DeviceConfiguration,
            ("networkType", FieldValue.From(DeviceFacts.NetworkType())),
            ("memoryClass", FieldValue.From(DeviceFacts.MemoryClass(memory.Value))),
            ("displayClass", FieldValue.From(DeviceFacts.DisplayClass(_device.DeviceClass))),
            ("processorCount", FieldValue.From(Environment.ProcessorCount)),
            ("timeZoneOffsetMinutes", FieldValue.From((long)_time.LocalTimeZone.GetUtcOffset(_time.GetUtcNow()).TotalMinutes)),
            ("runtimeVersion", FieldValue.From(Environment.Version.ToString())),
            ("is64BitProcess", FieldValue.From(Environment.Is64BitProcess)));
    }

    private void OnUnhandledException(object sender, UnhandledExceptionEventArgs args)
    {
        if (args.ExceptionObject is Exception exception)
        {
            RecordCrash(exception);
        }
    }

    /// <summary>Records <c>app.crashed</c> for an exception and writes it, with every event before it, to disk before
    /// returning: the caller's process is about to die. Only the type, HResult and stack signature are kept.</summary>
    internal void RecordCrash(Exception exception)
    {
        try
        {
            var report = CrashSignature.Create(exception);
            TrackBuiltIn(
                BuiltInEvents.Crashed,
                ("exceptionType", FieldValue.From(Clip(report.ExceptionType, 128))),
                ("stackSignature", FieldValue.From(ClipSignature(report.StackSignature, 128))),
                ("hResult", FieldValue.From(report.HResult)));
            // The process is about to die: write the crash (and everything before it) to disk on this thread.
            DrainChannel();
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("crash_handler", ex);
        }
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text.Substring(0, max);

    /// <summary>Keeps whole frames so that the same crash always gives the same (shorter) signature.</summary>
    private static string ClipSignature(string signature, int max)
    {
        if (signature.Length <= max)
        {
            return signature.Length == 0 ? "unknown" : signature;
        }

        var cut = signature.LastIndexOf('|', max);
        return cut > 0 ? signature.Substring(0, cut) : signature.Substring(0, max);
    }

    private bool BeginDispose()
    {
        if (Interlocked.Exchange(ref _disposed, 2) != 0)
        {
            return false;
        }

        if (_options.CaptureUnhandledExceptions)
        {
            AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        }

        if (_options.RecordLifecycleEvents)
        {
            // Recorded before the client refuses new events.
            Volatile.Write(ref _disposed, 0);
            TrackBuiltIn(BuiltInEvents.SessionEnded, ("durationMs", FieldValue.From(_time.GetElapsedTime(_sessionStarted))));
            Volatile.Write(ref _disposed, 1);
        }
        else
        {
            Volatile.Write(ref _disposed, 1);
        }

        return true;
    }

    private async Task FinishAsync()
    {
        try
        {
            DrainChannel();
            using var limit = new CancellationTokenSource(_options.DisposeTimeout);
            await UploadUntilEmptyAsync(limit.Token).ConfigureAwait(false);
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
            _stopping.Cancel();
            DrainChannel();
            _queue.Dispose();
            _http.Dispose();
            _diagnostics.Dispose();
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("dispose", ex);
        }
    }

    private void WriteCatalogCopy(CompiledCatalog catalog)
    {
        try
        {
            // The viewer shows each uploaded event's description from this copy, without needing the app.
            var hashPath = Path.Combine(_dataFolder, "catalog.hash");
            if (!string.Equals(DataFolder.ReadAllTextOrNull(hashPath), catalog.ContentHash, StringComparison.Ordinal) || catalog.ContentHash.Length == 0)
            {
                DataFolder.WriteAllTextAtomic(Path.Combine(_dataFolder, "catalog.json"), CompiledCatalogJson.Serialize(catalog));
                DataFolder.WriteAllTextAtomic(hashPath, catalog.ContentHash);
            }
        }
        catch (Exception ex)
        {
            _diagnostics.InternalError("catalog_copy", ex);
        }
    }

    private static FieldValue[] ToFieldValues(CandorFieldValue[] generated)
    {
        var values = new FieldValue[generated.Length];
        for (var i = 0; i < generated.Length; i++)
        {
            values[i] = generated[i].Value;
        }

        return values;
    }

    /// <summary>An accepted event waiting in memory. A struct, so the in-memory stage allocates nothing per event:
    /// the only allocation of a typed event is the value array its generated method makes.</summary>
    private readonly struct PendingEvent
    {
        public PendingEvent(EventSlot slot, FieldValue[]? values, CandorFieldValue[]? generated, DateTimeOffset time)
        {
            Slot = slot;
            Values = values;
            Generated = generated;
            Time = time;
        }

        public EventSlot Slot { get; }

        /// <summary>The values in catalog order (generic and built-in events), or null for <see cref="Generated"/>.</summary>
        public FieldValue[]? Values { get; }

        /// <summary>The generated code's own array, in catalog order, converted off the app's thread.</summary>
        public CandorFieldValue[]? Generated { get; }

        public DateTimeOffset Time { get; }
    }
}

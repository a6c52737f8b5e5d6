using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Client.Policy;
using Candor.Client.Queue;
using Candor.Client.Transcript;

namespace Candor.Client.Upload;

/// <summary>Empties the durable queue towards the collector: one background loop wakes on the policy's upload
/// interval, or at once when <see cref="Wake"/> is called (a new policy), waits out any backoff, then sends batches
/// through the <see cref="BatchSender"/> until the queue is empty or a send must wait. <c>FlushAsync</c> and dispose
/// call <see cref="UploadUntilEmptyAsync"/> directly. Nothing leaves before the policy's first answer (or the failure
/// to get one).
/// <para>Back-pressure: one batch in flight at a time, whoever sends it; the queue on disk is what waits. Failure: a
/// failed send is counted and retried after the sender's backoff (or the collector's <c>Retry-After</c>); a failure
/// of the loop itself is counted and the loop goes on.</para>
/// <para>Shutdown: <see cref="Dispose"/> stops the loop and cancels a send in flight; what was not acknowledged stays
/// queued for the next run.</para>
/// Thread-safe.</summary>
internal sealed class Uploader : IDisposable
{
    private readonly BatchSender _sender;
    private readonly PolicyGate _gate;
    private readonly TimeProvider _time;
    private readonly Task _firstPolicy;
    private readonly bool _automatic;
    private readonly SelfDiagnostics _diagnostics;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Sends no batch before <paramref name="firstPolicy"/> completes (the policy's first answer), and calls
    /// <paramref name="onForbidden"/> when the collector answers 403 (collection is off).</summary>
    public Uploader(
        HttpClient http, Uri collector, string key, DurableQueue queue, PolicyGate gate, EventTable table,
        TranscriptStore transcript, SelfDiagnostics diagnostics, CandorClientOptions options, Task firstPolicy,
        Action onForbidden)
    {
        _sender = new BatchSender(http, collector, key, queue, gate, table, transcript, diagnostics, options, onForbidden);
        _gate = gate;
        _time = options.TimeProvider;
        _firstPolicy = firstPolicy;
        _automatic = options.AutomaticUpload;
        _diagnostics = diagnostics;
    }

    /// <summary>True once <see cref="Dispose"/> has stopped the uploader.</summary>
    public bool IsStopped => _stopping.IsCancellationRequested;

    /// <summary>Starts the background loop, unless automatic upload is off (then only flushes send). The loop catches
    /// its own failures, so nobody needs to await it.</summary>
    public void Start()
    {
        if (_automatic)
        {
            _ = Task.Run(RunAsync);
        }
    }

    /// <summary>Makes the loop upload now instead of at the end of the interval.</summary>
    public void Wake() => Delays.Signal(_wake);

    /// <summary>Runs <paramref name="action"/> while no batch is in flight.</summary>
    public Task RunExclusiveAsync(Action action, CancellationToken cancellationToken) =>
        _sender.RunExclusiveAsync(action, cancellationToken);

    /// <summary>Uploads batches until the queue is empty (true) or an upload must wait (false on cancellation).</summary>
    public async Task<bool> UploadUntilEmptyAsync(CancellationToken token)
    {
        // Nothing leaves before the first answer about the policy (or the failure to get one).
        if (!_firstPolicy.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), cancelled))
            {
                await Task.WhenAny(_firstPolicy, cancelled.Task).ConfigureAwait(false);
            }

            token.ThrowIfCancellationRequested();
        }
        while (true)
        {
            var wait = _sender.NotBefore - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Delays.DelayAsync(_time, wait, token).ConfigureAwait(false);
            }

            var outcome = await _sender.UploadOnceAsync(token).ConfigureAwait(false);
            if (outcome is UploadOutcome.Empty or UploadOutcome.Forbidden)
            {
                return true;
            }
        }
    }

    /// <summary>Stops the loop; a send in flight is cancelled.</summary>
    public void Dispose() => _stopping.Cancel();

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var interval = TimeSpan.FromSeconds(_gate.Policy.UploadIntervalSeconds);
                await Delays.WaitAsync(_time, interval, _wake, token).ConfigureAwait(false);
                var wait = _sender.NotBefore - _time.GetUtcNow();
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
}

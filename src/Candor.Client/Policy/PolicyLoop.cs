using Candor.Client.Diagnostics;
using Candor.Client.Queue;
using Candor.Client.Upload;
using Candor.Client.Writing;
using Candor.Core.Policy;

namespace Candor.Client.Policy;

/// <summary>Keeps the client on its organisation's current policy: one background loop fetches
/// <c>GET /v1/policy</c> every <see cref="CandorClientOptions.PolicyPollInterval"/> (and at once after the collector
/// refused an upload with 403), and <see cref="Apply"/> puts each new policy in force: the gate first, then the staged
/// and queued events it no longer allows are removed, then the uploader is woken.
/// <para>Failure: a poll that fails or is not answered is counted and the last policy stays in force (after a
/// restart, the one cached in the data folder). <see cref="FirstAnswer"/> completes with the first poll, answered or
/// not; nothing is uploaded before it.</para>
/// <para>Shutdown: <see cref="Dispose"/> stops the loop and cancels a poll in flight.</para>
/// Thread-safe.</summary>
internal sealed class PolicyLoop : IDisposable
{
    private readonly PolicyClient _client;
    private readonly PolicyGate _gate;
    private readonly EventWriter _writer;
    private readonly DurableQueue _queue;
    private readonly Action _applied;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly SelfDiagnostics _diagnostics;
    private readonly SemaphoreSlim _pollNow = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<bool> _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Calls <paramref name="applied"/> after every policy it applies (the uploader's wake-up: a new policy
    /// may allow sending now, or may have emptied the queue).</summary>
    public PolicyLoop(
        PolicyClient client, PolicyGate gate, EventWriter writer, DurableQueue queue, Action applied, TimeProvider time,
        TimeSpan interval, SelfDiagnostics diagnostics)
    {
        _client = client;
        _gate = gate;
        _writer = writer;
        _queue = queue;
        _applied = applied;
        _time = time;
        _interval = interval;
        _diagnostics = diagnostics;
    }

    /// <summary>Completes once the first poll has been answered or has failed.</summary>
    public Task FirstAnswer => _firstAnswer.Task;

    /// <summary>Starts the background loop (once). The loop catches its own failures, so nobody needs to await it.</summary>
    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>Puts <paramref name="policy"/> in force: with collection off, every staged and queued event is
    /// dropped (<c>collection_off</c>); otherwise the queued events it no longer allows are (<c>policy_changed</c>).</summary>
    public void Apply(TenantPolicy policy)
    {
        _gate.Apply(policy);
        if (!policy.CollectionOn)
        {
            _writer.Discard(DropReason.CollectionOff);
        }
        else
        {
            _queue.RemoveWhere(e => _gate.Check(e.Name) != FilterReason.None, DropReason.PolicyChanged);
        }

        _applied();
    }

    /// <summary>The collector answered an upload with 403. It is the authority: stop now, clear the queue, and ask at
    /// once what the policy is (in full, not confirmed by a 304).</summary>
    public void CollectorForbade()
    {
        var current = _gate.Policy;
        Apply(current with { CollectionOn = false });
        _client.ForgetEtag();
        Delays.Signal(_pollNow);
    }

    /// <summary>Stops the loop; a poll in flight is cancelled.</summary>
    public void Dispose() => _stopping.Cancel();

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var policy = await _client.FetchAsync(token).ConfigureAwait(false);
                if (policy is not null)
                {
                    Apply(policy);
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
                _firstAnswer.TrySetResult(true);
            }

            await Delays.WaitAsync(_time, _interval, _pollNow, token).ConfigureAwait(false);
        }
    }
}

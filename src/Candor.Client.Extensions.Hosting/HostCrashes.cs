namespace Candor.Client.Extensions.Hosting;

/// <summary>Where the host's failures become crashes: the one client of the host (once the hosted service has created
/// it) and the exceptions already recorded, so that a failure seen twice (logged by the host, and found faulted when
/// the host stops) is one <c>app.crashed</c>. Thread-safe; never throws.</summary>
internal sealed class HostCrashes
{
    private readonly object _gate = new();
    private readonly List<Exception> _recorded = [];
    private CandorClient? _client;

    /// <summary>Called when the client exists; the crashes found before that are lost (there is no client to record
    /// them yet).</summary>
    public void Attach(CandorClient client) => Volatile.Write(ref _client, client);

    /// <summary>No more crashes once the client is being disposed.</summary>
    public void Detach() => Volatile.Write(ref _client, null);

    /// <summary>Records <paramref name="exception"/> (a single inner exception of an aggregate is recorded in its
    /// place) as <c>app.crashed</c>, written to disk before this returns, unless it was recorded already or the app
    /// turned crash capture off (<c>CaptureUnhandledExceptions</c>).</summary>
    public void Record(Exception? exception)
    {
        var client = Volatile.Read(ref _client);
        if (client is null || exception is null || !client.CapturesCrashes)
        {
            return;
        }

        if (exception is AggregateException { InnerExceptions.Count: 1 } single)
        {
            exception = single.InnerExceptions[0];
        }

        lock (_gate)
        {
            foreach (var seen in _recorded)
            {
                if (ReferenceEquals(seen, exception))
                {
                    return;
                }
            }

            _recorded.Add(exception);
        }

        client.RecordCrash(exception);
    }
}

namespace Candor.Client;

/// <summary>A timed operation started by <see cref="CandorClient.StartOperation"/>. Ending it records
/// <c>app.operation.completed</c> with its duration and outcome, once. Call <see cref="Complete"/> when it succeeded;
/// disposing it without that records a failure, so an exception that skips <c>Complete</c> is counted as one.
/// Not thread-safe; never throws.</summary>
public sealed class CandorOperation : IDisposable
{
    private readonly CandorClient? _client;
    private readonly string _name;
    private readonly long _started;
    private int _ended;

    internal CandorOperation(CandorClient? client, string name, long started)
    {
        _client = client;
        _name = name;
        _started = started;
    }

    /// <summary>Ends the operation as successful.</summary>
    public void Complete() => End(success: true);

    /// <summary>Ends the operation as failed.</summary>
    public void Fail() => End(success: false);

    /// <summary>Ends the operation as failed unless <see cref="Complete"/> or <see cref="Fail"/> ended it already.</summary>
    public void Dispose() => End(success: false);

    private void End(bool success)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _client?.RecordOperation(_name, _started, success);
        }
    }
}

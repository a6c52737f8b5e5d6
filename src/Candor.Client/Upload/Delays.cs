namespace Candor.Client.Upload;

/// <summary>Waiting on the injected clock, on both target frameworks.</summary>
internal static class Delays
{
    public static Task DelayAsync(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }
#if NET
        return Task.Delay(delay, time, cancellationToken);
#else
        return time.Delay(delay, cancellationToken);
#endif
    }

    /// <summary>Waits for the delay or for the signal, whichever comes first; never throws for cancellation.</summary>
    public static async Task WaitAsync(TimeProvider time, TimeSpan delay, SemaphoreSlim signal, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = DelayAsync(time, delay, linked.Token);
        var signalled = signal.WaitAsync(linked.Token);
        try
        {
            await Task.WhenAny(timer, signalled).ConfigureAwait(false);
        }
        finally
        {
            linked.Cancel();
        }

        try
        {
            await Task.WhenAll(timer, signalled).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loser of the race was cancelled on purpose. If the signal arrived at the same moment, its wait
            // completed and consumed it, and the caller acts now anyway: no wake-up is lost.
        }
    }

    /// <summary>Releases a wake-up signal without piling up more than one.</summary>
    public static void Signal(SemaphoreSlim signal)
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread signalled at the same moment: one wake-up is enough.
            }
        }
    }
}

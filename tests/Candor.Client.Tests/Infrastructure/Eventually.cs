namespace Candor.Client.Tests.Infrastructure;

internal static class Eventually
{
    /// <summary>Polls a condition that a background loop makes true; fails the test with the message on timeout.</summary>
    public static async Task TrueAsync(Func<bool> condition, string message, double seconds = 15)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed.TotalSeconds > seconds)
            {
                throw new Xunit.Sdk.XunitException("Timed out: " + message);
            }

            await Task.Delay(25);
        }
    }
}

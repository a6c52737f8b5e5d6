using System.Diagnostics;
using System.Globalization;
using Candor.Analytics.Projection;

namespace Candor.Analytics.Bench;

/// <summary>Collects how long each step of a projector run took, from the activities the projector traces
/// (<see cref="AnalyticsProjector.ActivitySourceName"/>): the product needs no member for the bench.</summary>
internal sealed class ProjectorSteps : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<(string Step, double Milliseconds)> _steps = [];

    public ProjectorSteps()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AnalyticsProjector.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                lock (_steps)
                {
                    _steps.Add((activity.OperationName, activity.Duration.TotalMilliseconds));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The steps since the last call, e.g. <c>sessions 6712 ms, durations 97012 ms, ...</c>.</summary>
    public string TakeSummary()
    {
        lock (_steps)
        {
            var summary = string.Join(", ", _steps.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{s.Step.Replace("analytics_", "", StringComparison.Ordinal)} {s.Milliseconds:F0} ms")));
            _steps.Clear();
            return summary;
        }
    }

    public void Dispose() => _listener.Dispose();
}

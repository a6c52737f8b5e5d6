using System.Diagnostics;
using Candor.Analytics.Projection;
using Candor.Analytics.Tests.Health;
using Xunit;

namespace Candor.Analytics.Tests.Projection;

public sealed class ProjectorTracingTests
{
    private const string TestSourceName = "Candor.Analytics.Tests.ProjectorTracing";

    [Fact]
    public async Task A_projector_run_traces_one_activity_per_fact_table_then_the_fingerprints()
    {
        // Listeners are process-wide and other tests run projectors in parallel: only this test's trace counts.
        var steps = new List<(ActivityTraceId Trace, string Step)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AnalyticsProjector.ActivitySourceName or TestSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                lock (steps)
                {
                    steps.Add((activity.TraceId, activity.OperationName));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var store = await TestStore.OpenAsync("duckdb");
        await store.Store.AppendAsync(HandComputedFiguresTests.Dataset(Guid.NewGuid()).Events);

        ActivityTraceId trace;
        using var testSource = new ActivitySource(TestSourceName);
        using (var test = testSource.StartActivity("test")!)
        {
            trace = test.TraceId;
            await new AnalyticsProjector(store.Analytics).RunAsync();
        }

        List<string> seen;
        lock (steps)
        {
            seen = [.. steps.Where(s => s.Trace == trace && s.Step != "test").Select(s => s.Step)];
        }

        Assert.Equal("fingerprints", seen[^1]);
        Assert.Contains("analytics_sessions", seen);
        Assert.Contains("analytics_durations", seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }
}

using System.Globalization;
using Candor.Analytics.Health;
using Candor.Analytics.Projection;
using Candor.Core.Model;
using Xunit;

namespace Candor.Analytics.Tests.Projection;

/// <summary>What becomes a duration fact: one measurement reported both as a product event with a durationMs and as
/// app.operation.completed (the demo's sync) counts once, under the operation; a product event alone counts under its
/// name. Regression for the demo printing the sync regression twice.</summary>
public sealed class DurationProjectionTests
{
    private static readonly DateOnly Day = new(2026, 11, 21);

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_measurement_reported_by_an_event_and_an_operation_counts_once_under_the_operation(string backend)
    {
        await using var store = await TestStore.OpenAsync(backend);
        var tenant = Guid.NewGuid();
        var f = new Fleetlet(tenant);
        var device = Guid.NewGuid();
        var session = f.Session(device, "p.one", "1.0", Day);
        for (var i = 0; i < 3; i++)
        {
            f.Operation(device, session, "p.one", "1.0", Day, "sync", 100 * (i + 1));
            f.Add(device, session, "p.one", "1.0", Day, "p.sync.completed", DataCategory.ProductAndServicePerformance,
                string.Create(CultureInfo.InvariantCulture, $$"""{"durationMs":{{100 * (i + 1)}},"result":"success"}"""));

            // The twin is sent at the instant of the operation it describes.
            f.Events[^1] = f.Events[^1] with { Time = f.Events[^2].Time };
        }

        f.Add(device, session, "p.one", "1.0", Day, "p.form.load_completed", DataCategory.ProductAndServicePerformance, """{"durationMs":250}""");
        await store.Store.AppendAsync(f.Events);
        await new AnalyticsProjector(store.Analytics).RunAsync();

        var performance = await new HealthQueries(store.Analytics).PerformanceAsync(new HealthWindow(tenant, Day, Day), null, perDeviceClass: false);
        Assert.Equal([("p.form.load_completed", 1L), ("sync", 3L)], performance.Select(p => (p.Operation, p.Count)));
        Assert.Equal((200.0, "all"), (performance[1].P50, performance[1].DeviceClass));
    }
}

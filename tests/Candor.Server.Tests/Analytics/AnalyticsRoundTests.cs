using Candor.Server.Analytics;
using Xunit;

namespace Candor.Server.Tests.Analytics;

/// <summary>When a background round runs regression detection, which reads every tenant's 30 days of facts.</summary>
public sealed class AnalyticsRoundTests
{
    private static readonly DateOnly Today = new(2026, 12, 6);

    [Fact]
    public void The_first_round_detects_even_when_its_projection_added_nothing() =>
        Assert.True(AnalyticsService.DetectionDue(added: 0, Today, lastDetected: null));

    [Fact]
    public void A_round_that_added_facts_detects() =>
        Assert.True(AnalyticsService.DetectionDue(added: 1, Today, lastDetected: Today));

    [Fact]
    public void An_idle_round_on_the_day_of_the_last_detection_skips_it() =>
        Assert.False(AnalyticsService.DetectionDue(added: 0, Today, lastDetected: Today));

    [Fact]
    public void An_idle_round_on_a_new_day_detects_since_the_window_moved() =>
        Assert.True(AnalyticsService.DetectionDue(added: 0, Today, lastDetected: Today.AddDays(-1)));
}

using System.Globalization;
using Candor.Analytics.Projection;
using Candor.Core.Model;
using Candor.Storage;
using Xunit;

namespace Candor.Analytics.Tests.Projection;

/// <summary>A device-day is one (tenant, device, product, version, UTC day) with the first reception of its events,
/// however many envelopes its events came in: on DuckDB the projector groups a window's events by envelope id first
/// and merges the envelopes of the same product and version afterwards, which must give exactly the groups and first
/// receptions of a grouping of every event.</summary>
public sealed class DeviceDayProjectionTests
{
    private static readonly DateOnly Day = new(2026, 11, 21);

    [Theory]
    [InlineData("duckdb")]
    [InlineData("postgres")]
    public async Task A_device_whose_events_of_a_day_came_in_several_envelopes_of_one_version_is_one_device_day_with_its_first_reception(string backend)
    {
        var events = Dataset();
        await using var store = await TestStore.OpenAsync(backend);
        await store.Store.AppendAsync(events);
        Assert.True(await new AnalyticsProjector(store.Analytics).RunAsync() > 0);

        var expected = events
            .GroupBy(e => (e.TenantId, e.DeviceId, e.Product, e.AppVersion, Day: DateOnly.FromDateTime(e.Time.UtcDateTime)))
            .Select(g => Row(g.Key.TenantId, g.Key.DeviceId, g.Key.Product, g.Key.AppVersion, g.Key.Day, g.Min(e => e.ReceivedAt.UtcDateTime)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var rows = await store.Analytics.QueryAsync(new SqlStatement(
            "SELECT tenant_id, device_id, product, app_version, day, received_at FROM analytics_device_days"));
        var actual = rows.Select(r => Row((Guid)r[0]!, (Guid)r[1]!, (string)r[2]!, (string)r[3]!, Date(r[4]!), Time(r[5]!)))
            .Order(StringComparer.Ordinal)
            .ToList();

        // 2 tenants x 2 devices x (2 versions on the first day + 1 on the second).
        Assert.Equal(12, expected.Count);
        Assert.Equal(expected, actual);
    }

    /// <summary>Each device's events of a day carry one of three envelopes of the same product and version (the OS
    /// updated, the locale changed), received out of order, so that the first reception of a device-day lies in an
    /// envelope other than its first event's; a second version on the first day and a second day make other groups.</summary>
    private static List<StoredEvent> Dataset()
    {
        var events = new List<StoredEvent>();
        var random = new Random(11);
        var received = new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);
        string[] osVersions = ["10", "11", "11"];
        string[] locales = ["en-GB", "en-GB", "de-DE"];
        foreach (var tenant in new[] { Guid.NewGuid(), Guid.NewGuid() })
        {
            foreach (var device in new[] { Guid.NewGuid(), Guid.NewGuid() })
            {
                foreach (var (day, version) in new[] { (Day, "1.0"), (Day, "1.1"), (Day.AddDays(1), "1.1") })
                {
                    var session = Guid.NewGuid();
                    for (var i = 0; i < 9; i++)
                    {
                        events.Add(new StoredEvent
                        {
                            TenantId = tenant,
                            EventId = Guid.NewGuid(),
                            Name = i == 0 ? "app.session.started" : "p.page.viewed",
                            Level = DataLevel.Required,
                            Category = DataCategory.ProductAndServiceUsage,
                            Product = "p.one",
                            AppVersion = version,
                            Sdk = "candor-dotnet/1.0.0",
                            SessionId = session,
                            DeviceId = device,
                            DeviceClass = "desktop",
                            Os = "Windows",
                            OsVersion = osVersions[i % 3],
                            Arch = "x64",
                            Locale = locales[i % 3],
                            Seq = events.Count + 1,
                            Time = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero).AddMinutes(i),
                            ReceivedAt = new DateTimeOffset(received.AddSeconds(random.Next(0, 3600)).AddTicks(10 * events.Count)),
                            Data = "{}",
                        });
                    }
                }
            }
        }

        return events;
    }

    private static string Row(Guid tenant, Guid device, string product, string version, DateOnly day, DateTime firstReceived) =>
        string.Create(CultureInfo.InvariantCulture, $"{tenant}|{device}|{product}|{version}|{day:O}|{firstReceived:O}");

    private static DateOnly Date(object value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => throw new InvalidCastException(value.GetType().Name),
    };

    private static DateTime Time(object value) => value switch
    {
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset o => o.UtcDateTime,
        _ => throw new InvalidCastException(value.GetType().Name),
    };
}

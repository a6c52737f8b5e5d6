using Candor.Fleet.Simulation;
using Candor.Fleet.Wire;

namespace Candor.Fleet.Tests.Simulation;

[Collection(CatalogCollection.Name)]
public sealed class FleetSimulatorTests(CatalogFixture fixture)
{
    [Fact]
    public void Same_seed_gives_byte_identical_batches()
    {
        var first = FleetData.Batches(fixture.Catalog, FleetData.Options(60, 2, seed: 7));
        var second = FleetData.Batches(fixture.Catalog, FleetData.Options(60, 2, seed: 7));

        Assert.True(first.Count > 5);
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Json, second[i].Json);
        }
    }

    [Fact]
    public void Different_seeds_give_different_fleets()
    {
        var a = FleetData.Events(FleetData.Batches(fixture.Catalog, FleetData.Options(30, 1, seed: 1)));
        var b = FleetData.Events(FleetData.Batches(fixture.Catalog, FleetData.Options(30, 1, seed: 2)));

        Assert.Empty(a.Select(e => e.Device).Intersect(b.Select(e => e.Device)));
    }

    [Fact]
    public void Every_generated_event_is_declared_by_the_catalog_with_valid_values()
    {
        var problems = new List<string>();
        var count = 0;
        foreach (var ev in FleetData.RawEvents(FleetData.Batches(fixture.Catalog, FleetData.Options(300, 3))))
        {
            count++;
            problems.AddRange(CatalogValidator.Validate(ev, fixture.Catalog));
        }

        Assert.True(count > 10_000, $"only {count} events");
        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct().Take(30)));
    }

    [Fact]
    public void All_fifteen_products_and_most_catalog_events_appear()
    {
        var events = fixture.Week;

        Assert.Equal(15, fixture.Catalog.Products.Count);
        Assert.Equal(fixture.Catalog.Products.Select(p => p.Id).Order(), events.Select(e => e.Product).Distinct().Order());
        var unseen = fixture.Catalog.Events.Select(e => e.Name).Except(events.Select(e => e.Name)).ToList();
        Assert.True(unseen.Count <= 3, "never generated: " + string.Join(", ", unseen));
    }

    [Fact]
    public void A_small_fleet_still_covers_every_product()
    {
        var events = FleetData.Events(FleetData.Batches(fixture.Catalog, FleetData.Options(20, 1)));

        Assert.Equal(15, events.Select(e => e.Product).Distinct().Count());
    }

    [Fact]
    public void Newest_field_service_release_crashes_more_per_session_than_its_predecessor()
    {
        var events = fixture.Week
            .Where(e => e.Product == FailurePatterns.RegressionProduct).ToList();
        var versions = FleetData.OrderVersions(events.Select(e => e.AppVersion));
        var (newest, previous) = (versions[^1], versions[^2]);

        double CrashRate(string version) =>
            (double)events.Count(e => e.AppVersion == version && e.Name == "app.crashed")
            / events.Count(e => e.AppVersion == version && e.Name == "app.session.started");

        Assert.True(events.Count(e => e.AppVersion == previous && e.Name == "app.session.started") > 100);
        Assert.True(CrashRate(newest) > 3 * CrashRate(previous), $"crash rate {newest}: {CrashRate(newest):P1}, {previous}: {CrashRate(previous):P1}");
        var signature = events.Where(e => e.AppVersion == newest && e.Name == "app.crashed")
            .GroupBy(e => e.Data.GetProperty("stackSignature").GetString()).MaxBy(g => g.Count())!.Key;
        Assert.Equal(FailurePatterns.SyncEngineNullReference.StackSignature, signature);
    }

    [Fact]
    public void Newest_field_service_release_syncs_slower_at_p95_than_its_predecessor()
    {
        var events = fixture.Week
            .Where(e => e.Product == FailurePatterns.RegressionProduct && e.Name == "fieldservice.sync.completed").ToList();
        var versions = FleetData.OrderVersions(events.Select(e => e.AppVersion));

        double P95(string version) => FleetData.Percentile(
            [.. events.Where(e => e.AppVersion == version).Select(e => e.Data.GetProperty("durationMs").GetInt64())], .95);

        Assert.True(P95(versions[^1]) > 1.5 * P95(versions[^2]), $"p95 {versions[^1]}: {P95(versions[^1])}, {versions[^2]}: {P95(versions[^2])}");
    }

    [Fact]
    public void Each_device_counts_its_events_in_time_order_within_the_period()
    {
        var fleet = new FleetSimulator(fixture.Catalog, FleetData.Options(100, 3));
        var events = FleetData.Events(BatchWriter.Batches(fleet));
        var start = DateTimeOffset.FromUnixTimeMilliseconds(fleet.StartMs);

        Assert.All(events, e => Assert.InRange(e.Time, start, FleetData.End));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Time <= p.Second.Time), "the stream is not in time order");
        foreach (var device in events.GroupBy(e => e.Device))
        {
            Assert.Equal(Enumerable.Range(1, device.Count()).Select(i => (long)i), device.Select(e => e.Seq));
        }

        Assert.Equal(events.Count, events.Select(e => e.Data.GetRawText() + e.Seq + e.Device).Distinct().Count());
    }

    [Fact]
    public void Updates_during_the_period_report_the_version_they_replaced()
    {
        var events = fixture.Week;
        var updates = events.Where(e => e.Name == "app.updated").ToList();

        Assert.True(updates.Count >= 10, $"{updates.Count} updates");
        Assert.All(updates, u => Assert.True(
            Version.Parse(u.Data.GetProperty("previousVersion").GetString()!) < Version.Parse(u.AppVersion),
            $"{u.Product} updated from {u.Data.GetProperty("previousVersion")} to {u.AppVersion}"));
        Assert.Contains(events, e => e.Name == "app.first_run");
    }

    [Fact]
    public void Sessions_have_one_configuration_and_end_or_crash()
    {
        var events = FleetData.Events(FleetData.Batches(fixture.Catalog, FleetData.Options(100, 3)));

        foreach (var session in events.GroupBy(e => e.Session).Where(s => s.Any(e => e.Name == "app.session.started")))
        {
            Assert.Equal(1, session.Count(e => e.Name == "device.configuration"));
            Assert.Equal(1, session.Count(e => e.Name is "app.session.ended" or "app.crashed"));
        }
    }

    [Fact]
    public void Every_product_keeps_several_versions_in_use_with_adoption_skewed_to_the_newest()
    {
        var events = fixture.Week.Where(e => e.Name == "app.session.started").ToList();

        foreach (var product in events.GroupBy(e => e.Product).Where(p => p.Select(e => e.Device).Distinct().Count() >= 15))
        {
            var byVersion = product.GroupBy(e => e.AppVersion).ToDictionary(g => g.Key, g => g.Select(e => e.Device).Distinct().Count());
            var versions = FleetData.OrderVersions(byVersion.Keys);
            var devices = product.Select(e => e.Device).Distinct().Count();
            Assert.True(versions.Count >= 3, $"{product.Key} has {versions.Count} versions in use");
            Assert.True(byVersion[versions[^1]] > byVersion[versions[0]], $"{product.Key}: newest is not ahead of the oldest");
            Assert.True(byVersion[versions[^1]] >= devices * .3, $"{product.Key}: {byVersion[versions[^1]]} of {devices} devices on the newest");
        }
    }

    [Fact]
    public void A_large_fleet_stops_at_the_requested_event_count()
    {
        var options = FleetOptions.ForEventCount(200_000, 3, FleetData.End);
        var batches = BatchWriter.Batches(new FleetSimulator(fixture.Catalog, options));

        var total = 0L;
        var count = 0;
        foreach (var batch in batches)
        {
            Assert.InRange(batch.EventCount, 1, 500);
            total += batch.EventCount;
            count++;
        }

        Assert.Equal(200_000, total);
        Assert.Equal(400, count);
    }

    [Fact]
    public void Invalid_options_are_reported_together()
    {
        var options = FleetData.Options(0, 0) with { BatchSize = 501 };

        var error = Assert.Throws<ArgumentException>(() => new FleetSimulator(fixture.Catalog, options));

        Assert.Contains("devices", error.Message, StringComparison.Ordinal);
        Assert.Contains("days", error.Message, StringComparison.Ordinal);
        Assert.Contains("batch size", error.Message, StringComparison.Ordinal);
    }
}

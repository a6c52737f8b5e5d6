using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Candor.Server.Ingestion;
using Candor.Server.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Candor.Server.Tests.Ingestion;

public sealed class MetricsTests
{
    [Fact]
    public async Task Accepted_duplicate_and_rejected_events_are_counted_by_code_and_batches_timed()
    {
        await using var server = await TestServer.StartAsync();
        var meter = server.Handle.Services.GetRequiredService<CandorMetrics>().Meter;
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var code = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "code")
                {
                    code = "/" + tag.Value;
                }
            }

            totals.AddOrUpdate(instrument.Name + code, value, (_, v) => v + value);
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => totals.AddOrUpdate(instrument.Name, 1, (_, v) => v + 1));
        listener.SetMeasurementEventCallback<int>((instrument, _, _, _) => totals.AddOrUpdate(instrument.Name, 1, (_, v) => v + 1));
        listener.Start();

        var tenant = await server.CreateTenantAsync();
        var batch = Events.Batch(Events.Valid(), Events.Valid(name: "no.such.event"),
            Events.Valid(data: new JsonObject { ["durationMs"] = "x", ["result"] = "success" }));
        await server.PostAsync(tenant.IngestionKey, batch);
        await server.PostAsync(tenant.IngestionKey, batch);
        listener.RecordObservableInstruments();

        Assert.Equal(1, totals.GetValueOrDefault("candor.events.accepted"));
        Assert.Equal(1, totals.GetValueOrDefault("candor.events.duplicates"));
        Assert.Equal(2, totals.GetValueOrDefault("candor.events.rejected/unknown_event"));
        Assert.Equal(2, totals.GetValueOrDefault("candor.events.rejected/invalid_field"));
        Assert.Equal(2, totals.GetValueOrDefault("candor.batches"));
        Assert.Equal(2, totals.GetValueOrDefault("candor.batch.duration"));
        Assert.True(totals.ContainsKey("candor.queue.depth"));
    }
}

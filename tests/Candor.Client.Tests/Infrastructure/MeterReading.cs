using System.Diagnostics.Metrics;

namespace Candor.Client.Tests.Infrastructure;

/// <summary>Reads every instrument of the <c>Candor.Client</c> meters once, as an exporter's collection would:
/// the values by instrument name (with <c>:tag</c> for each tag value), summed over the meters of live clients.</summary>
internal static class MeterReading
{
    public static Dictionary<string, long> Read()
    {
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Candor.Client")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += ":" + tag.Value;
            }

            seen[key] = seen.GetValueOrDefault(key) + value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }
}

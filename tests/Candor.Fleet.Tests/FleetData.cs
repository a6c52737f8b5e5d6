using System.Globalization;
using System.Text.Json;
using Candor.Core.Catalog;
using Candor.Fleet.Simulation;
using Candor.Fleet.Wire;

namespace Candor.Fleet.Tests;

/// <summary>One event as read back from the wire, with what the tests look at.</summary>
internal sealed record WireEvent(
    string Name, string Product, string AppVersion, string Device, string Session, long Seq, DateTimeOffset Time, JsonElement Data);

/// <summary>Runs a fleet and reads its batches back as a collector would.</summary>
internal static class FleetData
{
    public static readonly DateTimeOffset End = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    public static FleetOptions Options(int devices, int days, int seed = 42) =>
        new() { Seed = seed, Devices = devices, Days = days, End = End };

    public static List<FleetBatch> Batches(CompiledCatalog catalog, FleetOptions options) =>
        [.. BatchWriter.Batches(new FleetSimulator(catalog, options))];

    public static IEnumerable<JsonElement> RawEvents(IEnumerable<FleetBatch> batches)
    {
        foreach (var batch in batches)
        {
            using var doc = JsonDocument.Parse(batch.Json);
            foreach (var ev in doc.RootElement.GetProperty("events").EnumerateArray())
            {
                yield return ev.Clone();
            }
        }
    }

    public static List<WireEvent> Events(IEnumerable<FleetBatch> batches) =>
        [.. RawEvents(batches).Select(e => new WireEvent(
            e.GetProperty("name").GetString()!,
            e.GetProperty("product").GetString()!,
            e.GetProperty("appVersion").GetString()!,
            e.GetProperty("device").GetProperty("id").GetString()!,
            e.GetProperty("session").GetString()!,
            e.GetProperty("seq").GetInt64(),
            DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture),
            e.GetProperty("data")))];

    public static double Percentile(IReadOnlyList<long> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    /// <summary>Versions ordered numerically, oldest first.</summary>
    public static List<string> OrderVersions(IEnumerable<string> versions) =>
        [.. versions.Distinct().OrderBy(v => Version.Parse(v))];
}

using Candor.Core.Catalog;
using Candor.Fleet.Events;

namespace Candor.Fleet.Simulation;

/// <summary>The simulated fleet: every device's events merged into one stream in time order (ties broken by
/// device, then by sequence), produced lazily: memory grows with the number of devices, not of events.</summary>
internal sealed class FleetSimulator
{
    private readonly EventCatalog _catalog;
    private readonly FleetOptions _options;

    public FleetSimulator(CompiledCatalog catalog, FleetOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        if (catalog.Products.Count == 0)
        {
            throw new ArgumentException("The catalog declares no product to simulate.", nameof(catalog));
        }

        _catalog = new EventCatalog(catalog);
        _options = options;
        var rng = new Random(Distributions.DeriveSeed(options.Seed, -1));
        Products = ProductKnowledge.Build(catalog, options.End, rng);
        EndMs = options.End.ToUnixTimeMilliseconds();
        StartMs = EndMs - (options.Days * DeviceSimulator.DayMs);
    }

    public IReadOnlyList<ProductProfile> Products { get; }

    public long StartMs { get; }

    public long EndMs { get; }

    public FleetOptions Options => _options;

    /// <summary>Creates the devices; each has its own generator seeded from the fleet seed and its index.</summary>
    internal List<DeviceSimulator> CreateDevices()
    {
        var weights = Products.Select(p => p.Popularity).ToArray();
        var placement = new Random(Distributions.DeriveSeed(_options.Seed, -2));
        var devices = new List<DeviceSimulator>(_options.Devices);
        for (var i = 0; i < _options.Devices; i++)
        {
            // The first installations cover every product once, so that even a small fleet shows the whole family.
            var product = i < Products.Count ? Products[i] : Products[Distributions.Weighted(placement, weights)];
            var seed = Distributions.DeriveSeed(_options.Seed, i);
            var rng = new Random(seed);
            var device = Platforms.CreateDevice(i, product, rng);
            var preinstalled = i < Products.Count || !Distributions.Chance(rng, .05);
            devices.Add(new DeviceSimulator(
                device, Distributions.DeriveSeed(seed, 7), _catalog, StartMs, EndMs, _options.Days, preinstalled, alwaysActive: i < Products.Count,
                ids: _options.Ids));
        }

        return devices;
    }

    /// <summary>Every event of the period in time order, up to <see cref="FleetOptions.MaxEvents"/>.</summary>
    public IEnumerable<SimEvent> Events()
    {
        var queue = new PriorityQueue<DeviceSimulator, (long Time, int Device)>();
        foreach (var device in CreateDevices())
        {
            if (device.MoveNext())
            {
                queue.Enqueue(device, (device.Current.TimeMs, device.Device.Index));
            }
        }

        var limit = _options.MaxEvents ?? long.MaxValue;
        long produced = 0;
        while (produced < limit && queue.TryDequeue(out var device, out _))
        {
            yield return device.Current;
            produced++;
            if (device.MoveNext())
            {
                queue.Enqueue(device, (device.Current.TimeMs, device.Device.Index));
            }
        }
    }
}

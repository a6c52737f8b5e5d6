using Candor.Fleet.Events;

namespace Candor.Fleet.Simulation;

/// <summary>The installation over time: update offers, what a device reports once a day, and uninstalling.</summary>
internal sealed partial class DeviceSimulator
{
    private void OfferUpdate(long t)
    {
        _updateOfferedToday = true;
        var newest = _device.Product.NewestVersion;
        if (Make("app.update.available", t) is { } offer)
        {
            offer.Set("availableVersion", newest);
            offer.Set("updateSource", Platforms.UpdateSource(_device));
            Add(offer);
        }

        if (Distributions.Chance(_rng, .08))
        {
            if (Make("app.update.failed", t + 30_000) is { } failed)
            {
                failed.Set("targetVersion", newest);
                failed.Set("stage", Distributions.Pick(_rng, new[] { "download", "verify", "apply" }));
                failed.Set("errorCode", Distributions.Pick(_rng, new[] { "0x80070643", "0x80070005", "0x800f0922", "0x80072efd" }));
                Add(failed);
            }

            return;
        }

        _updatePending = true;
    }

    private void Daily(long t)
    {
        if (Make("app.inventory.reported", t) is { } inventory)
        {
            inventory.Set("daysSinceUpdate", (long)_rng.Next(60));
            Add(inventory);
        }

        if (_device.Managed && Make("app.managed_configuration.applied", t) is { } managed)
        {
            Add(managed);
        }

        foreach (var template in _dailyEvents)
        {
            if (!InSample(template))
            {
                continue;
            }

            // What a device reports about itself is the same every day: its values come from a generator seeded by
            // the device and the event, not from the session's sequence.
            var stable = new Random(Distributions.StableHash(template.Name, _deviceSeed));
            var ev = new SimEvent(template, _device, NewId(Math.Max(t, _lastTime)), _session, Math.Max(t, _lastTime));
            GenericValues.Fill(ev, stable);
            Add(ev);
        }
    }

    private void Uninstall(long t)
    {
        if (t < _endMs && Make("app.uninstalled", t) is { } removed)
        {
            Add(removed);
        }

        _finished = true;
        _sessionStarts.Clear();
    }
}

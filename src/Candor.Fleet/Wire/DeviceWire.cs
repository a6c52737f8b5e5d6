using System.Text.Json;
using Candor.Fleet.Simulation;

namespace Candor.Fleet.Wire;

/// <summary>The envelope values of a device that never change, encoded for JSON once instead of for every event.</summary>
internal sealed class DeviceWire(FleetDevice device)
{
    public JsonEncodedText Id { get; } = JsonEncodedText.Encode(device.Id.ToString("D"));

    public JsonEncodedText Product { get; } = JsonEncodedText.Encode(device.Product.Id);

    public JsonEncodedText Class { get; } = JsonEncodedText.Encode(device.DeviceClass);

    public JsonEncodedText Os { get; } = JsonEncodedText.Encode(device.Os);

    public JsonEncodedText Arch { get; } = JsonEncodedText.Encode(device.Arch);

    public JsonEncodedText Locale { get; } = JsonEncodedText.Encode(device.Locale);
}

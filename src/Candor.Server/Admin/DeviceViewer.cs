using System.Runtime.CompilerServices;
using System.Text.Json;
using Candor.Core.Catalog;
using Candor.Core.Model;
using Candor.Storage;

namespace Candor.Server.Admin;

/// <summary>One field of a viewed event: its value as the store keeps it (raw JSON) and the catalog's account of it.</summary>
internal sealed record ViewedField(string Name, string RawValue, string Description, string? Classification, string? Type);

/// <summary>One stored event of a device with the catalog's description of it and of each of its fields.</summary>
internal sealed record ViewedEvent(StoredEvent Event, string Description, IReadOnlyList<ViewedField> Fields);

/// <summary>The diagnostic data viewer of one device: its stored events (of one tenant only: the store's query takes the
/// tenant), each with the description the tenant family's catalog gives it and its fields. Serves both
/// <c>GET /v1/admin/devices/{id}/viewer</c> and the console's device lookup. Stateless; thread-safe.</summary>
internal static class DeviceViewer
{
    /// <summary>What an event or field that the current catalog does not describe is described as.</summary>
    public const string NotInCatalog = "Not in the current catalog.";

    public static async IAsyncEnumerable<ViewedEvent> ReadAsync(IEventStore store, CompiledCatalog? catalog, Guid tenantId, Guid deviceId,
        EventFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var definitions = catalog?.Events.ToDictionary(e => e.Name, StringComparer.Ordinal) ?? [];
        await foreach (var e in store.ReadDeviceEventsAsync(tenantId, deviceId, filter, ct).ConfigureAwait(false))
        {
            definitions.TryGetValue(e.Name, out var definition);
            var fields = new List<ViewedField>();
            using (var data = JsonDocument.Parse(e.Data))
            {
                foreach (var property in data.RootElement.EnumerateObject())
                {
                    var field = definition?.Fields.FirstOrDefault(f => f.Name == property.Name);
                    fields.Add(new ViewedField(property.Name, property.Value.GetRawText(), field?.Description ?? NotInCatalog,
                        field?.Classification.ToWire(), field?.Type.ToWire()));
                }
            }

            yield return new ViewedEvent(e, definition?.Description ?? NotInCatalog, fields);
        }
    }
}

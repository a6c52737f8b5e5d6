using System.Globalization;
using System.Text.Json;
using Candor.Core.Model;
using Candor.Server.Otlp.Proto;
using Google.Protobuf;

namespace Candor.Fleet.Load;

/// <summary>The fleet's batches as OTLP/HTTP logs requests (protobuf), so that <c>candor loadgen --otlp</c> measures
/// <c>/v1/logs</c> with the same events as <c>/v1/events</c>: one resource per device and app version (the envelope as
/// semantic-convention attributes, docs/otlp.md), one record per event named by <c>event_name</c>, its id as
/// <c>log.record.uid</c> (so a second run is all duplicates, as with <c>/v1/events</c>) and its data as attributes.
/// The device's class and locale have no convention; the collector takes the product's class and <c>und</c>.</summary>
internal static class OtlpBatches
{
    public static byte[] FromEventBatch(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var request = new ExportLogsServiceRequest();
        var scopes = new Dictionary<string, ScopeLogs>(StringComparer.Ordinal);
        foreach (var e in document.RootElement.GetProperty(EnvelopeNames.Events).EnumerateArray())
        {
            var device = e.GetProperty(EnvelopeNames.Device);
            string Text(JsonElement element, string name) => element.GetProperty(name).GetString()!;
            var product = Text(e, EnvelopeNames.Product);
            var version = Text(e, EnvelopeNames.AppVersion);
            var deviceId = Text(device, EnvelopeNames.Id);
            var key = string.Join("\n", product, version, Text(e, EnvelopeNames.Sdk), deviceId, Text(device, EnvelopeNames.Os),
                Text(device, EnvelopeNames.OsVersion), Text(device, EnvelopeNames.Arch));
            if (!scopes.TryGetValue(key, out var scope))
            {
                var resource = new Resource();
                resource.Attributes.Add(Attribute("service.name", product));
                resource.Attributes.Add(Attribute("service.version", version));
                resource.Attributes.Add(Attribute("telemetry.sdk.name", Text(e, EnvelopeNames.Sdk)));
                resource.Attributes.Add(Attribute("app.installation.id", deviceId));
                resource.Attributes.Add(Attribute("os.name", Text(device, EnvelopeNames.Os)));
                resource.Attributes.Add(Attribute("os.version", Text(device, EnvelopeNames.OsVersion)));
                resource.Attributes.Add(Attribute("host.arch", Text(device, EnvelopeNames.Arch)));
                scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "Candor.Fleet" } };
                request.ResourceLogs.Add(new ResourceLogs { Resource = resource, ScopeLogs = { scope } });
                scopes.Add(key, scope);
            }

            var time = DateTimeOffset.Parse(Text(e, EnvelopeNames.Time), CultureInfo.InvariantCulture);
            var record = new LogRecord
            {
                EventName = Text(e, EnvelopeNames.Name),
                TimeUnixNano = (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100,
                SeverityNumber = SeverityNumber.Info,
            };
            record.Attributes.Add(Attribute("log.record.uid", Text(e, EnvelopeNames.Id)));
            record.Attributes.Add(Attribute("session.id", Text(e, EnvelopeNames.Session)));
            if (e.TryGetProperty(EnvelopeNames.Data, out var data))
            {
                foreach (var field in data.EnumerateObject())
                {
                    record.Attributes.Add(new KeyValue { Key = field.Name, Value = Value(field.Value) });
                }
            }

            scope.LogRecords.Add(record);
        }

        return request.ToByteArray();
    }

    /// <summary>How many records a request from <see cref="FromEventBatch"/> was refused, from its answer.</summary>
    public static (long Rejected, string Message) ReadAnswer(byte[] body)
    {
        var answer = ExportLogsServiceResponse.Parser.ParseFrom(body);
        return (answer.PartialSuccess?.RejectedLogRecords ?? 0, answer.PartialSuccess?.ErrorMessage ?? "");
    }

    private static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static AnyValue Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new AnyValue { StringValue = value.GetString() },
        JsonValueKind.True or JsonValueKind.False => new AnyValue { BoolValue = value.GetBoolean() },
        JsonValueKind.Number when value.TryGetInt64(out var l) => new AnyValue { IntValue = l },
        JsonValueKind.Number => new AnyValue { DoubleValue = value.GetDouble() },
        _ => new AnyValue(),
    };
}

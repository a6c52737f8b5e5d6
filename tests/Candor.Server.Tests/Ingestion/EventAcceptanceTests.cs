using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Candor.Core.Model;
using Candor.Core.Policy;
using Candor.Core.Privacy;
using Candor.Server.Catalogs;
using Candor.Server.Ingestion;
using Xunit;

namespace Candor.Server.Tests.Ingestion;

/// <summary>The acceptance rules run on an event parsed from another wire format (<see cref="ParsedEvent"/>) give
/// exactly what the JSON reader gives for the same event: the same stored row, or the same code and message.</summary>
public sealed class EventAcceptanceTests
{
    private static readonly Guid Tenant = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly CatalogIndex Catalog = new(TestCatalogs.Create());
    private static readonly CatalogIndex OpenCatalog = new(TestCatalogs.Create("open-family", DataLevel.Required, DataLevel.Optional));

    private static BatchRules Rules(TenantPolicy? policy = null, CatalogIndex? catalog = null) =>
        new(catalog ?? Catalog, policy ?? new TenantPolicy(), Tenant, Events.Now, new IngestionLimits(), new PiiGuard());

    public static TheoryData<string> Cases() =>
    [
        "valid", "every type", "unknown event", "unknown product", "not for the product", "expired", "too old", "in future",
        "undeclared field", "undeclared unechoable field", "missing required field", "pii rejected", "pii redacted in data",
        "pii redacted in envelope", "no id", "no name", "no time", "no device", "no product", "no device id", "negative seq",
        "bad app version", "sdk too long", "unknown device class", "duration as text", "negative duration", "fraction for duration",
        "enum not declared", "number for enum", "int over 32 bits", "long over 64 bits", "huge long", "text for double",
        "text for bool", "text for timestamp", "one-part version", "five-part version", "prefixed version", "uppercase hash",
        "message too long", "optional level", "policy level", "policy category",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_parsed_event_gets_the_row_or_rejection_its_json_form_gets(string name)
    {
        var (e, policy, catalog) = Case(name);
        var rules = Rules(policy, catalog);
        var json = BatchReader.Read(Encoding.UTF8.GetBytes(Events.Batch(e, e)), rules);
        Assert.Null(json.Error);

        var parsed = new BatchResult();
        var acceptance = new EventAcceptance(rules);
        var reused = new ParsedEvent();
        for (var index = 0; index < 2; index++)
        {
            reused.Reset();
            Map(e, reused);
            acceptance.Accept(reused, index, parsed);
        }

        Assert.Equal(json.Accepted, parsed.Accepted);
        Assert.Equal(json.AcceptedIndexes, parsed.AcceptedIndexes);
        Assert.Equal(json.Rejected, parsed.Rejected);
        Assert.Equal(json.Redacted, parsed.Redacted);
    }

    [Fact]
    public void Every_case_is_either_stored_or_rejected_with_a_protocol_code()
    {
        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in Cases())
        {
            var (e, policy, catalog) = Case(name);
            var result = new BatchResult();
            var parsed = new ParsedEvent();
            Map(e, parsed);
            new EventAcceptance(Rules(policy, catalog)).Accept(parsed, 0, result);
            outcomes.Add(result.Rejected.Count == 0 ? "accepted" : result.Rejected[0].Code.ToWire());
        }

        // Every rejection code of the protocol is reached through a parsed event, as well as an accepted row.
        Assert.Equal(RejectionCodes.All.Length + 1, outcomes.Count);
    }

    [Fact]
    public void A_format_error_of_the_mapper_rejects_the_event_as_invalid_envelope_with_its_message()
    {
        var parsed = new ParsedEvent();
        Map(Events.Valid(), parsed);
        parsed.EnvelopeError = "'id' must be a UUID string.";
        var result = new BatchResult();
        new EventAcceptance(Rules()).Accept(parsed, 7, result);

        var rejection = Assert.Single(result.Rejected);
        Assert.Equal((7, RejectionCode.InvalidEnvelope, "'id' must be a UUID string."), (rejection.Index, rejection.Code, rejection.Message));
        Assert.Empty(result.Accepted);
    }

    private static (JsonObject Event, TenantPolicy? Policy, CatalogIndex? Catalog) Case(string name)
    {
        var e = Events.Valid(id: Guid.Parse("0192f1c6-7b1e-7c3a-9a55-3c2b7d1e4f00"));
        var data = (JsonObject)e["data"]!;
        var device = (JsonObject)e["device"]!;
        switch (name)
        {
            case "valid": break;
            case "every type":
                e["data"] = new JsonObject
                {
                    ["durationMs"] = 0, ["result"] = "failed", ["message"] = "Sync ended: \"timeout\" é", ["ratio"] = 0.25, ["count"] = -3,
                    ["bytes"] = 9_000_000_000L, ["cached"] = true, ["startedAt"] = "2026-11-29T09:59:00+01:00", ["serverVersion"] = "1.2",
                    ["tenantHash"] = new string('a', 64),
                };
                break;
            case "unknown event": e["name"] = "no.such.event"; break;
            case "unknown product": e["product"] = "test.nothing"; break;
            case "not for the product": e["name"] = "other.only.event"; e["data"] = new JsonObject(); break;
            case "expired": e["name"] = "app.legacy.sync"; e["data"] = new JsonObject(); break;
            case "too old": e["time"] = Events.Now.AddDays(-31).ToString("O", CultureInfo.InvariantCulture); break;
            case "in future": e["time"] = Events.Now.AddMinutes(11).ToString("O", CultureInfo.InvariantCulture); break;
            case "undeclared field": data["userEmail"] = "x"; break;
            case "undeclared unechoable field": data["jane.doe@example.com"] = 1; break;
            case "missing required field": data.Remove("result"); break;
            case "pii rejected": data["userRef"] = "jane.doe@contoso.com"; break;
            case "pii redacted in data": data["message"] = "sent by jane.doe@contoso.com"; break;
            case "pii redacted in envelope": device["osVersion"] = "a@contoso.com"; break;
            case "no id": e.Remove("id"); break;
            case "no name": e.Remove("name"); break;
            case "no time": e.Remove("time"); break;
            case "no device": e.Remove("device"); break;
            case "no product": e.Remove("product"); break;
            case "no device id": device.Remove("id"); break;
            case "negative seq": e["seq"] = -1; break;
            case "bad app version": e["appVersion"] = "nine"; break;
            case "sdk too long": e["sdk"] = new string('s', 65); break;
            case "unknown device class": device["class"] = "toaster"; break;
            case "duration as text": data["durationMs"] = "12"; break;
            case "negative duration": data["durationMs"] = -1; break;
            case "fraction for duration": data["durationMs"] = 1.5; break;
            case "enum not declared": data["result"] = "maybe"; break;
            case "number for enum": data["result"] = 1; break;
            case "int over 32 bits": data["count"] = 3_000_000_000L; break;
            case "long over 64 bits": data["bytes"] = JsonNode.Parse("99999999999999999999999"); break;
            case "huge long": data["bytes"] = JsonNode.Parse("1e30"); break;
            case "text for double": data["ratio"] = "0.5"; break;
            case "text for bool": data["cached"] = "true"; break;
            case "text for timestamp": data["startedAt"] = "yesterday"; break;
            case "one-part version": data["serverVersion"] = "1"; break;
            case "five-part version": data["serverVersion"] = "1.2.3.4.5"; break;
            case "prefixed version": data["serverVersion"] = "v1.2"; break;
            case "uppercase hash": data["tenantHash"] = new string('A', 64); break;
            case "message too long": data["message"] = new string('m', 41); break;
            case "optional level":
                return (Events.Valid(name: "app.feature.used"), new TenantPolicy { Levels = [DataLevel.Required, DataLevel.Optional] }, null);
            case "policy level": return (Events.Valid(name: "app.feature.used"), new TenantPolicy { Levels = [DataLevel.Required] }, OpenCatalog);
            case "policy category": return (e, new TenantPolicy { Categories = [DataCategory.ProductAndServiceUsage] }, null);
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "No such case.");
        }

        return (e, null, null);
    }

    /// <summary>Maps a JSON event as a mapper of another format would: typed envelope values, data as scalars.</summary>
    private static void Map(JsonObject e, ParsedEvent parsed)
    {
        parsed.Id = e["id"] is { } id ? Guid.Parse(id.GetValue<string>()) : null;
        parsed.Name = e["name"]?.GetValue<string>();
        parsed.Time = e["time"] is { } time ? DateTimeOffset.Parse(time.GetValue<string>(), CultureInfo.InvariantCulture) : null;
        parsed.Seq = e["seq"] is { } seq ? JsonSerializer.SerializeToElement(seq).GetInt64() : null;
        parsed.Product = e["product"]?.GetValue<string>();
        parsed.AppVersion = e["appVersion"]?.GetValue<string>();
        parsed.Sdk = e["sdk"]?.GetValue<string>();
        parsed.Session = e["session"] is { } session ? Guid.Parse(session.GetValue<string>()) : null;
        if (e["device"] is JsonObject device)
        {
            parsed.DeviceId = device["id"] is { } deviceId ? Guid.Parse(deviceId.GetValue<string>()) : null;
            parsed.DeviceClass = device["class"]?.GetValue<string>();
            parsed.Os = device["os"]?.GetValue<string>();
            parsed.OsVersion = device["osVersion"]?.GetValue<string>();
            parsed.Arch = device["arch"]?.GetValue<string>();
            parsed.Locale = device["locale"]?.GetValue<string>();
        }

        foreach (var (name, value) in (JsonObject?)e["data"] ?? [])
        {
            var element = JsonSerializer.SerializeToElement(value);
            parsed.Data.Add(element.ValueKind switch
            {
                JsonValueKind.String => DataValue.String(name, element.GetString()!),
                JsonValueKind.True or JsonValueKind.False => DataValue.Of(name, element.GetBoolean()),
                JsonValueKind.Number when element.TryGetInt64(out var integer) => DataValue.Of(name, integer),
                JsonValueKind.Number => DataValue.Of(name, element.GetDouble()),
                _ => throw new ArgumentException($"No scalar: {name}"),
            });
        }
    }
}

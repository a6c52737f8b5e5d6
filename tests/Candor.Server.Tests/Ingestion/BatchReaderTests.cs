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

public sealed class BatchReaderTests
{
    private static readonly Guid Tenant = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly CatalogIndex Catalog = new(TestCatalogs.Create());

    private static BatchResult Read(string json, TenantPolicy? policy = null, CatalogIndex? catalog = null, IngestionLimits? limits = null) =>
        BatchReader.Read(Encoding.UTF8.GetBytes(json),
            new BatchRules(catalog ?? Catalog, policy ?? new TenantPolicy(), Tenant, Events.Now, limits ?? new IngestionLimits(), new PiiGuard()));

    private static Rejection SingleRejection(JsonObject e, TenantPolicy? policy = null, CatalogIndex? catalog = null)
    {
        var result = Read(Events.Batch(e), policy, catalog);
        Assert.Null(result.Error);
        Assert.Empty(result.Accepted);
        return Assert.Single(result.Rejected);
    }

    [Fact]
    public void Valid_event_is_accepted_with_its_envelope_and_compact_data()
    {
        var id = Guid.NewGuid();
        var result = Read(Events.Batch(Events.Valid(id: id)));

        Assert.Null(result.Error);
        Assert.Empty(result.Rejected);
        var stored = Assert.Single(result.Accepted);
        Assert.Equal(id, stored.EventId);
        Assert.Equal(Tenant, stored.TenantId);
        Assert.Equal(TestCatalogs.Sync, stored.Name);
        Assert.Equal(DataLevel.Required, stored.Level);
        Assert.Equal(DataCategory.ProductAndServicePerformance, stored.Category);
        Assert.Equal("test.app", stored.Product);
        Assert.Equal("9.3.2411.1", stored.AppVersion);
        Assert.Equal("candor-dotnet/1.0.0", stored.Sdk);
        Assert.Equal(Guid.Parse("c3f4a2d1-5b6e-4f70-8a91-b2c3d4e5f607"), stored.DeviceId);
        Assert.Equal("mobile", stored.DeviceClass);
        Assert.Equal("Android", stored.Os);
        Assert.Equal("14", stored.OsVersion);
        Assert.Equal("arm64", stored.Arch);
        Assert.Equal("en-GB", stored.Locale);
        Assert.Equal(42, stored.Seq);
        Assert.Equal(Events.Now.AddSeconds(-5), stored.Time);
        Assert.Equal(Events.Now, stored.ReceivedAt);
        Assert.Equal("""{"durationMs":1840,"result":"success"}""", stored.Data);
    }

    [Fact]
    public void Every_declared_type_is_accepted_and_written_back_normalised()
    {
        var data = new JsonObject
        {
            ["durationMs"] = 0,
            ["result"] = "failed",
            ["message"] = "Sync ended: \"timeout\" é",
            ["ratio"] = 0.25,
            ["count"] = -3,
            ["bytes"] = 9_000_000_000L,
            ["cached"] = true,
            ["startedAt"] = "2026-11-29T09:59:00+01:00",
            ["serverVersion"] = "1.2",
            ["tenantHash"] = new string('a', 64),
        };
        var result = Read(Events.Batch(Events.Valid(data: data)));

        var stored = Assert.Single(result.Accepted);
        using var doc = JsonDocument.Parse(stored.Data);
        var root = doc.RootElement;
        Assert.Equal("Sync ended: \"timeout\" é", root.GetProperty("message").GetString());
        Assert.Equal(9_000_000_000L, root.GetProperty("bytes").GetInt64());
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 8, 59, 0, TimeSpan.Zero), root.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(10, root.EnumerateObject().Count());
    }

    [Fact]
    public void Events_are_accepted_and_rejected_independently_and_named_by_index()
    {
        var bad = Events.Valid(name: "no.such.event");
        var result = Read(Events.Batch(Events.Valid(), bad, Events.Valid()));

        Assert.Equal(3, result.Count);
        Assert.Equal([0, 2], result.AcceptedIndexes);
        var rejection = Assert.Single(result.Rejected);
        Assert.Equal(1, rejection.Index);
        Assert.Equal(Guid.Parse(bad["id"]!.GetValue<string>()), rejection.Id);
        Assert.Equal(RejectionCode.UnknownEvent, rejection.Code);
    }

    [Fact]
    public void Unknown_product_is_rejected_with_unknown_product()
    {
        var e = Events.Valid();
        e["product"] = "test.nothing";
        Assert.Equal(RejectionCode.UnknownProduct, SingleRejection(e).Code);
    }

    [Fact]
    public void Event_not_declared_for_the_product_is_rejected_with_unknown_event()
    {
        var e = Events.Valid(name: "other.only.event");
        Assert.Equal(RejectionCode.UnknownEvent, SingleRejection(e).Code);
        e["product"] = TestCatalogs.OtherProduct;
        Assert.Single(Read(Events.Batch(e)).Accepted);
    }

    [Fact]
    public void Optional_event_is_rejected_when_the_family_collects_required_data_only()
    {
        var rejection = SingleRejection(Events.Valid(name: "app.feature.used"), new TenantPolicy { Levels = [DataLevel.Required, DataLevel.Optional] });
        Assert.Equal(RejectionCode.LevelNotAllowed, rejection.Code);
        Assert.Contains("Family", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_event_is_rejected_when_the_policy_allows_required_data_only()
    {
        var both = new CatalogIndex(TestCatalogs.Create("open-family", DataLevel.Required, DataLevel.Optional));
        var e = Events.Valid(name: "app.feature.used");
        Assert.Equal(RejectionCode.LevelNotAllowed, SingleRejection(e, new TenantPolicy { Levels = [DataLevel.Required] }, both).Code);
        Assert.Single(Read(Events.Batch(e), new TenantPolicy { Levels = [DataLevel.Required, DataLevel.Optional] }, both).Accepted);
    }

    [Fact]
    public void Event_of_a_category_the_policy_excludes_is_rejected_with_category_not_allowed()
    {
        var policy = new TenantPolicy { Categories = [DataCategory.ProductAndServiceUsage] };
        Assert.Equal(RejectionCode.CategoryNotAllowed, SingleRejection(Events.Valid(), policy).Code);
    }

    [Fact]
    public void Expired_definition_is_rejected_with_expired_event()
    {
        Assert.Equal(RejectionCode.ExpiredEvent, SingleRejection(Events.Valid(name: "app.legacy.sync")).Code);
    }

    [Fact]
    public void Event_older_than_the_maximum_age_is_rejected_with_too_old()
    {
        Assert.Equal(RejectionCode.TooOld, SingleRejection(Events.Valid(time: Events.Now.AddDays(-31))).Code);
        Assert.Single(Read(Events.Batch(Events.Valid(time: Events.Now.AddDays(-29)))).Accepted);
    }

    [Fact]
    public void Event_ahead_of_the_clock_by_more_than_the_skew_is_rejected_with_in_future()
    {
        Assert.Equal(RejectionCode.InFuture, SingleRejection(Events.Valid(time: Events.Now.AddMinutes(11))).Code);
        Assert.Single(Read(Events.Batch(Events.Valid(time: Events.Now.AddMinutes(9)))).Accepted);
    }

    [Fact]
    public void Undeclared_data_field_is_rejected_with_undeclared_field()
    {
        var rejection = SingleRejection(Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["userEmail"] = "x" }));
        Assert.Equal(RejectionCode.UndeclaredField, rejection.Code);
        Assert.Contains("data.userEmail", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undeclared_field_whose_name_is_not_an_identifier_is_not_echoed()
    {
        var rejection = SingleRejection(Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["jane.doe@example.com"] = 1 }));
        Assert.Equal(RejectionCode.UndeclaredField, rejection.Code);
        Assert.DoesNotContain("jane", rejection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("durationMs", "\"12\"")]
    [InlineData("durationMs", "-1")]
    [InlineData("durationMs", "1.5")]
    [InlineData("result", "\"maybe\"")]
    [InlineData("result", "1")]
    [InlineData("count", "3000000000")]
    [InlineData("bytes", "1e30")]
    [InlineData("bytes", "99999999999999999999999")]
    [InlineData("ratio", "\"0.5\"")]
    [InlineData("cached", "\"true\"")]
    [InlineData("startedAt", "\"yesterday\"")]
    [InlineData("serverVersion", "\"1\"")]
    [InlineData("serverVersion", "\"1.2.3.4.5\"")]
    [InlineData("serverVersion", "\"v1.2\"")]
    [InlineData("tenantHash", "\"ABCDEF\"")]
    [InlineData("message", "{\"nested\":[1,2,3]}")]
    [InlineData("message", "[\"a\"]")]
    [InlineData("message", "null")]
    [InlineData("message", "\"this message is longer than the forty characters it may have\"")]
    public void Ill_typed_value_is_rejected_with_invalid_field(string field, string json)
    {
        var e = Events.Valid();
        var data = (JsonObject)e["data"]!;
        data[field] = JsonNode.Parse(json);
        var rejection = SingleRejection(e);
        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Contains("data." + field, rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_field_is_rejected_with_invalid_field()
    {
        var rejection = SingleRejection(Events.Valid(data: new JsonObject { ["durationMs"] = 5 }));
        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Contains("data.result", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_that_appears_twice_is_rejected_with_invalid_field()
    {
        var json = Events.Batch(Events.Valid()).Replace("\"result\":\"success\"", "\"result\":\"success\",\"result\":\"failed\"", StringComparison.Ordinal);
        var result = Read(json);
        Assert.Equal(RejectionCode.InvalidField, Assert.Single(result.Rejected).Code);
    }

    [Fact]
    public void Data_before_the_name_is_still_validated_against_the_definition()
    {
        var e = Events.Valid();
        var data = e["data"]!;
        e.Remove("data");
        var reordered = new JsonObject { ["data"] = data.DeepClone() };
        foreach (var (key, value) in e)
        {
            reordered[key] = value?.DeepClone();
        }

        Assert.Single(Read(Events.Batch(reordered)).Accepted);
        ((JsonObject)reordered["data"]!)["durationMs"] = "slow";
        Assert.Equal(RejectionCode.InvalidField, SingleRejection(reordered).Code);
    }

    [Fact]
    public void Email_in_a_pseudonymous_identifier_field_is_rejected_and_never_echoed()
    {
        var rejection = SingleRejection(Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["userRef"] = "jane.doe@contoso.com" }));
        Assert.Equal(RejectionCode.PiiDetected, rejection.Code);
        Assert.DoesNotContain("jane", rejection.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("contoso", rejection.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Email_in_a_system_metadata_field_is_redacted_and_the_event_kept()
    {
        var result = Read(Events.Batch(Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["message"] = "sent by jane.doe@contoso.com" })));

        var stored = Assert.Single(result.Accepted);
        Assert.Equal(1, result.Redacted);
        Assert.DoesNotContain("jane.doe", stored.Data, StringComparison.Ordinal);
        Assert.Contains("[redacted:Email]", stored.Data, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_in_an_envelope_string_is_redacted()
    {
        var e = Events.Valid();
        ((JsonObject)e["device"]!)["osVersion"] = "a@contoso.com";
        var stored = Assert.Single(Read(Events.Batch(e)).Accepted);
        Assert.DoesNotContain("contoso", stored.OsVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void Mixed_devices_get_each_their_own_envelope_values_and_verdicts_when_they_cycle_past_the_cache()
    {
        // More distinct values than the per-request cache keeps, revisited in turn, with flagged ones among them:
        // every event must be stored with its own value, its own redaction and its own rejection.
        var distinct = CachedEnvelopeString.Capacity + 5;
        var events = new List<JsonObject>();
        for (var i = 0; i < distinct * 3; i++)
        {
            var e = Events.Valid();
            var device = (JsonObject)e["device"]!;
            var k = i % distinct;
            device["osVersion"] = k % 4 == 1 ? $"user{k}@contoso.com" : $"10.0.{k}";
            device["locale"] = k % 7 == 3 ? "en\u202eGB" : $"en-{k:D2}";
            events.Add(e);
        }

        var result = Read(Events.Batch([.. events]));

        Assert.Null(result.Error);
        var expectedRejected = Enumerable.Range(0, events.Count).Where(i => i % distinct % 7 == 3).ToList();
        Assert.Equal(expectedRejected, result.Rejected.Select(r => r.Index));
        Assert.All(result.Rejected, r => Assert.Equal(RejectionCode.InvalidEnvelope, r.Code));
        Assert.Equal(events.Count - expectedRejected.Count, result.Accepted.Count);
        for (var a = 0; a < result.Accepted.Count; a++)
        {
            var k = result.AcceptedIndexes[a] % distinct;
            var stored = result.Accepted[a];
            Assert.Equal($"en-{k:D2}", stored.Locale);
            if (k % 4 == 1)
            {
                Assert.DoesNotContain("contoso", stored.OsVersion, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal($"10.0.{k}", stored.OsVersion);
            }
        }

        Assert.Equal(result.Accepted.Count(s => !s.OsVersion.StartsWith("10.0.", StringComparison.Ordinal)), result.Redacted);
    }

    [Theory]
    [InlineData("id", "\"not-a-uuid\"")]
    [InlineData("id", "42")]
    [InlineData("session", "\"c3f4a2d1\"")]
    [InlineData("seq", "-1")]
    [InlineData("seq", "\"1\"")]
    [InlineData("time", "\"last tuesday\"")]
    [InlineData("appVersion", "\"nine\"")]
    [InlineData("sdk", "\"this sdk name is far longer than the sixty-four characters that the catalog allows\"")]
    [InlineData("data", "[1]")]
    [InlineData("device", "\"phone\"")]
    [InlineData("clientIp", "\"10.0.0.1\"")]
    public void Malformed_envelope_is_rejected_with_invalid_envelope(string property, string json)
    {
        var e = Events.Valid();
        e[property] = JsonNode.Parse(json);
        Assert.Equal(RejectionCode.InvalidEnvelope, SingleRejection(e).Code);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("name")]
    [InlineData("time")]
    [InlineData("device")]
    [InlineData("product")]
    public void Envelope_without_a_required_property_is_rejected_with_invalid_envelope(string property)
    {
        var e = Events.Valid();
        e.Remove(property);
        var rejection = SingleRejection(e);
        Assert.Equal(RejectionCode.InvalidEnvelope, rejection.Code);
        Assert.Contains(property, rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Device_class_outside_the_declared_values_is_rejected_with_invalid_envelope()
    {
        var e = Events.Valid();
        ((JsonObject)e["device"]!)["class"] = "toaster";
        Assert.Equal(RejectionCode.InvalidEnvelope, SingleRejection(e).Code);
    }

    [Fact]
    public void Event_that_is_not_an_object_is_rejected_by_index()
    {
        var result = Read("""{"events":[1,"x",null,[]]}""");
        Assert.Equal(4, result.Rejected.Count);
        Assert.All(result.Rejected, r => Assert.Equal(RejectionCode.InvalidEnvelope, r.Code));
        Assert.Equal([0, 1, 2, 3], result.Rejected.Select(r => r.Index));
    }

    [Theory]
    [InlineData("", "invalid_json")]
    [InlineData("{", "invalid_json")]
    [InlineData("{\"events\":[}", "invalid_json")]
    [InlineData("[]", "invalid_batch")]
    [InlineData("\"events\"", "invalid_batch")]
    [InlineData("{}", "invalid_batch")]
    [InlineData("{\"events\":{}}", "invalid_batch")]
    [InlineData("{\"events\":[],\"events\":[]}", "invalid_batch")]
    [InlineData("{\"events\":[]} {}", "invalid_json")]
    [InlineData("{\"events\":[],\"sentAt\":5}", "invalid_batch")]
    [InlineData("{\"events\":[] // comment\n}", "invalid_json")]
    public void Body_that_is_not_a_batch_fails_as_a_whole(string body, string code)
    {
        var result = Read(body);
        Assert.Equal(400, result.Error?.Status);
        Assert.Equal(code, result.Error?.Code);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("name")]
    [InlineData("sdk")]
    public void Escaped_lone_surrogate_fails_the_batch_as_invalid_json_instead_of_throwing(string property)
    {
        var json = Events.Batch(Events.Valid()).Replace($"\"{property}\":\"", $"\"{property}\":\"\\ud800", StringComparison.Ordinal);
        Assert.Equal("invalid_json", Read(json).Error?.Code);
    }

    [Fact]
    public void Escaped_lone_surrogate_in_data_fails_the_batch_as_invalid_json()
    {
        var json = Events.Batch(Events.Valid()).Replace("\"success\"", "\"\\udc00\"", StringComparison.Ordinal);
        Assert.Equal("invalid_json", Read(json).Error?.Code);
    }

    [Fact]
    public void Deep_nesting_fails_as_invalid_json_without_recursion()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var result = Read("{\"events\":[{\"data\":{\"message\":" + deep + "}}]}");
        Assert.Equal("invalid_json", result.Error?.Code);
    }

    [Fact]
    public void Batch_over_the_event_limit_fails_with_413()
    {
        var result = Read(Events.Batch(Events.Valid(), Events.Valid(), Events.Valid()), limits: new IngestionLimits { MaxEventsPerBatch = 2 });
        Assert.Equal(413, result.Error?.Status);
        Assert.Equal("too_many_events", result.Error?.Code);
    }

    [Fact]
    public void Empty_batch_is_read_with_no_events()
    {
        var result = Read("""{"events":[]}""");
        Assert.Null(result.Error);
        Assert.Equal(0, result.Count);
    }

    [Fact]
    public void Unknown_batch_properties_are_ignored()
    {
        Assert.Single(Read(Events.Batch(Events.Valid()).Replace("{\"batchId\"", "{\"future\":{\"a\":[1]},\"batchId\"", StringComparison.Ordinal)).Accepted);
    }

    [Fact]
    public void Escaped_strings_are_decoded_before_they_are_checked()
    {
        var json = Events.Batch(Events.Valid()).Replace("\"Android\"", "\"Andr\\u006fid\"", StringComparison.Ordinal)
            .Replace("\"success\"", "\"succ\\u0065ss\"", StringComparison.Ordinal);
        var stored = Assert.Single(Read(json).Accepted);
        Assert.Equal("Android", stored.Os);
        Assert.Contains("\"success\"", stored.Data, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_envelope_strings_are_shared_within_a_batch()
    {
        var result = Read(Events.Batch(Events.Valid(), Events.Valid()));
        Assert.Same(result.Accepted[0].Os, result.Accepted[1].Os);
        Assert.Same(result.Accepted[0].Sdk, result.Accepted[1].Sdk);
    }

    [Fact]
    public void Huge_string_is_rejected_without_being_stored()
    {
        var e = Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["message"] = new string('x', 2_000_000) });
        Assert.Equal(RejectionCode.InvalidField, SingleRejection(e).Code);
    }
}

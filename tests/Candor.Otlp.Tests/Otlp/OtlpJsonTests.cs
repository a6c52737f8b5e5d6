using System.Text;
using System.Text.Json.Nodes;
using Candor.Core.Privacy;
using Xunit;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>OTLP JSON sent by hand with <see cref="HttpClient"/> to the real collector.</summary>
public sealed class OtlpJsonTests
{
    [Fact]
    public async Task Json_records_are_stored_with_their_declared_fields_and_the_others_rejected_with_their_codes_in_partial_success()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var request = OtlpJson.Request(
            OtlpJson.Record(OtlpCatalog.Sync, attributes: [OtlpJson.Attribute("durationMs", 1840), OtlpJson.Attribute("result", "success"), OtlpJson.Attribute("serverName", "sql-eu-7")]),
            OtlpJson.Record(OtlpCatalog.Sync, attributes: [OtlpJson.Attribute("durationMs", 90, asNumber: true), OtlpJson.Attribute("result", "failed")]),
            OtlpJson.Record("app.not.in.catalog"),
            OtlpJson.Record(OtlpCatalog.Usage, attributes: [OtlpJson.Attribute("feature", "offline_maps")]),
            OtlpJson.Record(OtlpCatalog.Sync, attributes: [OtlpJson.Attribute("durationMs", 5), OtlpJson.Attribute("result", "failed"), OtlpJson.Attribute("userRef", "jane.doe@contoso.com")]),
            OtlpJson.Record(null, attributes: [OtlpJson.Attribute("durationMs", 5)]));

        using var response = await collector.PostLogsAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), "application/json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(200 == (int)response.StatusCode, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var partial = JsonNode.Parse(text)!["partialSuccess"]!;
        Assert.Equal("4", (string?)partial["rejectedLogRecords"]);
        var message = (string)partial["errorMessage"]!;
        Assert.StartsWith("4 of 6 log records rejected: ", message, StringComparison.Ordinal);
        foreach (var code in new[] { "unknown_event (2)", "category_not_allowed (1)", "pii_detected (1)", "1 attributes dropped" })
        {
            Assert.Contains(code, message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("jane", message, StringComparison.Ordinal);
        var stored = await collector.StoredAsync();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, e =>
        {
            Assert.Equal(OtlpJson.Installation, e.DeviceId);
            Assert.Equal(OtlpJson.Instance, e.SessionId);
            Assert.Equal("handmade-json/1.0", e.Sdk);
            Assert.Equal("Linux", e.Os);
            Assert.Equal("arm64", e.Arch);
            Assert.Equal("und", e.Locale);
            Assert.DoesNotContain("serverName", e.Data, StringComparison.Ordinal);
        });
        Assert.Equal(["{\"durationMs\":1840,\"result\":\"success\"}", "{\"durationMs\":90,\"result\":\"failed\"}"], stored.Select(e => e.Data).Order(StringComparer.Ordinal));

        // The same request again, gzipped: every record gets the same derived id, so nothing is stored twice.
        using var again = await collector.PostLogsAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), "application/json", gzip: true);
        Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal(2, (await collector.StoredAsync()).Count);
    }

    [Fact]
    public async Task A_log_record_uid_that_is_a_UUID_or_a_ULID_is_the_event_id()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var uuid = Guid.NewGuid();
        var request = OtlpJson.Request(
            OtlpJson.Record(OtlpCatalog.Sync, attributes: [OtlpJson.Attribute("log.record.uid", uuid.ToString()), OtlpJson.Attribute("durationMs", 1), OtlpJson.Attribute("result", "success")]),
            OtlpJson.Record(OtlpCatalog.Sync, attributes: [OtlpJson.Attribute("log.record.uid", "01ARZ3NDEKTSV4RRFFQ69G5FAV"), OtlpJson.Attribute("durationMs", 2), OtlpJson.Attribute("result", "success")]));

        using var response = await collector.PostLogsAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), "application/json");

        Assert.Equal(200, (int)response.StatusCode);
        var ids = (await collector.StoredAsync()).Select(e => e.EventId).ToList();
        Assert.Contains(uuid, ids);
        Assert.Contains(Guid.Parse("01563e3a-b5d3-d676-4c61-efb99302bd5b"), ids);
    }

    [Fact]
    public async Task A_fatal_exception_record_is_the_catalog_crash_with_the_SDK_signature_and_a_lesser_one_is_refused()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var exception = CrashingCode.Capture();
        JsonObject[] ExceptionAttributes() =>
        [
            OtlpJson.Attribute("exception.type", exception.GetType().Name),
            OtlpJson.Attribute("exception.message", exception.Message),
            OtlpJson.Attribute("exception.stacktrace", exception.ToString()),
        ];
        var request = OtlpJson.Request(OtlpJson.Record(null, severity: 21, attributes: ExceptionAttributes()), OtlpJson.Record(null, severity: 17, attributes: ExceptionAttributes()));

        using var response = await collector.PostLogsAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), "application/json");

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("first: record 1, unknown_event: An exception below severity FATAL is not a crash", text, StringComparison.Ordinal);
        var crash = Assert.Single(await collector.StoredAsync());
        Assert.Equal(OtlpCatalog.Crash, crash.Name);
        var expected = CrashSignature.Create(exception);
        var data = JsonNode.Parse(crash.Data)!.AsObject();
        Assert.Equal(expected.ExceptionType, (string?)data["exceptionType"]);
        Assert.Equal(CrashSignature.Shorten(expected.StackSignature, 128), (string?)data["stackSignature"]);
        Assert.Equal(["exceptionType", "stackSignature"], data.Select(p => p.Key));
    }

    [Fact]
    public async Task A_resource_without_a_version_rejects_its_records_naming_the_attribute()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var request = OtlpJson.Request(OtlpJson.Resource(serviceVersion: null),
            OtlpJson.Record(OtlpCatalog.Sync, attributes: [OtlpJson.Attribute("durationMs", 1), OtlpJson.Attribute("result", "success")]));

        using var response = await collector.PostLogsAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), "application/json");

        var partial = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["partialSuccess"]!;
        Assert.Equal("1", (string?)partial["rejectedLogRecords"]);
        Assert.Contains("invalid_envelope: The resource has no service.version.", (string)partial["errorMessage"]!, StringComparison.Ordinal);
        Assert.Empty(await collector.StoredAsync());
    }

    [Theory]
    [InlineData("{\"resourceLogs\": [", "invalid_json")]
    [InlineData("{\"resourceLogs\": 7}", "invalid_json")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"not-hex!\"}]}]}]}", "invalid_json")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"flags\":\"x\"}]}]}]}", "invalid_json")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}", "invalid_json")]
    // Found by the fuzzing property (Candor.Server.Tests FuzzPropertyTests): a lone surrogate escape was a 500.
    [InlineData("{\"resourceLogs\":[{\"resource\":{\"\\ud800attributes\":[]}}]}", "invalid_json")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"\\udc00ab\"}]}]}]}", "invalid_json")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"\\udfffspanId\":\"ab\"}]}]}]}", "invalid_json")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"\\ud800\"}}]}]}]}", "invalid_json")]
    public async Task Malformed_json_is_a_400_with_the_problem_code_in_an_OTLP_status(string body, string code)
    {
        await using var collector = await OtlpCollector.StartAsync();

        using var response = await collector.PostLogsAsync(Encoding.UTF8.GetBytes(body), "application/json");

        Assert.Equal(400, (int)response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(3, (int)status["code"]!);
        Assert.StartsWith(code + ": ", (string)status["message"]!, StringComparison.Ordinal);
        Assert.Empty(await collector.StoredAsync());
    }

    [Fact]
    public async Task A_resource_string_with_a_control_or_bidi_character_rejects_its_records_as_invalid_envelope()
    {
        await using var collector = await OtlpCollector.StartAsync();
        foreach (var value in new[] { "14\u0000.1", "14\u001b[2J", "14\r\nforged", "14\u202E" })
        {
            var resource = OtlpJson.Resource();
            resource.Add(OtlpJson.Attribute("os.version", value));
            var request = OtlpJson.Request(resource,
                OtlpJson.Record(OtlpCatalog.Sync, attributes: [OtlpJson.Attribute("durationMs", 1), OtlpJson.Attribute("result", "success")]));

            using var response = await collector.PostLogsAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), "application/json");

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(200 == (int)response.StatusCode, text);
            Assert.Contains("invalid_envelope (1)", (string)JsonNode.Parse(text)!["partialSuccess"]!["errorMessage"]!, StringComparison.Ordinal);
        }

        Assert.Empty(await collector.StoredAsync());
    }
}

using System.Text;
using Candor.Server.Otlp.Proto;
using Google.Protobuf;
using Xunit;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>OTLP protobuf built by hand, malformed bodies of both encodings, and the whole-request errors.</summary>
public sealed class OtlpProtobufTests
{
    [Fact]
    public async Task Protobuf_is_answered_in_protobuf_with_partial_success()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var request = Request(Record(OtlpCatalog.Sync, ("durationMs", 7L), ("result", "success")), Record("app.not.in.catalog"));

        using var response = await collector.PostLogsAsync(request.ToByteArray(), "application/x-protobuf");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var answer = ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedLogRecords);
        Assert.StartsWith("1 of 2 log records rejected: unknown_event (1); first: record 1, unknown_event:", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        var stored = Assert.Single(await collector.StoredAsync());
        Assert.Equal("{\"durationMs\":7,\"result\":\"success\"}", stored.Data);
    }

    [Fact]
    public async Task A_fully_accepted_request_gets_an_empty_response()
    {
        await using var collector = await OtlpCollector.StartAsync();

        using var response = await collector.PostLogsAsync(Request(Record(OtlpCatalog.Sync, ("durationMs", 7L), ("result", "success"))).ToByteArray(), "application/x-protobuf");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Malformed_protobuf_is_a_400_with_the_problem_code_in_a_protobuf_status()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var valid = Request(Record(OtlpCatalog.Sync, ("durationMs", 7L), ("result", "success"))).ToByteArray();

        using var response = await collector.PostLogsAsync(valid[..^3], "application/x-protobuf");

        Assert.Equal(400, (int)response.StatusCode);
        var status = Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, status.Code);
        Assert.StartsWith("invalid_protobuf: ", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_bytes_in_either_encoding_never_get_a_server_error()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var random = new Random(1204);
        var valid = Request(Record(OtlpCatalog.Sync, ("durationMs", 7L), ("result", "success"))).ToByteArray();
        var json = Encoding.UTF8.GetBytes(OtlpJson.Request(OtlpJson.Record(OtlpCatalog.Sync)).ToJsonString());
        for (var i = 0; i < 60; i++)
        {
            // Whole noise, and valid bodies with a few bytes changed (which reach deeper into the parsers).
            var body = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(1, 400)),
                1 => Mutate(random, valid),
                _ => Mutate(random, json),
            };
            var contentType = i % 2 == 0 ? "application/x-protobuf" : "application/json";

            using var response = await collector.PostLogsAsync(body, contentType);

            Assert.True((int)response.StatusCode is 200 or 400, $"{contentType} #{i}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Whole_request_errors_have_the_status_OTLP_clients_expect()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var valid = Request(Record(OtlpCatalog.Sync, ("durationMs", 7L), ("result", "success"))).ToByteArray();

        using (var response = await collector.PostLogsAsync(valid, "application/x-protobuf", key: "cik_not-a-key"))
        {
            Assert.Equal(401, (int)response.StatusCode);
            Assert.StartsWith("unauthorized: ", Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Message, StringComparison.Ordinal);
        }

        using (var response = await collector.PostLogsAsync(valid, "text/plain"))
        {
            Assert.Equal(415, (int)response.StatusCode);
        }

        var many = Request([.. Enumerable.Range(0, 1001).Select(_ => Record(OtlpCatalog.Sync, ("durationMs", 7L), ("result", "success")))]);
        using (var response = await collector.PostLogsAsync(many.ToByteArray(), "application/x-protobuf", gzip: true))
        {
            Assert.Equal(413, (int)response.StatusCode);
            Assert.StartsWith("too_many_events: ", Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Message, StringComparison.Ordinal);
        }

        using (var response = await collector.PostLogsAsync(new byte[1_000_001], "application/x-protobuf"))
        {
            Assert.Equal(413, (int)response.StatusCode);
        }

        Assert.Empty(await collector.StoredAsync());
    }

    private static ExportLogsServiceRequest Request(params LogRecord[] records)
    {
        var resource = new Resource();
        foreach (var (key, value) in new[]
                 {
                     ("service.name", OtlpCatalog.Product), ("service.version", "2.1.0"), ("service.instance.id", Guid.NewGuid().ToString()),
                     ("app.installation.id", Guid.NewGuid().ToString()),
                 })
        {
            resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }

        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "FieldService.Sync" } };
        scope.LogRecords.AddRange(records);
        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = resource, ScopeLogs = { scope } } } };
    }

    private static LogRecord Record(string name, params (string Key, object Value)[] attributes)
    {
        var record = new LogRecord
        {
            EventName = name,
            TimeUnixNano = (ulong)(TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100,
            SeverityNumber = SeverityNumber.Info,
        };
        foreach (var (key, value) in attributes)
        {
            record.Attributes.Add(new KeyValue
            {
                Key = key,
                Value = value is long l ? new AnyValue { IntValue = l } : new AnyValue { StringValue = (string)value },
            });
        }

        return record;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = (byte[])valid.Clone();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }
}

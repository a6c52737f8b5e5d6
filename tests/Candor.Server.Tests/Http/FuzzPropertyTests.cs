using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Candor.Server.Otlp.Proto;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Xunit;
using Xunit.Abstractions;

namespace Candor.Server.Tests.Http;

/// <summary>Issue 15 §3, the fuzzing evidence: an FsCheck property that throws generated hostile bodies at
/// <c>POST /v1/events</c> and <c>POST /v1/logs</c> of one real collector (Kestrel on 127.0.0.1, a DuckDB file): random
/// bytes, valid batches and OTLP requests (JSON and protobuf) with random edits, gzip of garbage or cut short or
/// followed by more, wrong content types and encodings, huge numbers, deep nesting, invalid UTF-8 and lone surrogates.
/// For every body: no 5xx, no dropped connection, and a 4xx names its code (problem details on <c>/v1/events</c>; on
/// <c>/v1/logs</c> the OTLP <c>google.rpc.Status</c> whose message starts with the code, or problem details). Over
/// the run: nothing logged as an error or an unhandled exception, the process's working set never more than 100 MiB
/// above where it started, and an event stored before the run still stored, unchanged, after it. Bounded: a fixed
/// number of cases (<see cref="Cases"/>), a timeout per request and for the whole test. It runs alone: the working
/// set is the whole test process's, and other classes running beside it (collectors with their own DuckDB files) grew
/// it by 196 MiB in one clean-clone run.</summary>
[Collection(nameof(FuzzTestsCollection))]
public sealed partial class FuzzPropertyTests(ITestOutputHelper output)
{
    /// <summary>How many bodies one run sends; <c>CANDOR_FUZZ_CASES</c> raises it for a longer hunt.</summary>
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("CANDOR_FUZZ_CASES"), CultureInfo.InvariantCulture, out var n) ? n : 400;

    private const long MaxGrowthBytes = 100L * 1024 * 1024;

    /// <summary>The device of the event stored before the run; fuzzed bodies use another, so they cannot touch it.</summary>
    private static readonly Guid KnownDevice = Guid.Parse("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");

    private static readonly byte[] EventsSeed = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid(), Events.Valid(), Events.Valid()));

    private static readonly string LogsJson = """
        {"resourceLogs":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"fieldservice.mobile"}},
          {"key":"service.version","value":{"stringValue":"9.3.2411.1"}},
          {"key":"service.instance.id","value":{"stringValue":"5f0b4c1a-2d3e-4f50-8a61-b7c8d9e0f1a2"}},
          {"key":"app.installation.id","value":{"stringValue":"0d6d3a5e-93c4-4b1f-9a51-7f4c1d2e3b40"}}]},
        "scopeLogs":[{"scope":{"name":"FieldService.Sync","version":"2.1.0"},"logRecords":[
          {"timeUnixNano":"1795860000000000000","severityNumber":9,"eventName":"fieldservice.sync.completed",
           "body":{"stringValue":"sync done"},
           "attributes":[{"key":"durationMs","value":{"intValue":"1840"}},{"key":"result","value":{"stringValue":"success"}}]}]}]}]}
        """;

    private static readonly byte[] LogsJsonSeed = Encoding.UTF8.GetBytes(LogsJson);

    private static readonly byte[] LogsProtobufSeed = JsonParser.Default.Parse<ExportLogsServiceRequest>(LogsJson).ToByteArray();

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/x-protobuf", "text/plain", "application/xml",
        "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "multipart/form-data; boundary=x",
        "application/problem+json", "*/*", "application/json; charset=\"utf-8\"; x=y", "application/grpc",
    ];

    /// <summary>Byte sequences that are not UTF-8 (an overlong NUL, an encoded surrogate, a code point past U+10FFFF, a
    /// lone continuation byte, bytes UTF-8 never uses) and JSON escapes of lone or reversed surrogates.</summary>
    private static readonly byte[][] Hostile =
    [
        [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xff], [0xfe, 0xff], [0xe2, 0x82],
        .. new[]
        {
            "\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud83d\\ude00", "\\u0000", "\\u202e", "\"", "\\", "\\x41", "\\u12",
            "1e999999", "-1e-999999", "99999999999999999999999999999999", "-0", "NaN", "Infinity", "0x10", "1.7976931348623157e309",
            "null", "true", "[", "]", "{", "}", ",", ":", "{\"a\":", "[[[[[[[[[[", "]]]]]]]]]]", "\"events\"", "\"data\":{}", "\u00ad",
            "\ufeff", "\u200b",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    [Fact(Timeout = 600_000)]
    public async Task Hostile_bodies_on_both_ingestion_endpoints_never_get_a_5xx_leak_memory_log_an_error_or_lose_a_stored_event()
    {
        await using var server = await TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();

        // Something accepted before the run, which the run must not lose or change.
        var known = Events.Valid();
        known["device"]!["id"] = KnownDevice.ToString();
        using (var stored = await server.PostAsync(tenant.IngestionKey, Events.Batch(known)))
        {
            Assert.Equal(1, (await TestServer.JsonAsync(stored))["accepted"]!.GetValue<int>());
        }

        var before = await DeviceEventsAsync(server, tenant.TenantId);
        Assert.Single(before);

        using var http = new HttpClient { BaseAddress = server.Handle.Address, Timeout = TimeSpan.FromSeconds(30) };

        // Warm up before the working set is taken as the start: the JIT, Kestrel's and the runtime's buffer pools and
        // DuckDB's caches grow to their working size over the first hundred or so bodies (about 40 MiB, measured), and
        // then grow slowly with the data stored (DuckDB's buffer pool). The start is where a collector that has served some traffic stands.
        foreach (var warm in Gen.Sample(Hostile_case(), 150))
        {
            Send(http, tenant.IngestionKey, warm);
        }

        var start = SettledWorkingSet();
        var peak = start;
        var sent = 0;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var property = Prop.ForAll(Hostile_case().ToArbitrary(), c =>
        {
            var (status, failure) = Send(http, tenant.IngestionKey, c);
            sent++;
            var key = $"{c.Path} {c.Kind} {status}";
            seen[key] = seen.GetValueOrDefault(key) + 1;
            if (sent % 50 == 0)
            {
                peak = Math.Max(peak, SettledWorkingSet());
            }

            if (peak - start > MaxGrowthBytes)
            {
                failure ??= $"the working set grew by {(peak - start) / (1024 * 1024)} MiB";
            }

            return failure is null ? true.Label("ok") : false.Label(failure + " after " + c);
        });
        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true), property));
        Assert.Equal(Cases, sent);
        output.WriteLine(string.Join(Environment.NewLine, seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}")));

        // The bodies reached both the acceptance and the refusal paths of both endpoints (a generator that only ever
        // produced one kind of answer would prove little).
        foreach (var path in new[] { "/v1/events", "/v1/logs" })
        {
            var statuses = seen.Keys.Where(k => k.StartsWith(path + " ", StringComparison.Ordinal)).Select(k => k[(k.LastIndexOf(' ') + 1)..]).ToHashSet();
            Assert.Contains("200", statuses);
            Assert.True(statuses.Count >= 4, path + ": " + string.Join(", ", statuses));
        }

        // Nothing was an error, nothing an unhandled exception.
        var errors = server.Logs.Where(l => l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal)
            || l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Take(5)));

        // The working set is back near where it started, and never went far.
        var after = SettledWorkingSet();
        output.WriteLine($"working set: {start / (1024 * 1024)} MiB at the start, {peak / (1024 * 1024)} MiB at the peak, {after / (1024 * 1024)} MiB after");
        Assert.True(after - start < MaxGrowthBytes, $"working set {start / (1024 * 1024)} MiB before, {after / (1024 * 1024)} MiB after");
        Assert.True(peak - start < MaxGrowthBytes, $"working set peaked {(peak - start) / (1024 * 1024)} MiB above the start");

        // What was stored before is still there, byte for byte, and the collector still stores a valid batch.
        Assert.Equal(before, await DeviceEventsAsync(server, tenant.TenantId));
        using var valid = await server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()));
        Assert.Equal(1, (await TestServer.JsonAsync(valid))["accepted"]!.GetValue<int>());
    }

    /// <summary>One request of the fuzz run.</summary>
    internal sealed record FuzzCase(string Kind, string Path, string? ContentType, string? ContentEncoding, byte[] Body, bool Authorized)
    {
        public override string ToString()
        {
            var head = Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 160)));
            return $"{Kind} -> {Path} ({ContentType ?? "no content type"}, {ContentEncoding ?? "identity"}, {Body.Length} bytes" +
                $"{(Authorized ? "" : ", no key")}): {head}";
        }
    }

    /// <summary>Sends a case synchronously (FsCheck properties are synchronous) and returns what is wrong with the
    /// answer, or null.</summary>
    private static (int Status, string? Failure) Send(HttpClient http, string key, FuzzCase c)
    {
        using var content = new ByteArrayContent(c.Body);
        if (c.ContentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
        }

        if (c.ContentEncoding is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Encoding", c.ContentEncoding);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, c.Path) { Content = content };

        // As a careful client does: a body refused by its length is never sent, so the 413 arrives instead of a reset.
        request.Headers.ExpectContinue = c.Body.Length > 64 * 1024;
        if (c.Authorized)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = http.Send(request);
            using var stream = response.Content.ReadAsStream();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            body = buffer.ToArray();
        }
        catch (HttpRequestException ex)
        {
            return (0, "the connection failed: " + ex.Message);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                return (status, $"{status} {Encoding.UTF8.GetString(body)}");
            }

            if (status < 400)
            {
                return (status, status == 200 ? null : $"unexpected {status}");
            }

            var media = response.Content.Headers.ContentType?.MediaType;
            var code = media switch
            {
                "application/problem+json" => ProblemCode(body),
                "application/json" when c.Path == "/v1/logs" => StatusCode(JsonNode.Parse(body)?["message"]?.GetValue<string>()),
                "application/x-protobuf" when c.Path == "/v1/logs" => StatusCode(Status.Parser.ParseFrom(body).Message),
                _ => null,
            };
            return (status, code is not null && CodeShape().IsMatch(code) ? null : $"{status} without a problem code ({media}): {Encoding.UTF8.GetString(body)}");
        }
    }

    private static string? ProblemCode(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body)?["code"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The code an OTLP status message begins with ("invalid_json: ...").</summary>
    private static string? StatusCode(string? message) => message?.Split(':', 2)[0];

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex CodeShape();

    private static Gen<FuzzCase> Hostile_case() =>
        from kind in Gen.Frequency(
            (4, Gen.Constant("mutated")),
            (2, Gen.Constant("random bytes")),
            (2, Gen.Constant("gzip")),
            (1, Gen.Constant("content type")),
            (1, Gen.Constant("huge number")),
            (1, Gen.Constant("deep nesting")),
            (2, Gen.Constant("bad text")),
            (1, Gen.Constant("large")))
        from seed in Gen.Choose(int.MinValue, int.MaxValue)
        from logs in Gen.Frequency((3, Gen.Constant(false)), (2, Gen.Constant(true)))
        from authorized in Gen.Frequency((19, Gen.Constant(true)), (1, Gen.Constant(false)))
        select Build(kind, new Random(seed), logs, authorized);

    /// <summary>One body of the given kind, drawn from a generator-chosen seed (so a failure replays exactly).</summary>
    private static FuzzCase Build(string kind, Random random, bool logs, bool authorized)
    {
        var path = logs ? "/v1/logs" : "/v1/events";
        var protobuf = logs && random.Next(2) == 0;
        var seed = !logs ? EventsSeed : protobuf ? LogsProtobufSeed : LogsJsonSeed;
        var type = protobuf ? "application/x-protobuf" : "application/json";
        byte[] body;
        string? encoding = null;
        switch (kind)
        {
            case "mutated":
                body = Mutate(seed, random, random.Next(1, 17));
                break;
            case "random bytes":
                body = new byte[random.Next(0, 8192)];
                random.NextBytes(body);
                break;
            case "gzip":
                encoding = random.Next(8) == 0 ? Pick(random, "gzip, gzip", "deflate", "br", "x-gzip", "GZIP", "identity, gzip") : "gzip";
                var plain = random.Next(3) switch
                {
                    0 => Bytes(random, random.Next(0, 4096)),
                    1 => Mutate(seed, random, random.Next(0, 5)),
                    _ => seed,
                };
                var gzipped = TestServer.Gzip(plain);
                body = random.Next(4) switch
                {
                    0 => gzipped,
                    1 => gzipped[..Math.Max(0, gzipped.Length - random.Next(1, 12))],
                    2 => [.. gzipped, .. Bytes(random, random.Next(1, 64))],
                    _ => random.Next(2) == 0 ? plain : Mutate(gzipped, random, random.Next(1, 6)),
                };
                break;
            case "content type":
                body = random.Next(2) == 0 ? seed : Mutate(seed, random, 2);
                type = random.Next(6) == 0 ? null : Pick(random, ContentTypes);
                break;
            case "huge number":
                body = Splice(seed, random, Encoding.UTF8.GetBytes(HugeNumber(random)));
                if (random.Next(3) == 0 && !protobuf)
                {
                    body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(seed).Replace("42", HugeNumber(random), StringComparison.Ordinal)
                        .Replace("1840", HugeNumber(random), StringComparison.Ordinal));
                }

                break;
            case "deep nesting":
                var depth = random.Next(1, 200_000);
                var open = random.Next(2) == 0 ? "[" : "{\"a\":";
                var nested = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth)) +
                    (random.Next(2) == 0 ? string.Concat(Enumerable.Repeat(open == "[" ? "]" : "}", depth)) : ""));
                body = random.Next(2) == 0 ? nested : Splice(seed, random, nested);
                break;
            case "bad text":
                body = seed;
                for (var i = random.Next(1, 6); i > 0; i--)
                {
                    body = Splice(body, random, Hostile[random.Next(Hostile.Length)]);
                }

                break;
            default:
                // Around the body limit (1,000,000 bytes): a batch padded to just under, and bodies just over.
                var size = random.Next(900_000, 1_100_000);
                body = random.Next(2) == 0 ? Bytes(random, size) : Pad(seed, size);
                break;
        }

        return new FuzzCase(kind, path, type, encoding, body, authorized);
    }

    private static byte[] Mutate(byte[] seed, Random random, int edits)
    {
        var body = seed;
        for (var i = 0; i < edits && body.Length > 0; i++)
        {
            var at = random.Next(body.Length);
            body = random.Next(6) switch
            {
                0 => [.. body[..at], (byte)random.Next(256), .. body[(at + 1)..]],
                1 => [.. body[..at], .. body[Math.Min(body.Length, at + 1 + random.Next(40))..]],
                2 => [.. body[..at], .. body[at..Math.Min(body.Length, at + random.Next(1, 200))], .. body[at..]],
                3 => Splice(body, random, Hostile[random.Next(Hostile.Length)]),
                4 => body[..at],
                _ => [.. body[..at], (byte)Punctuation[random.Next(Punctuation.Length)], .. body[at..]],
            };
        }

        return body;
    }

    private const string Punctuation = "{}[]\",:\\0e-.";

    private static byte[] Splice(byte[] body, Random random, byte[] insert)
    {
        var at = body.Length == 0 ? 0 : random.Next(body.Length + 1);
        return [.. body[..at], .. insert, .. body[at..]];
    }

    private static string HugeNumber(Random random) => random.Next(5) switch
    {
        0 => new string('9', random.Next(20, 300_000)),
        1 => "-" + new string('9', random.Next(20, 5_000)) + "." + new string('9', random.Next(1, 5_000)),
        2 => "1e" + random.Next(309, int.MaxValue).ToString(CultureInfo.InvariantCulture),
        3 => "-1e-" + random.Next(325, int.MaxValue).ToString(CultureInfo.InvariantCulture),
        _ => "18446744073709551616",
    };

    /// <summary>The seed with its first string value lengthened to <paramref name="size"/> bytes in all.</summary>
    private static byte[] Pad(byte[] seed, int size)
    {
        var quote = Array.IndexOf(seed, (byte)'"', Array.IndexOf(seed, (byte)':') + 1);
        var padding = Enumerable.Repeat((byte)'x', Math.Max(0, size - seed.Length)).ToArray();
        return [.. seed[..(quote + 1)], .. padding, .. seed[(quote + 1)..]];
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];

    /// <summary>The working set after a full, compacting collection that returns free memory to the system: what the
    /// process holds, not garbage the collector has not got round to (1 MB bodies come and go on every few requests).</summary>
    private static long SettledWorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return Environment.WorkingSet;
    }

    private static async Task<List<string>> DeviceEventsAsync(TestServer server, Guid tenant)
    {
        var events = new List<string>();
        await foreach (var e in server.Store.ReadDeviceEventsAsync(tenant, KnownDevice))
        {
            events.Add(JsonSerializer.Serialize(e));
        }

        return events;
    }
}

/// <summary>The fuzz run, whose memory bound reads the process's working set, runs with no other test beside it.</summary>
[CollectionDefinition(nameof(FuzzTestsCollection), DisableParallelization = true)]
public sealed class FuzzTestsCollection;

using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Candor.Server.Ingestion;
using Candor.Server.Otlp.Proto;
using Google.Protobuf;

namespace Candor.Server.Otlp;

/// <summary>The two encodings of OTLP/HTTP: binary protobuf and OTLP JSON.</summary>
internal enum OtlpEncoding
{
    Protobuf,
    Json,
}

/// <summary>Turns a request body (already read within the ingestion limits and inflated) into the OTLP logs request,
/// with the generated types of <c>otlp_logs.proto</c>. Malformed input is an error for the whole request (400),
/// never an exception out of here. Thread-safe.</summary>
internal static class OtlpDecoder
{
    // OTLP JSON: the proto3 JSON mapping (lowerCamelCase names, enums as integers or names, 64-bit integers as
    // strings or numbers), and "receivers MUST ignore unknown fields".
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>The encoding a Content-Type names, or null for one OTLP/HTTP does not define.</summary>
    public static OtlpEncoding? EncodingOf(string? contentType)
    {
        var media = (contentType ?? "").Split(';')[0].Trim();
        if (media.Equals("application/x-protobuf", StringComparison.OrdinalIgnoreCase))
        {
            return OtlpEncoding.Protobuf;
        }

        // OTLP/JSON is UTF-8; a body declared in another charset is refused rather than read as UTF-8.
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) && Http.MediaTypes.IsUtf8(contentType) ? OtlpEncoding.Json : null;
    }

    public static (ExportLogsServiceRequest? Request, BatchError? Error) Decode(ReadOnlySpan<byte> body, OtlpEncoding encoding) =>
        encoding == OtlpEncoding.Protobuf ? DecodeProtobuf(body) : DecodeJson(body);

    private static (ExportLogsServiceRequest?, BatchError?) DecodeProtobuf(ReadOnlySpan<byte> body)
    {
        try
        {
            return (ExportLogsServiceRequest.Parser.ParseFrom(body), null);
        }
        catch (InvalidProtocolBufferException ex)
        {
            // The parser's message names the problem (a truncated message, a bad wire type), never a value.
            return (null, new BatchError(400, "invalid_protobuf", $"The body is not an OTLP logs request in protobuf: {ex.Message}"));
        }
    }

    private static (ExportLogsServiceRequest?, BatchError?) DecodeJson(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            return (null, new BatchError(400, "invalid_utf8", "The body is not valid UTF-8."));
        }

        var (json, error) = HexIdsToBase64(body);
        if (error is not null)
        {
            return (null, error);
        }

        try
        {
            return (Parser.Parse<ExportLogsServiceRequest>(Encoding.UTF8.GetString(json)), null);
        }
        catch (Exception ex) when (ex is InvalidJsonException or InvalidProtocolBufferException or FormatException)
        {
            return (null, new BatchError(400, "invalid_json", $"The body is not an OTLP logs request in JSON: {ex.Message}"));
        }
    }

    /// <summary>OTLP JSON writes <c>traceId</c> and <c>spanId</c> as hex, where the proto3 JSON mapping (and so the
    /// parser) expects base64 for bytes: each such value is rewritten as base64, everything else is copied as it is.</summary>
    internal static (byte[] Json, BatchError? Error) HexIdsToBase64(ReadOnlySpan<byte> body)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 16);
        var reader = new Utf8JsonReader(body, ReaderOptions);
        var copied = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && reader.ValueIsEscaped && !UnescapesToText(ref reader))
                {
                    // "\ud800" is valid JSON but no text: the reader and the protobuf parser throw on it (found by the
                    // fuzzing property, where it was a 500).
                    return ([], new BatchError(400, "invalid_json", "A string or property name holds an unpaired surrogate escape (\\uD800-\\uDFFF)."));
                }

                if (reader.TokenType != JsonTokenType.PropertyName || !IsIdProperty(ref reader))
                {
                    continue;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    // Not a string: the parser reports it.
                    continue;
                }

                if (reader.ValueIsEscaped && !UnescapesToText(ref reader))
                {
                    return ([], new BatchError(400, "invalid_json", "traceId and spanId must be hexadecimal strings."));
                }

                var hex = reader.GetString()!;
                if (!TryHexToBytes(hex, out var bytes))
                {
                    return ([], new BatchError(400, "invalid_json", "traceId and spanId must be hexadecimal strings."));
                }

                // Replace the string token (its quotes included) by the base64 form.
                var start = (int)reader.TokenStartIndex;
                output.Write(body[copied..start]);
                output.Write(Encoding.ASCII.GetBytes("\"" + Convert.ToBase64String(bytes) + "\""));
                copied = (int)reader.BytesConsumed;
            }
        }
        catch (JsonException ex)
        {
            return ([], new BatchError(400, "invalid_json", $"The body is not valid JSON: {ex.Message}"));
        }

        output.Write(body[copied..]);
        return (output.WrittenSpan.ToArray(), null);
    }

    private static bool UnescapesToText(ref Utf8JsonReader reader)
    {
        try
        {
            reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsIdProperty(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("traceId"u8) || reader.ValueTextEquals("spanId"u8)
        || reader.ValueTextEquals("trace_id"u8) || reader.ValueTextEquals("span_id"u8);

    private static bool TryHexToBytes(string hex, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length % 2 != 0)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

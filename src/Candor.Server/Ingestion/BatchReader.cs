using System.Text.Json;
using EnvelopeName = Candor.Core.Model.EnvelopeNames.Encoded;

namespace Candor.Server.Ingestion;

/// <summary>Reads a JSON batch straight from its UTF-8 bytes with <see cref="Utf8JsonReader"/>, in one pass, and
/// hands every value to the acceptance rules (<see cref="EventAcceptance"/>) as it is decoded; each accepted
/// event's <c>data</c> is written back compactly. No document or object graph is built per event; envelope strings
/// that repeat within a batch (SDK, OS, locale...) are decoded once. This file is the batch loop;
/// <c>BatchReader.Envelope.cs</c> reads an event's envelope and <c>BatchReader.Data.cs</c> its data. One instance
/// per request; not thread-safe.</summary>
internal sealed partial class BatchReader
{
    private const int MaxDepth = 16;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    private readonly EventAcceptance _accept;
    private readonly BatchRules _rules;
    private readonly char[] _chars = new char[256];
    private char[] _value = new char[256];

    // Where the current event's 'data' object lies in the body (-1: the event has none).
    private int _dataStart;
    private int _dataLength;

    public BatchReader(BatchRules rules)
    {
        _rules = rules;
        _accept = new EventAcceptance(rules);
    }

    /// <summary>Reads and validates a whole batch. The bytes must be valid UTF-8 (the caller checks).</summary>
    public static BatchResult Read(ReadOnlySpan<byte> json, BatchRules rules) => new BatchReader(rules).ReadBatch(json);

    private BatchResult ReadBatch(ReadOnlySpan<byte> json)
    {
        var result = new BatchResult();
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                result.Error = NotABatch("The body is not a JSON object.");
                return result;
            }

            var sawEvents = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(EnvelopeName.Events.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (sawEvents || reader.TokenType != JsonTokenType.StartArray)
                    {
                        result.Error = NotABatch("'events' must appear once, as an array.");
                        return result;
                    }

                    sawEvents = true;
                    if (!ReadEvents(ref reader, json, result))
                    {
                        return result;
                    }
                }
                else if (reader.ValueTextEquals(EnvelopeName.BatchId.EncodedUtf8Bytes) || reader.ValueTextEquals(EnvelopeName.SentAt.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        result.Error = NotABatch("'batchId' and 'sentAt' must be strings.");
                        return result;
                    }
                }
                else
                {
                    // Unknown batch-level properties are ignored so that newer clients can add metadata.
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                result.Error = NotABatch("The batch object is followed by more content.");
                return result;
            }

            if (!sawEvents)
            {
                result.Error = NotABatch("The batch has no 'events' array.");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with an escaped lone surrogate is well-formed JSON but no text.
            // The reader's message names the line and byte position, never the offending value.
            result.Error = new BatchError(400, "invalid_json", $"The body is not valid JSON: {ex.Message}");
            result.Accepted.Clear();
            result.AcceptedIndexes.Clear();
            result.Rejected.Clear();
        }

        return result;
    }

    private static BatchError NotABatch(string detail) => new(400, "invalid_batch", detail);

    private bool ReadEvents(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, BatchResult result)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index >= _rules.Limits.MaxEventsPerBatch)
            {
                result.Error = new BatchError(413, "too_many_events",
                    $"A batch may hold at most {_rules.Limits.MaxEventsPerBatch} events.");
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                result.Rejected.Add(new Rejection(index, null, RejectionCode.InvalidEnvelope, "The event is not a JSON object."));
            }
            else
            {
                ReadEvent(ref reader, json, index, result);
            }

            index++;
        }

        result.Count = index;
        return true;
    }

    private void ReadEvent(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int index, BatchResult result)
    {
        var e = new EventEnvelope();
        _dataStart = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = Identify(ref reader);
            reader.Read();
            if (e.Failed)
            {
                reader.Skip();
                continue;
            }

            if (property != EnvelopeProperty.Unknown && !e.Mark(property))
            {
                e.Fail(RejectionCode.InvalidEnvelope, $"'{property.Wire()}' appears more than once.");
            }
            else
            {
                ReadEnvelopeValue(ref reader, property, ref e);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        if (!e.Failed && _accept.Check(ref e))
        {
            ReadData(ref e, _dataStart < 0 ? "{}"u8 : json.Slice(_dataStart, _dataLength), e.Rule!);
        }

        _accept.Complete(ref e, index, result);
    }
}

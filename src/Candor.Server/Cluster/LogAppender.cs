using Candor.Server.Ingestion;
using Candor.Storage;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Candor.Server.Cluster;

/// <summary>The group commit's target in cluster mode: publishes each event of a group to the ingest log as one
/// message (subject by tenant, <c>Nats-Msg-Id</c> = tenant/event id), all at once, and returns when every publish is
/// acknowledged by the stream, which answers only once a quorum of its replicas has the message. A message the stream
/// recognises by its id within the duplicate window is reported as a duplicate. When the stream refuses because it
/// is full, throws <see cref="AppenderFullException"/> (503 <c>log_full</c>); any other failure (no quorum, the log
/// unreachable, a timeout) propagates as it is (503 <c>store_unavailable</c>). Either way nothing of the group is
/// acknowledged to the clients, whose retries the ids make harmless. Thread-safe.</summary>
internal sealed class LogAppender(IngestLog log) : IEventAppender
{
    /// <summary>At most this many publishes await their acknowledgement at once, so that a large group commit does
    /// not flood the connection with requests.</summary>
    private const int InFlight = 2_048;

    public async Task<AppendResult> AppendAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken = default)
    {
        // The whole append is bounded: while no node of the log answers, the group commit fails within the
        // deadline (503 store_unavailable) instead of waiting for the connection to come back.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(log.Options.AppendTimeout);
        try
        {
            return await AppendWithinAsync(events, deadline.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The ingest log did not acknowledge {events.Count} events within {log.Options.AppendTimeout.TotalSeconds:F0} s.", ex);
        }
    }

    private async Task<AppendResult> AppendWithinAsync(IReadOnlyList<StoredEvent> events, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var duplicates = new List<int>();
        Exception? failure = null;
        var publishes = new Task<bool>[Math.Min(InFlight, events.Count)];
        for (var start = 0; start < events.Count && failure is null; start += InFlight)
        {
            var count = Math.Min(InFlight, events.Count - start);
            for (var i = 0; i < count; i++)
            {
                publishes[i] = PublishAsync(events[start + i], deadline);
            }

            // Every publish is awaited, even after one failed, so that no task is left unobserved.
            for (var i = 0; i < count; i++)
            {
                try
                {
                    if (await publishes[i].ConfigureAwait(false))
                    {
                        duplicates.Add(start + i);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failure ??= Classify(ex);
                }
            }
        }

        if (failure is not null)
        {
            throw failure;
        }

        return new AppendResult(events.Count - duplicates.Count, duplicates);
    }

    /// <summary>Whether an error of the stream means it is full: JetStream refuses a message under discard-new with
    /// "maximum bytes/messages exceeded" (err_code 10077, store failed) or, when the servers' own storage is
    /// exhausted, "insufficient resources" (10023) or "storage resources exceeded" (10047).</summary>
    internal static bool IsFull(int errCode, string? description) =>
        errCode is 10023 or 10047
        || (errCode == 10077 && description is not null && description.Contains("maximum", StringComparison.OrdinalIgnoreCase))
        || (description is not null && description.Contains("maximum bytes exceeded", StringComparison.OrdinalIgnoreCase));

    private static Exception Classify(Exception ex) => ex switch
    {
        NatsJSApiException api when IsFull(api.Error.ErrCode, api.Error.Description) =>
            new AppenderFullException("The ingest log is full: " + api.Error.Description, ex),

        // The client's own request timeout (no quorum, a node gone): a failure of the log, not a cancellation by
        // the caller, which the group commit would not answer.
        OperationCanceledException => new TimeoutException("The ingest log did not acknowledge in time.", ex),
        _ => ex,
    };

    private async Task<bool> PublishAsync(StoredEvent e, CancellationToken cancellationToken)
    {
        try
        {
            return await PublishOnceAsync(e, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSDuplicateMessageException)
        {
            // The client reports a message the stream recognised by its id as this exception.
            return true;
        }
    }

    private async Task<bool> PublishOnceAsync(StoredEvent e, CancellationToken cancellationToken)
    {
        var ack = await log.JetStream.PublishAsync(EventCodec.Subject(e.TenantId), EventCodec.Encode(e), NatsRawSerializer<byte[]>.Default,
            new NatsJSPubOpts { MsgId = EventCodec.MessageId(e) }, cancellationToken: cancellationToken).ConfigureAwait(false);
        // An error of the stream (full, no quorum) may come back in the acknowledgement rather than as an exception.
        ack.EnsureSuccess();
        return ack.Duplicate;
    }
}

using Candor.Storage;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Candor.Server.Cluster;

/// <summary>How a loader reads the ingest log. Defaults suit a production loader; tests shorten the waits.</summary>
internal sealed record LoaderOptions
{
    /// <summary>The most messages one PostgreSQL transaction stores. Default 5,000.</summary>
    public int BatchSize { get; init; } = 5_000;

    /// <summary>How long one fetch waits for a batch to fill before storing what it has (the client's minimum is
    /// 1 s). Default 1 s.</summary>
    public TimeSpan FetchWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a fetched message may stay unacknowledged before JetStream gives it to another loader
    /// (the shared consumer's ack wait: a dead loader's batch moves on after it). Default 60 s.</summary>
    public TimeSpan AckWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many messages may be out with loaders, unacknowledged, at once. Default 50,000.</summary>
    public int MaxAckPending { get; init; } = 50_000;

    /// <summary>How long a batch the store refused waits before it is offered again. Default 2 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>One loader: a loop that fetches batches from the ingest log's shared durable pull consumer, stores each
/// batch in one <see cref="IEventStore.AppendAsync"/> (PostgreSQL: binary COPY with exact deduplication on tenant
/// and event id), and acknowledges the messages only after that commit. So a loader that dies before the commit
/// loses nothing (JetStream redelivers its messages after <see cref="LoaderOptions.AckWait"/>, to whichever loader
/// fetches next), and one that dies between the commit and the acknowledgements stores nothing twice (the redelivered
/// events are found stored). Any number of loaders, in any processes, share the consumer. A batch the store refuses
/// is handed back (nak) and retried after a pause; a message that is not a Candor event is terminated and counted,
/// never retried for ever. Owns its loop; dispose to stop it (a batch in progress is abandoned unacknowledged, to be
/// redelivered). Thread-safe counters.</summary>
internal sealed partial class LogLoader : IAsyncDisposable
{
    private readonly INatsJSContext _js;
    private readonly IEventStore _store;
    private readonly LoaderOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _stored;
    private long _duplicates;
    private long _malformed;
    private long _failedBatches;

    public LogLoader(INatsJSContext js, IEventStore store, LoaderOptions options, ILogger logger)
    {
        _js = js;
        _store = store;
        _options = options;
        _logger = logger;
    }

    /// <summary>Events this loader stored.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Redelivered events this loader found already stored.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Messages that were not Candor events (terminated).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Batches the store refused (handed back for a retry).</summary>
    public long FailedBatches => Interlocked.Read(ref _failedBatches);

    /// <summary>The shared consumer's configuration.</summary>
    public static ConsumerConfig ConsumerConfig(LoaderOptions options) => new(IngestLogOptions.ConsumerName)
    {
        DurableName = IngestLogOptions.ConsumerName,
        AckPolicy = ConsumerConfigAckPolicy.Explicit,
        AckWait = options.AckWait,
        MaxAckPending = options.MaxAckPending,
        MaxDeliver = -1,
        DeliverPolicy = ConsumerConfigDeliverPolicy.All,
    };

    /// <summary>Creates (or updates) the shared consumer, waiting for the stream to exist (the collectors create it),
    /// and starts the loop.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var consumer = await CreateConsumerAsync(ct).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(consumer, _stop.Token), CancellationToken.None);
    }

    private async Task<INatsJSConsumer> CreateConsumerAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _js.CreateOrUpdateConsumerAsync(IngestLogOptions.StreamName, ConsumerConfig(_options), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                if (attempt == 1 || attempt % 30 == 0)
                {
                    LogWaitingForStream(_logger, ex.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task RunAsync(INatsJSConsumer consumer, CancellationToken ct)
    {
        var messages = new List<INatsJSMsg<byte[]>>(_options.BatchSize);
        var events = new List<StoredEvent>(_options.BatchSize);
        var fetch = new NatsJSFetchOpts { MaxMsgs = _options.BatchSize, Expires = _options.FetchWait };
        while (!ct.IsCancellationRequested)
        {
            messages.Clear();
            events.Clear();
            try
            {
                await foreach (var msg in consumer.FetchAsync(fetch, NatsRawSerializer<byte[]>.Default, ct).ConfigureAwait(false))
                {
                    StoredEvent e;
                    try
                    {
                        e = EventCodec.Decode(msg.Data ?? []);
                    }
                    catch (FormatException ex)
                    {
                        Interlocked.Increment(ref _malformed);
                        LogMalformed(_logger, ex.Message, msg.Subject);
                        await msg.AckTerminateAsync(cancellationToken: ct).ConfigureAwait(false);
                        continue;
                    }

                    messages.Add(msg);
                    events.Add(e);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The log is unreachable or the consumer is electing a leader: what was fetched is not stored, so it
                // is not acknowledged either; it comes back after the ack wait.
                LogFetchFailed(_logger, ex.Message);
                if (!await DelayAsync(_options.RetryDelay, ct).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (events.Count > 0 && !await StoreAsync(messages, events, ct).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Stores one batch and acknowledges it; false when the loader is stopping.</summary>
    private async Task<bool> StoreAsync(List<INatsJSMsg<byte[]>> messages, List<StoredEvent> events, CancellationToken ct)
    {
        AppendResult result;
        try
        {
            result = await _store.AppendAsync(events, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failedBatches);
            LogStoreFailed(_logger, ex, events.Count);
            await SettleAsync(messages, static (msg, token) => msg.NakAsync(cancellationToken: token)).ConfigureAwait(false);

            return await DelayAsync(_options.RetryDelay, ct).ConfigureAwait(false);
        }

        // After the commit, the acknowledgements: a loader that dies here leaves messages to be redelivered, and the
        // store finds their events already there.
        await SettleAsync(messages, static (msg, token) => msg.AckAsync(cancellationToken: token)).ConfigureAwait(false);

        Interlocked.Add(ref _stored, result.Stored);
        Interlocked.Add(ref _duplicates, result.DuplicateIndexes.Count);
        return true;
    }

    /// <summary>Acknowledges (or hands back) a batch's messages, within one command timeout for the whole batch. An
    /// acknowledgement that does not arrive only means a redelivery, which the store deduplicates: so at the first
    /// failure (the log unreachable: the client's NatsException, or its TaskCanceledException after the command
    /// timeout) the rest of the batch is left to the ack wait rather than tried one by one, and nothing here may end
    /// the loader's loop.</summary>
    private async Task SettleAsync(List<INatsJSMsg<byte[]>> messages, Func<INatsJSMsg<byte[]>, CancellationToken, ValueTask> settle)
    {
        using var deadline = new CancellationTokenSource(IngestLog.CommandTimeout);
        foreach (var msg in messages)
        {
            try
            {
                await settle(msg, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogAckFailed(_logger, ex.Message);
                return;
            }
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the loop; a batch being stored is abandoned without acknowledgement.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Waiting for the ingest log's stream: {Reason}")]
    private static partial void LogWaitingForStream(ILogger logger, string reason);

    [LoggerMessage(EventId = 511, Level = LogLevel.Error, Message = "Terminated a message of the ingest log that is not a Candor event ({Reason}) on {Subject}")]
    private static partial void LogMalformed(ILogger logger, string reason, string subject);

    [LoggerMessage(EventId = 512, Level = LogLevel.Warning, Message = "Fetching from the ingest log failed ({Reason}); retrying")]
    private static partial void LogFetchFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 513, Level = LogLevel.Error, Message = "Storing a batch of {Count} events from the ingest log failed; it is handed back and retried")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 514, Level = LogLevel.Warning, Message = "Acknowledging a batch to the ingest log failed ({Reason}); its messages will be redelivered after the ack wait and deduplicated")]
    private static partial void LogAckFailed(ILogger logger, string reason);
}

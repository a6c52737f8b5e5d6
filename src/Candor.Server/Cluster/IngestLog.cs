using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Candor.Server.Cluster;

/// <summary>A connection to the JetStream cluster that carries the ingest log, and the stream's definition: file
/// storage, replicated (<see cref="Replicas"/>), work-queue retention (a message is removed once a loader has
/// acknowledged it, so the bounds measure the backlog only), discard-new (when full, an append is refused rather than
/// an unloaded event dropped), bounded by bytes and age, with a duplicate window on the <c>Nats-Msg-Id</c> header.
/// The connection reconnects by itself to any node of the cluster. Thread-safe; dispose to close the connection.</summary>
internal sealed partial class IngestLog : IAsyncDisposable
{
    private IngestLog(NatsConnection connection, IngestLogOptions options)
    {
        Connection = connection;
        Options = options;
        JetStream = new NatsJSContext(connection);
    }

    /// <summary>How long one command (a publish, a subscription) may wait to be written while the connection is
    /// down or reconnecting to another node, and how long a request waits for its answer. An append as a whole is
    /// bounded by <see cref="IngestLogOptions.AppendTimeout"/>.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    public NatsConnection Connection { get; }

    public INatsJSContext JetStream { get; }

    public IngestLogOptions Options { get; }

    /// <summary>How many nodes keep each message: <see cref="IngestLogOptions.Replicas"/>, or when 0 three if the
    /// configuration names at least three servers, else as many as it names.</summary>
    public int Replicas => Options.Replicas > 0 ? Options.Replicas : Math.Clamp(Options.Servers.Count, 1, 3);

    /// <summary>Whether the connection is open now (readiness).</summary>
    public bool IsConnected => Connection.ConnectionState == NatsConnectionState.Open;

    /// <summary>Connects to the cluster (any of the servers). Throws <see cref="InvalidOperationException"/> naming the
    /// servers when none answers.</summary>
    public static async Task<IngestLog> ConnectAsync(IngestLogOptions options, string clientName, CancellationToken ct)
    {
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = string.Join(",", options.Servers),
            Name = clientName,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RequestTimeout = CommandTimeout,
            // By default a publish made while the connection is down waits, without bound, for it to come back, and a
            // collector's batch (and its group commit, and its shutdown) with it. With these a publish that cannot be
            // written within CommandTimeout throws, the append fails, and the clients get 503 store_unavailable.
            CommandTimeout = CommandTimeout,
            PublishTimeoutOnDisconnected = true,
            // A collector or loader outlives any node: it keeps trying the cluster's nodes for ever.
            MaxReconnectRetry = -1,
        });
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(ct).ConfigureAwait(false);
            return new IngestLog(connection, options);
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"Cannot reach the ingest log at {string.Join(",", options.Servers)}: {ex.Message}", ex);
        }
    }

    /// <summary>The stream as this collector's options define it.</summary>
    public StreamConfig StreamConfig() => new(IngestLogOptions.StreamName, [IngestLogOptions.SubjectPrefix + ">"])
    {
        Storage = StreamConfigStorage.File,
        Retention = StreamConfigRetention.Workqueue,
        Discard = StreamConfigDiscard.New,
        MaxBytes = Options.MaxBytes,
        MaxAge = Options.MaxAge,
        DuplicateWindow = Options.DuplicateWindow,
        NumReplicas = Replicas,
    };

    /// <summary>Creates the stream, or updates its bounds to this collector's. A stream that cannot take this
    /// configuration (say, another replica count the cluster cannot reach) is used as it is, with a warning: the
    /// collector must not refuse to start over a bound. Retries while the cluster elects its meta leader.</summary>
    public async Task EnsureStreamAsync(ILogger logger, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await JetStream.CreateOrUpdateStreamAsync(StreamConfig(), ct).ConfigureAwait(false);
                return;
            }
            catch (NatsJSApiException ex) when (attempt < 30)
            {
                try
                {
                    var existing = await JetStream.GetStreamAsync(IngestLogOptions.StreamName, cancellationToken: ct).ConfigureAwait(false);
                    LogStreamKept(logger, ex.Error.Description ?? ex.Message, existing.Info.Config.NumReplicas);
                    return;
                }
                catch (NatsJSApiException)
                {
                    // Not there either: the cluster is not ready yet (no meta leader); try again.
                }
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException && attempt < 30)
            {
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "The ingest log stream exists with another configuration that cannot be changed to this collector's ({Reason}); using it as it is ({Replicas} replicas)")]
    private static partial void LogStreamKept(ILogger logger, string reason, int replicas);
}

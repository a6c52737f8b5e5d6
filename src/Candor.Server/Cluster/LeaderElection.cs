using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Candor.Server.Cluster;

/// <summary>Runs the work that must run once per cluster (analytics projection and detection, alert delivery,
/// retention, the ingest log's alarm) on one node at a time: the node that holds a PostgreSQL session advisory lock
/// (<c>pg_try_advisory_lock</c>) on a connection of its own. The lock lives exactly as long as that connection, so
/// when the holder dies (process killed, network gone, backend terminated) the server releases it and the next node
/// to try takes it, within one <see cref="LeaderElection"/> interval. Every interval a follower tries to take the lock
/// and the leader checks its connection; a leader that finds it broken stops the work at once. Between the old
/// leader's connection dying and it noticing, both may run a round: the work is written to tolerate that (the
/// projector and retention take the derived-data transaction lock; alerts are raised idempotently). One loop, its
/// shutdown, nothing else; a hosted service.</summary>
internal sealed partial class LeaderElection : BackgroundService
{
    /// <summary>The session advisory lock of the leader ("candol" in ASCII; the store's own keys are "candor"/"candos"
    /// as single keys and "cand" as a class of pairs).</summary>
    public const long LockKey = 0x63616e646f6c;

    private readonly string _connectionString;
    private readonly IReadOnlyList<IHostedService> _work;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private NpgsqlConnection? _connection;
    private volatile bool _isLeader;

    /// <summary>An election over the store's connection string (the lock's connection is made from it without
    /// pooling, so that closing it really ends the session) for <paramref name="work"/>, the services to run while
    /// leader, started and stopped as leadership comes and goes.</summary>
    public LeaderElection(string connectionString, IReadOnlyList<IHostedService> work, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = "candor-leader",
            // A dead server must be noticed within about one interval, not after the default TCP timeouts.
            KeepAlive = Math.Max(1, (int)interval.TotalSeconds),
            CommandTimeout = Math.Max(2, (int)interval.TotalSeconds),
            Timeout = Math.Max(2, (int)interval.TotalSeconds),
        }.ConnectionString;
        _work = work;
        _interval = interval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether this node leads now.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>The PostgreSQL backend of the lock's connection while this node leads, else 0 (tests end it to
    /// simulate the holder's death).</summary>
    public int BackendProcessId => _isLeader ? _connection?.ProcessID ?? 0 : 0;

    /// <summary>Completes when this node becomes leader (tests).</summary>
    internal async Task WaitForLeadershipAsync(TimeSpan timeout)
    {
        var deadline = _time.GetTimestamp();
        while (!_isLeader)
        {
            if (_time.GetElapsedTime(deadline) > timeout)
            {
                throw new TimeoutException("This node did not become leader in time.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first attempt runs before the host reports started, so that a single node leads at once.
        await TryLeadAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_isLeader)
                {
                    await CheckLeadershipAsync(stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    await TryLeadAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_isLeader)
        {
            await ResignAsync(cancellationToken).ConfigureAwait(false);
        }

        await CloseAsync().ConfigureAwait(false);
    }

    private async Task TryLeadAsync(CancellationToken ct)
    {
        try
        {
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(_connectionString);
                await _connection.OpenAsync(ct).ConfigureAwait(false);
            }

            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", _connection);
            command.Parameters.AddWithValue("key", LockKey);
            if (await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
            {
                _isLeader = true;
                LogElected(_logger, _connection.ProcessID);
                foreach (var service in _work)
                {
                    await service.StartAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            LogCannotTry(_logger, ex.Message);
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task CheckLeadershipAsync(CancellationToken ct)
    {
        try
        {
            // The lock is the session's: while this answers, the session (and so the lock) is alive.
            await using var command = new NpgsqlCommand("SELECT 1", _connection);
            await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            LogDeposed(_logger, ex.Message);
            await ResignAsync(ct).ConfigureAwait(false);
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task ResignAsync(CancellationToken ct)
    {
        _isLeader = false;
        foreach (var service in _work.Reverse())
        {
            try
            {
                await service.StopAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStopFailed(_logger, ex, service.GetType().Name);
            }
        }
    }

    private async Task CloseAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "This node is the leader (PostgreSQL backend {Backend}): it runs analytics, alert delivery, retention and the ingest log alarm")]
    private static partial void LogElected(ILogger logger, int backend);

    [LoggerMessage(EventId = 521, Level = LogLevel.Warning, Message = "This node lost the leadership ({Reason}); the leader's work stops here and moves to another node")]
    private static partial void LogDeposed(ILogger logger, string reason);

    [LoggerMessage(EventId = 522, Level = LogLevel.Debug, Message = "Could not try for the leadership ({Reason}); trying again")]
    private static partial void LogCannotTry(ILogger logger, string reason);

    [LoggerMessage(EventId = 523, Level = LogLevel.Error, Message = "Stopping the leader's {Service} failed")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string service);
}

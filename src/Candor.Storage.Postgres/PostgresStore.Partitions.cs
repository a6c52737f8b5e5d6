using System.Globalization;
using Candor.Storage.Schema;
using Npgsql;

namespace Candor.Storage.Postgres;

public sealed partial class PostgresStore : IReceivedDayPartitions
{
    /// <summary>Where migration 0020 puts the partitions of events, one per received day (UTC).</summary>
    internal const string PartitionSchema = "candor_partitions";

    private const string PartitionPrefix = "events_";

    /// <summary>The received days this process knows to have a partition. A day dropped by another process is
    /// found out by the write failing ("no partition"), which forgets the day and retries.</summary>
    private readonly HashSet<DateOnly> _partitionDays = [];
    private readonly Lock _partitionDaysLock = new();

    /// <summary>The rows this process has copied into each young day partition (<see cref="AnalyzeYoungDaysAsync"/>).</summary>
    private readonly Dictionary<DateOnly, long> _youngDays = [];

    /// <summary>A day partition is analyzed by its writer when this process has copied this many rows into it, then ten
    /// times as many, up to <see cref="LastAnalyzedRows"/>.</summary>
    internal const long FirstAnalyzedRows = 1_000;

    /// <summary>From this size on, autovacuum's own analyze (after each 10 % of growth) keeps the statistics close
    /// enough.</summary>
    internal const long LastAnalyzedRows = 1_000_000;

    /// <inheritdoc />
    /// <remarks>A maintenance statement set (docs/operations.md lists it): it spans all tenants, as Citus would
    /// run it on every shard. The facts go by join with the days being dropped, so a tenant whose retention is
    /// longer never loses facts of events that stay.</remarks>
    public async Task<int> MaintainPartitionsAsync(DateTimeOffset now, DateTimeOffset dropBefore, int daysAhead = 3,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(daysAhead, 1);
        var today = Day(now);
        await EnsurePartitionsAsync(Enumerable.Range(0, daysAhead + 1).Select(today.AddDays), cancellationToken).ConfigureAwait(false);

        // Only days that end at or before the cutoff: the day the cutoff falls in keeps its later events.
        var cutoff = Day(dropBefore);
        var cutoffTime = new DateTimeOffset(cutoff.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var expired = (await ListPartitionsAsync(connection, cancellationToken).ConfigureAwait(false)).Where(p => p.Day < cutoff).ToList();
        if (expired.Count == 0)
        {
            return 0;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockDerivedDataAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var statement in ExpiredFactStatements())
        {
            await ExecuteAsync(connection, statement, cancellationToken, ("cutoff", cutoffTime)).ConfigureAwait(false);
        }

        foreach (var (name, _) in expired)
        {
            // The name was read from the catalog and matched the partition pattern; it is quoted all the same.
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {PartitionSchema}.\"{name}\"", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        lock (_partitionDaysLock)
        {
            _partitionDays.RemoveWhere(d => d < cutoff);
        }

        return expired.Count;
    }

    /// <summary>The statements that remove the facts derived from events received before <c>@cutoff</c> (a day
    /// boundary), with the same rules as <see cref="EventDerivedFacts"/> but across tenants.</summary>
    private static IEnumerable<string> ExpiredFactStatements()
    {
        foreach (var table in EventDerivedFacts.PerEventTables)
        {
            yield return $"DELETE FROM {table} f USING events e " +
                "WHERE e.received_at < @cutoff AND f.tenant_id = e.tenant_id AND f.event_id = e.event_id";
        }

        const string SameDeviceDay =
            "{0}.tenant_id = d.tenant_id AND {0}.device_id = d.device_id AND {0}.product = d.product " +
            "AND {0}.app_version = d.app_version AND {0}.time >= (d.day::timestamp AT TIME ZONE 'UTC') " +
            "AND {0}.time < ((d.day + 1)::timestamp AT TIME ZONE 'UTC')";
        yield return "DELETE FROM analytics_device_days d WHERE " +
            $"EXISTS (SELECT 1 FROM events e WHERE e.received_at < @cutoff AND {string.Format(CultureInfo.InvariantCulture, SameDeviceDay, "e")}) " +
            $"AND NOT EXISTS (SELECT 1 FROM events k WHERE k.received_at >= @cutoff AND {string.Format(CultureInfo.InvariantCulture, SameDeviceDay, "k")})";
        yield return "DELETE FROM analytics_fingerprints p WHERE NOT EXISTS " +
            "(SELECT 1 FROM analytics_crashes c WHERE c.tenant_id = p.tenant_id AND c.fingerprint = p.fingerprint)";
    }

    /// <summary>The partitions of events with the day each holds, from the catalog.</summary>
    private static async Task<List<(string Name, DateOnly Day)>> ListPartitionsAsync(NpgsqlConnection connection,
        CancellationToken cancellationToken)
    {
        var partitions = new List<(string, DateOnly)>();
        await using var command = Command(connection,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.inhparent = 'events'::regclass AND n.nspname = @schema",
            ("schema", PartitionSchema));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            if (name.StartsWith(PartitionPrefix, StringComparison.Ordinal) && DateOnly.TryParseExact(name.AsSpan(PartitionPrefix.Length),
                "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                partitions.Add((name, day));
            }
        }

        return partitions;
    }

    /// <summary>Creates the partitions of the given received days that this process does not know of, each in
    /// its own short transaction: creating a partition locks the whole events table, which must not be held
    /// for the length of a batch's copy.</summary>
    private async Task EnsurePartitionsAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        List<DateOnly> missing;
        lock (_partitionDaysLock)
        {
            missing = [.. days.Where(d => !_partitionDays.Contains(d)).Distinct()];
        }

        if (missing.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var day in missing)
        {
            await ExecuteAsync(connection, "SELECT candor_events_partition(@day)", cancellationToken, ("day", day)).ConfigureAwait(false);
            lock (_partitionDaysLock)
            {
                _partitionDays.Add(day);
            }
        }
    }

    /// <summary>Analyzes the day partitions that the copy of <paramref name="stored"/> made ten times larger (as far as
    /// this process wrote them), after the commit. A new day's partition starts empty, and until it has statistics
    /// the planner takes it for a few rows: the duplicate check's prepared plan (kept until an analyze or DDL
    /// invalidates it) reads it by a sequential scan per key, and the projector's joins go by nested loops. At a
    /// large installation's rate a partition holds millions of rows before autovacuum (a naptime of a minute, then
    /// its thresholds) analyzes it; measured with bench/ingest-scale.sh --received-days: each day started with a
    /// minute at under 1,000 events/s, duplicate checks of 20 s per batch and an analytics round timing out. An
    /// analyze samples at most 30,000 rows, so each costs at most a few hundred milliseconds, four times a day.
    /// Counted per process: with several writers the statistics lag by their number, not by orders of
    /// magnitude.</summary>
    private async Task AnalyzeYoungDaysAsync(IReadOnlyList<StoredEvent> events, List<int> stored)
    {
        if (stored.Count == 0)
        {
            return;
        }

        List<DateOnly>? due = null;
        lock (_partitionDaysLock)
        {
            foreach (var group in stored.GroupBy(i => Day(events[i].ReceivedAt)))
            {
                var before = _youngDays.GetValueOrDefault(group.Key);
                var after = before + group.Count();
                _youngDays[group.Key] = after;
                var next = NextAnalysis(before);
                if (next <= LastAnalyzedRows && after >= next)
                {
                    (due ??= []).Add(group.Key);
                }
            }

            // Only the newest day and the one before are young (a batch received at midnight spans both); the map
            // forgets the rest so that it stays small.
            var oldest = _youngDays.Keys.Max().AddDays(-1);
            foreach (var day in _youngDays.Keys.Where(d => d < oldest).ToList())
            {
                _youngDays.Remove(day);
            }
        }

        if (due is null)
        {
            return;
        }

        // The append has committed: from here nothing may turn it into an error for the caller, neither its
        // cancellation nor a failed analyze (a partition that retention dropped meanwhile, a lost connection), which
        // autovacuum makes up for later.
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var day in due)
            {
                // The name is built from the day, the same way candor_events_partition names it.
                await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture,
                    $"ANALYZE {PartitionSchema}.{PartitionPrefix}{day:yyyyMMdd}"), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
        }
    }

    /// <summary>The count of rows at which a day that holds <paramref name="rows"/> is analyzed next: the first of
    /// <see cref="FirstAnalyzedRows"/> and its tenfolds above it.</summary>
    private static long NextAnalysis(long rows)
    {
        var next = FirstAnalyzedRows;
        while (next <= rows)
        {
            next *= 10;
        }

        return next;
    }

    private void ForgetPartitions()
    {
        lock (_partitionDaysLock)
        {
            _partitionDays.Clear();
        }
    }

    private static DateOnly Day(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);
}

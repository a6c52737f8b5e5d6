using System.Buffers.Binary;
using Npgsql;

namespace Candor.Storage.Postgres;

/// <summary>Exact deduplication across the partitions of events (docs/operations.md, "PostgreSQL: events by
/// received day"). The primary key holds received_at, so PostgreSQL alone no longer refuses a second copy of
/// an event received on another day; the writer does, with a lock and a bounded look-up.</summary>
public sealed partial class PostgresStore
{
    /// <summary>"no partition of relation events found for row": a day's partition was dropped by another
    /// process after this one cached it.</summary>
    private const string NoPartition = "23514";

    /// <summary>The advisory lock class of the tenant stripes ("cand" in ASCII); the objects are the stripes.</summary>
    private const int TenantStripeLockClass = 0x63616e64;

    /// <summary>Tenants share this many locks: a batch takes at most this many, however many tenants it holds,
    /// which keeps PostgreSQL's shared lock table small; two tenants on one stripe only wait for each other.</summary>
    private const int TenantStripes = 64;

    /// <summary>How long before its own time (or its reception) an earlier copy of an event can have been
    /// received: the collector refuses an event more than its clock skew ahead of it, and caps the skew at one
    /// day (Limits:MaxClockSkewSeconds). A copy is the same event, so it carries the same time; any copy is
    /// therefore in the days from (time - this) to now, and only those partitions are searched. The acceptance
    /// window (Limits:MaxEventAgeDays) bounds the search from the other side: a copy sent later than that is
    /// refused as too old before it reaches the store.</summary>
    internal static readonly TimeSpan DuplicateHorizon = TimeSpan.FromDays(1);

    /// <summary>A stripe that every process computes alike (not <see cref="Guid.GetHashCode"/>, which is not
    /// stable across processes).</summary>
    internal static int Stripe(Guid tenantId)
    {
        Span<byte> bytes = stackalloc byte[16];
        tenantId.TryWriteBytes(bytes);
        return (int)(BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]) % TenantStripes);
    }

    /// <summary>Takes, for the transaction, the locks of the stripes of the batch's tenants in ascending order
    /// (so that two writers cannot deadlock on them), then finds which of the batch's (tenant, event id) keys are
    /// stored already (null when none is), and records the analytics arrival of the rest: one round trip, which
    /// also carries the transaction's BEGIN. Every writer of events holds the locks from its look-up to its
    /// commit, so a concurrent writer of the same id waits and then finds it. The received_at bound prunes the
    /// look-up to the partitions an earlier copy can be in; in each, a key is one descent of the primary key's
    /// index by its (tenant_id, event_id) prefix. The statements are prepared, so a pooled connection plans them
    /// once rather than per batch (PostgreSQL then prunes the partitions at execution).</summary>
    private static async Task<HashSet<(Guid, Guid)>?> LockAndFindStoredAsync(NpgsqlConnection connection,
        IReadOnlyList<StoredEvent> events, List<int> unique, CancellationToken cancellationToken)
    {
        var stripes = new SortedSet<int>();
        var tenants = new Guid[unique.Count];
        var ids = new Guid[unique.Count];
        var received = new DateTime[unique.Count];
        var from = DateTimeOffset.MaxValue;
        for (var i = 0; i < unique.Count; i++)
        {
            var e = events[unique[i]];
            stripes.Add(Stripe(e.TenantId));
            (tenants[i], ids[i], received[i]) = (e.TenantId, e.EventId, e.ReceivedAt.UtcDateTime);
            from = Min(from, Min(e.Time, e.ReceivedAt));
        }

        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                BatchCommand("SELECT pg_advisory_xact_lock(@class, s) FROM unnest(@stripes) AS s",
                    ("class", TenantStripeLockClass), ("stripes", stripes.ToArray())),
                // LATERAL ... LIMIT 1 keeps the planner from turning the look-up into a hash join, which reads every
                // row of the days reached (seconds per batch once a day holds millions); as written it is one probe
                // of the primary key per key and day, whatever the days hold. A further condition on tenant_id (such
                // as = ANY of the batch's tenants) must not be added: it makes the planner take another index that
                // starts with tenant_id and filter the whole tenant per key (measured: over 30 s per batch of 5,000).
                // The arrival is the projector's to-do list (migration 0021): in this transaction, so that a round
                // sees the row exactly when it can see the events, however long after their received_at they commit;
                // it counts the keys not found, which are exactly the rows the copy then writes.
                BatchCommand(
                    "WITH b AS MATERIALIZED (SELECT * FROM unnest(@tenants, @ids, @received) AS b(tenant_id, event_id, received_at)), " +
                    "found AS MATERIALIZED (SELECT b.tenant_id, b.event_id FROM b CROSS JOIN LATERAL " +
                    "(SELECT 1 FROM events e WHERE e.tenant_id = b.tenant_id AND e.event_id = b.event_id " +
                    "AND e.received_at >= @from LIMIT 1) AS f), " +
                    "arrival AS (INSERT INTO analytics_arrivals (first_received, last_received, events) " +
                    "SELECT min(b.received_at), max(b.received_at), count(*) FROM b WHERE NOT EXISTS " +
                    "(SELECT 1 FROM found WHERE found.tenant_id = b.tenant_id AND found.event_id = b.event_id) HAVING count(*) > 0) " +
                    "SELECT tenant_id, event_id FROM found",
                    ("tenants", tenants), ("ids", ids), ("received", received), ("from", from - DuplicateHorizon)),
            },
        };
        await batch.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        HashSet<(Guid, Guid)>? found = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            (found ??= []).Add((reader.GetGuid(0), reader.GetGuid(1)));
        }

        return found;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

using System.Buffers.Binary;
using System.Diagnostics;
using Candor.Storage.DuckDb.Dedupe;
using DuckDB.NET.Data;

namespace Candor.Storage.DuckDb;

/// <summary>Exact deduplication per (tenant_id, event_id) without an index (docs/operations.md, "DuckDB: duplicate
/// check"). The events (<c>event_rows</c> since migration 0011) have no primary key since migration 0010: a primary
/// key is an in-memory index over every stored key whose upkeep grows with the table. Each batch is checked by one of two routes, chosen per event:
/// <list type="bullet">
/// <item>Time-ordered (version 7) ids, the common case: first the <see cref="RecentIdFilter"/>, which holds every
/// stored version 7 key above its floor, answers "certainly new" for nearly every fresh id with no read at all. The
/// rest (a retry, a false positive, a late upload below the floor), within <see cref="IdRangeWindow"/> of each other:
/// their keys go into a temporary table, joined against the <c>event_rows</c> whose event_id lies in the batch's
/// min..max id range. Rows arrive roughly in id order, so DuckDB's zone maps skip every row group outside the range:
/// the check reads the recent rows, whatever the table holds.</item>
/// <item>Every other id (random ids from old SDKs and other clients, ids from a clock far off the batch's): the
/// <see cref="KeyFilters"/> of the day of the event's time answer "certainly new" for nearly all of them; the few
/// they cannot rule out (a retry, or a false positive) are looked up exactly among the rows whose time lies in
/// their range of times. Events older than the window are always looked up.</item>
/// </list>
/// The writer is single (the write lock), so nothing can be stored between the check and the append; repeats
/// inside a batch are found in memory first. The state survives restarts because it is the table itself: the
/// filters are rebuilt from <c>event_rows</c> on first use. The checks read <c>event_rows</c>, not the
/// <c>events</c> view: the keys are all they need, and the envelope join would only cost.</summary>
public sealed partial class DuckDbStore
{
    /// <summary>How far apart in id time the ids of the range check may be: one hour. Wider ranges read more row
    /// groups; ids outside the densest hour of a batch take the filter route.</summary>
    internal static readonly long IdRangeWindow = (long)TimeSpan.FromHours(1).TotalMilliseconds;

    /// <summary>The batch's keys, appended before each check and emptied after it.</summary>
    internal const string KeysTableSql = "CREATE OR REPLACE TEMP TABLE candor_keys (idx INTEGER, tenant_id UUID, event_id UUID, ranged BOOLEAN)";

    /// <summary>The range route's check: the keys of the range route joined against the rows of <c>event_rows</c> whose
    /// event_id lies in the batch's id range ($low, $high). The range is a filter on the scan of <c>event_rows</c>, so the
    /// zone maps (min/max of event_id per row group) skip every row group outside it; DuckDbZoneMapTests proves it
    /// with DuckDB's profiler.</summary>
    internal const string RangeCheckSql = "SELECT DISTINCT k.idx FROM candor_keys k JOIN (SELECT tenant_id, event_id FROM event_rows " +
        "WHERE event_id BETWEEN $low AND $high) e ON e.tenant_id = k.tenant_id AND e.event_id = k.event_id WHERE k.ranged";

    private readonly KeyFilters _filters = new();
    private readonly int _recentIdCapacity;
    private RecentIdFilter? _recent;
    private bool _keysTableReady;
    private long _checkedRows;
    private long _checkTicks;
    private long _lookedUpRows;
    private long _recentNewRows;

    /// <summary>What the duplicate check has done since the store was opened (for benchmarks and tests).</summary>
    internal DedupeStatistics Dedupe => new(_checkedRows, Stopwatch.GetElapsedTime(0, _checkTicks), _lookedUpRows,
        _filters.Days, _filters.Keys, _filters.Bytes, _recentNewRows);

    /// <summary>Drops what the duplicate check keeps in memory after anything wrote event_rows around the append (a
    /// migration, a bulk load through SQL): both kinds of filter are rebuilt from the table when next needed.</summary>
    private void ForgetDedupeFilters()
    {
        _filters.Clear();
        _recent = null;
    }

    /// <summary>Which of <paramref name="unique"/> are stored already, as their indexes into
    /// <paramref name="events"/>. Runs on the writer inside the append's transaction.</summary>
    private HashSet<int> FindStored(IReadOnlyList<StoredEvent> events, List<int> unique)
    {
        var started = Stopwatch.GetTimestamp();
        var found = new HashSet<int>();
        var (ranged, certainlyNew, lowId, highId) = Ranged(events, unique, _recent ??= LoadRecent());
        var lookUps = new List<int>();
        var firstKept = KeyFilters.Day(_time.GetUtcNow()) - _windowDays;
        foreach (var index in unique)
        {
            if (ranged.Contains(index) || certainlyNew.Contains(index))
            {
                continue;
            }

            var e = events[index];
            var day = KeyFilters.Day(e.Time);
            if (day < firstKept)
            {
                lookUps.Add(index);
                continue;
            }

            if (!_filters.IsLoaded(day))
            {
                LoadDay(day);
            }

            if (_filters.MightContain(day, e.TenantId, e.EventId))
            {
                lookUps.Add(index);
            }
        }

        if (ranged.Count + lookUps.Count > 0)
        {
            FillKeys(events, ranged, lookUps);
            try
            {
                if (ranged.Count > 0)
                {
                    Collect(found, RangeCheckSql, ("low", lowId), ("high", highId));
                }

                if (lookUps.Count > 0)
                {
                    var from = lookUps.Min(i => events[i].Time);
                    var to = lookUps.Max(i => events[i].Time);
                    Collect(found, "SELECT DISTINCT k.idx FROM candor_keys k JOIN (SELECT tenant_id, event_id FROM event_rows " +
                        "WHERE time BETWEEN $from AND $to) e ON e.tenant_id = k.tenant_id AND e.event_id = k.event_id WHERE NOT k.ranged",
                        ("from", Utc(from)), ("to", Utc(to)));
                }
            }
            finally
            {
                Execute(_writer, "DELETE FROM candor_keys");
            }
        }

        _checkedRows += unique.Count;
        _lookedUpRows += lookUps.Count;
        _recentNewRows += certainlyNew.Count;
        _checkTicks += Stopwatch.GetTimestamp() - started;
        return found;
    }

    /// <summary>Records what a committed append stored in the loaded days' filters, and drops the days that left
    /// the window.</summary>
    private void Remember(IReadOnlyList<StoredEvent> events, List<int> stored)
    {
        foreach (var index in stored)
        {
            var e = events[index];
            _filters.Add(KeyFilters.Day(e.Time), e.TenantId, e.EventId);
            var id = BigEndian(e.EventId);
            if (IsVersion7(id))
            {
                // Set by the check of this append, which runs before it on the same writer.
                _recent!.Add(id, _filters.Hash(e.TenantId, e.EventId));
            }
        }

        _filters.DropBefore(KeyFilters.Day(_time.GetUtcNow()) - _windowDays);
    }

    /// <summary>The events of the range route: the version 7 ids in the densest <see cref="IdRangeWindow"/> of id
    /// time, and the lowest and highest of them in DuckDB's UUID order (the big-endian bytes).</summary>
    private (HashSet<int> Ranged, HashSet<int> CertainlyNew, Guid Low, Guid High) Ranged(IReadOnlyList<StoredEvent> events,
        List<int> unique, RecentIdFilter recent)
    {
        var certainlyNew = new HashSet<int>();
        var v7 = new List<(long Ms, int Index)>(unique.Count);
        foreach (var index in unique)
        {
            var e = events[index];
            var value = BigEndian(e.EventId);
            if (IsVersion7(value))
            {
                if (recent.IsCertainlyNew(value, _filters.Hash(e.TenantId, e.EventId)))
                {
                    // A fresh id above the floor that the filter has not seen: nothing to read.
                    certainlyNew.Add(index);
                    continue;
                }

                v7.Add(((long)(ulong)(value >> 80), index));
            }
        }

        var ranged = new HashSet<int>();
        if (v7.Count == 0)
        {
            return (ranged, certainlyNew, Guid.Empty, Guid.Empty);
        }

        v7.Sort();
        var (bestStart, bestCount, start) = (0, 0, 0);
        for (var end = 0; end < v7.Count; end++)
        {
            while (v7[end].Ms - v7[start].Ms > IdRangeWindow)
            {
                start++;
            }

            if (end - start + 1 > bestCount)
            {
                (bestStart, bestCount) = (start, end - start + 1);
            }
        }

        var (low, high) = (UInt128.MaxValue, UInt128.MinValue);
        var (lowId, highId) = (Guid.Empty, Guid.Empty);
        for (var i = bestStart; i < bestStart + bestCount; i++)
        {
            var id = events[v7[i].Index].EventId;
            var value = BigEndian(id);
            ranged.Add(v7[i].Index);
            if (value < low)
            {
                (low, lowId) = (value, id);
            }

            if (value > high)
            {
                (high, highId) = (value, id);
            }
        }

        return (ranged, certainlyNew, lowId, highId);
    }

    private static bool IsVersion7(UInt128 id) => (int)(id >> 76 & 0xF) == 7;

    /// <summary>The recent filter of a store just opened (or written around the append): its floor is the highest
    /// version 7 id the table holds, so every stored key above it is (trivially) in the empty filter. One scan of the
    /// event ids, on the first append after the store opens.</summary>
    private RecentIdFilter LoadRecent()
    {
        using var command = Command(_writer, "SELECT max(event_id) FROM event_rows WHERE uuid_extract_version(event_id) = 7");
        var highest = command.ExecuteScalar();
        return new RecentIdFilter(highest is Guid id ? BigEndian(id) : UInt128.MinValue, _recentIdCapacity);
    }

    private static UInt128 BigEndian(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>Builds the filter of one day of event time from the rows the store holds for it.</summary>
    private void LoadDay(int day)
    {
        var from = KeyFilters.DayStart(day);
        var to = from.AddDays(1);
        long rows;
        using (var count = Command(_writer, "SELECT count(*) FROM event_rows WHERE time >= $from AND time < $to", ("from", from), ("to", to)))
        {
            rows = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var filter = _filters.Start(day, rows);
        using var command = Command(_writer, "SELECT tenant_id, event_id FROM event_rows WHERE time >= $from AND time < $to", ("from", from), ("to", to));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            filter.Add(_filters.Hash(reader.GetGuid(0), reader.GetGuid(1)));
        }
    }

    private void FillKeys(IReadOnlyList<StoredEvent> events, HashSet<int> ranged, List<int> lookUps)
    {
        if (!_keysTableReady)
        {
            Execute(_writer, KeysTableSql);
            _keysTableReady = true;
        }

        using var appender = _writer.CreateAppender("temp", "main", "candor_keys");
        foreach (var index in ranged)
        {
            AppendKey(appender, index, events[index], true);
        }

        foreach (var index in lookUps)
        {
            AppendKey(appender, index, events[index], false);
        }
    }

    private static void AppendKey(DuckDBAppender appender, int index, StoredEvent e, bool ranged) =>
        appender.CreateRow().AppendValue(index).AppendValue(e.TenantId).AppendValue(e.EventId).AppendValue(ranged).EndRow();

    private void Collect(HashSet<int> found, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(_writer, sql, parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(reader.GetInt32(0));
        }
    }
}

/// <summary>What the duplicate check has done since the store was opened.</summary>
/// <param name="CheckedRows">Events checked against the store (repeats inside a batch are not counted).</param>
/// <param name="CheckTime">Time spent checking them, the filter loads included.</param>
/// <param name="LookedUpRows">Events of the filter route that needed the exact look-up.</param>
/// <param name="FilterDays">Days of event time with a filter in memory.</param>
/// <param name="FilterKeys">Keys in those filters.</param>
/// <param name="FilterBytes">The filters' memory.</param>
/// <param name="RecentNewRows">Time-ordered events the recent filter found certainly new, with no read of the table.</param>
internal sealed record DedupeStatistics(long CheckedRows, TimeSpan CheckTime, long LookedUpRows, int FilterDays, long FilterKeys, long FilterBytes,
    long RecentNewRows);

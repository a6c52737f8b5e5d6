using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Candor.Storage.DuckDb.Dedupe;

/// <summary>The in-memory answer to "is this (tenant, event id) stored?" for ids that the id-range check cannot
/// prune (random ids, ids from a far-off clock): one <see cref="DayKeyFilter"/> per UTC day of event time. A copy
/// of an event is the same event and carries the same time (the SDK resends the bytes it queued), so only the
/// day of the event's own time is consulted. A day's filter is built from the store the first time an event of
/// that day needs it and is then kept up to date with every commit; days older than the window are dropped and
/// are built again if ever needed, so memory is bounded by the events of the window's days, not by the store.
/// The hash is keyed with a per-process random seed, so ids cannot be chosen to collide. Not thread-safe (the
/// store's write lock).</summary>
internal sealed class KeyFilters
{
    private readonly Dictionary<int, DayKeyFilter> _days = [];
    private readonly ulong _seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    /// <summary>How many days have a filter in memory.</summary>
    public int Days => _days.Count;

    /// <summary>The memory of every filter's bits.</summary>
    public long Bytes => _days.Values.Sum(d => d.Bytes);

    /// <summary>How many keys the filters hold.</summary>
    public long Keys => _days.Values.Sum(d => d.Count);

    public static int Day(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime).DayNumber;

    public static DateTime DayStart(int day) => DateOnly.FromDayNumber(day).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    public bool IsLoaded(int day) => _days.ContainsKey(day);

    /// <summary>Starts a day's filter, sized for the rows the store holds for it; the caller adds them.</summary>
    public DayKeyFilter Start(int day, long storedRows)
    {
        var filter = new DayKeyFilter(storedRows);
        _days[day] = filter;
        return filter;
    }

    /// <summary>Whether the key may be stored; the day's filter must be loaded.</summary>
    public bool MightContain(int day, Guid tenantId, Guid eventId) => _days[day].MightContain(Hash(tenantId, eventId));

    /// <summary>Records a stored key in its day's filter, when that day is loaded (an unloaded day reads the key
    /// from the store when it is loaded).</summary>
    public void Add(int day, Guid tenantId, Guid eventId)
    {
        if (_days.TryGetValue(day, out var filter))
        {
            filter.Add(Hash(tenantId, eventId));
        }
    }

    /// <summary>Drops the filters of days before <paramref name="firstKept"/>.</summary>
    public void DropBefore(int firstKept)
    {
        foreach (var day in _days.Keys.Where(d => d < firstKept).ToList())
        {
            _days.Remove(day);
        }
    }

    /// <summary>Forgets every filter (after a rollback whose extent is unknown, nothing is lost: days are loaded
    /// again from what the store holds).</summary>
    public void Clear() => _days.Clear();

    public ulong Hash(Guid tenantId, Guid eventId)
    {
        var t = MemoryMarshal.Cast<Guid, ulong>(MemoryMarshal.CreateReadOnlySpan(ref tenantId, 1));
        var e = MemoryMarshal.Cast<Guid, ulong>(MemoryMarshal.CreateReadOnlySpan(ref eventId, 1));
        var h = Mix(_seed ^ t[0]);
        h = Mix(h ^ t[1]);
        h = Mix(h ^ e[0]);
        return Mix(h ^ e[1]);
    }

    /// <summary>MurmurHash3's 64-bit finaliser: every input bit reaches every output bit.</summary>
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        return x ^ (x >> 33);
    }
}

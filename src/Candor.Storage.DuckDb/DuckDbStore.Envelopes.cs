namespace Candor.Storage.DuckDb;

/// <summary>The envelope ids of <c>event_envelopes</c> (migration 0011): each distinct (tenant, product, app version,
/// sdk, device class, OS, OS version, arch, locale) tuple is stored once and every row of <c>event_rows</c> holds its
/// id. The writer keeps every tuple the table holds in memory (a few hundred per tenant, whatever the events), loaded
/// from the table on first use, so an append looks its tuples up without a query and inserts only the new ones, in the
/// append's own transaction. Anything that may have removed or not kept tuples (a rollback, a deletion) drops the map;
/// the next append reloads it from the table, which is the truth.</summary>
public sealed partial class DuckDbStore
{
    private Dictionary<EnvelopeKey, int>? _envelopes;
    private int _lastEnvelopeId;

    /// <summary>The envelope id of each of <paramref name="fresh"/>, in its order; the tuples the table does not hold
    /// yet are appended to <c>event_envelopes</c>. Runs on the writer inside the append's transaction: if that rolls
    /// back, <see cref="ForgetEnvelopes"/> must be called.</summary>
    private int[] EnvelopeIds(IReadOnlyList<StoredEvent> events, List<int> fresh)
    {
        var known = _envelopes ??= LoadEnvelopes();
        var ids = new int[fresh.Count];
        List<(int Id, EnvelopeKey Key)>? added = null;
        StoredEvent? previous = null;
        var previousId = 0;
        for (var i = 0; i < fresh.Count; i++)
        {
            var e = events[fresh[i]];
            // A batch is mostly one device's events: the previous event's tuple is the likely answer, and comparing
            // eight short strings is cheaper than hashing them.
            if (previous is not null && SameEnvelope(previous, e))
            {
                ids[i] = previousId;
                continue;
            }

            var key = new EnvelopeKey(e.TenantId, e.Product, e.AppVersion, e.Sdk, e.DeviceClass, e.Os, e.OsVersion, e.Arch, e.Locale);
            if (!known.TryGetValue(key, out var id))
            {
                id = ++_lastEnvelopeId;
                known.Add(key, id);
                (added ??= []).Add((id, key));
            }

            (ids[i], previous, previousId) = (id, e, id);
        }

        if (added is not null)
        {
            using var appender = _writer.CreateAppender("event_envelopes");
            foreach (var (id, key) in added)
            {
                appender.CreateRow()
                    .AppendValue(id).AppendValue(key.TenantId).AppendValue(key.Product).AppendValue(key.AppVersion)
                    .AppendValue(key.Sdk).AppendValue(key.DeviceClass).AppendValue(key.Os).AppendValue(key.OsVersion)
                    .AppendValue(key.Arch).AppendValue(key.Locale)
                    .EndRow();
            }
        }

        return ids;
    }

    /// <summary>Drops the in-memory tuples after a rollback or a deletion; the next append reloads them.</summary>
    private void ForgetEnvelopes() => _envelopes = null;

    /// <summary>Deletes the tenant's envelope tuples that no event refers to any more, after a deletion of its events:
    /// erased data leaves nothing behind, not even the device's OS and locale. Runs on the writer, in the deletion's
    /// transaction.</summary>
    private void DeleteUnusedEnvelopes(Guid tenantId)
    {
        Execute(_writer, "DELETE FROM event_envelopes WHERE tenant_id = $tenant AND envelope_id NOT IN " +
            "(SELECT DISTINCT envelope_id FROM event_rows WHERE tenant_id = $tenant)", ("tenant", tenantId));
        ForgetEnvelopes();
    }

    /// <summary>The table that holds the rows of a table of the shared lists (DeviceKeyedTables, TenantKeyedTables):
    /// <c>events</c> is a view here, its rows are in <c>event_rows</c>.</summary>
    private static string RowsTable(string table) => table == "events" ? "event_rows" : table;

    private Dictionary<EnvelopeKey, int> LoadEnvelopes()
    {
        var known = new Dictionary<EnvelopeKey, int>();
        // The next id is the highest loaded + 1 (free by the primary key); ids of deleted tuples are not reused while a
        // higher one exists.
        _lastEnvelopeId = 0;
        using var command = Command(_writer, "SELECT envelope_id, tenant_id, product, app_version, sdk, device_class, os, os_version, arch, locale FROM event_envelopes");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt32(0);
            known.Add(new EnvelopeKey(reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9)), id);
            _lastEnvelopeId = Math.Max(_lastEnvelopeId, id);
        }

        return known;
    }

    private static bool SameEnvelope(StoredEvent a, StoredEvent b) =>
        a.TenantId == b.TenantId && string.Equals(a.Product, b.Product, StringComparison.Ordinal)
        && string.Equals(a.AppVersion, b.AppVersion, StringComparison.Ordinal) && string.Equals(a.Sdk, b.Sdk, StringComparison.Ordinal)
        && string.Equals(a.DeviceClass, b.DeviceClass, StringComparison.Ordinal) && string.Equals(a.Os, b.Os, StringComparison.Ordinal)
        && string.Equals(a.OsVersion, b.OsVersion, StringComparison.Ordinal) && string.Equals(a.Arch, b.Arch, StringComparison.Ordinal)
        && string.Equals(a.Locale, b.Locale, StringComparison.Ordinal);

    /// <summary>One row of <c>event_envelopes</c> without its id; compared by ordinal string equality, as DuckDB
    /// compares VARCHAR.</summary>
    private readonly record struct EnvelopeKey(Guid TenantId, string Product, string AppVersion, string Sdk,
        string DeviceClass, string Os, string OsVersion, string Arch, string Locale);
}

namespace Candor.Storage.Views;

/// <summary>One saved view of the web console: a name a person gave to a filtered console page, and that page's link
/// (a path and query under <c>/console</c>, checked by the caller before it is saved).</summary>
/// <param name="Id">The view's id.</param>
/// <param name="Name">What the person called it.</param>
/// <param name="Link">The page's path and query, starting with <c>/console</c>.</param>
/// <param name="CreatedAt">When it was saved (UTC).</param>
/// <param name="CreatedBy">The credential id of whoever saved it.</param>
internal sealed record SavedView(Guid Id, string Name, string Link, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>What <see cref="SavedViewStore.SaveAsync"/> did.</summary>
internal enum SaveViewOutcome
{
    /// <summary>The view is stored.</summary>
    Saved,

    /// <summary>The tenant already has a view of that name; nothing changed.</summary>
    NameTaken,

    /// <summary>The tenant already has as many views as it may; nothing changed.</summary>
    LimitReached,
}

/// <summary>A tenant's saved console views, in table <c>console_saved_views</c> (migration 0080 of both stores), through
/// the SQL both stores run (<see cref="IAnalyticsStore"/>). Every statement names its tenant, so one tenant never reads
/// or deletes another's views (and Citus routes each to one shard). The count bound and the unique name are checked
/// by the insert itself; under PostgreSQL two saves racing at the bound may both pass, so the bound can be exceeded by
/// the number of concurrent saves, never more. Thread-safe.</summary>
internal sealed class SavedViewStore(IAnalyticsStore store)
{
    /// <summary>The most views a tenant may keep (default of <see cref="SaveAsync"/>).</summary>
    public const int MaxPerTenant = 200;

    private const string Columns = "view_id, name, link, created_at, created_by";

    /// <summary>The tenant's views, by name.</summary>
    public async Task<IReadOnlyList<SavedView>> ListAsync(Guid tenant, CancellationToken cancellationToken = default)
    {
        var rows = await store.QueryAsync(new SqlStatement(
            $"SELECT {Columns} FROM console_saved_views WHERE tenant_id = $1 ORDER BY name, view_id", tenant), cancellationToken)
            .ConfigureAwait(false);
        return [.. rows.Select(Read)];
    }

    /// <summary>One of the tenant's views, or null when the tenant has none of that id.</summary>
    public async Task<SavedView?> GetAsync(Guid tenant, Guid id, CancellationToken cancellationToken = default)
    {
        var rows = await store.QueryAsync(new SqlStatement(
            $"SELECT {Columns} FROM console_saved_views WHERE tenant_id = $1 AND view_id = $2", tenant, id), cancellationToken)
            .ConfigureAwait(false);
        return rows.Count == 0 ? null : Read(rows[0]);
    }

    /// <summary>Stores <paramref name="view"/> for the tenant unless it has a view of that name or already
    /// <paramref name="limit"/> views.</summary>
    public async Task<SaveViewOutcome> SaveAsync(Guid tenant, SavedView view, int limit = MaxPerTenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        var inserted = await store.ExecuteAsync(
        [
            new SqlStatement(
                "INSERT INTO console_saved_views (tenant_id, view_id, name, link, created_at, created_by) " +
                "SELECT $1, $2, $3, $4, $5, $6 " +
                "WHERE (SELECT count(*) FROM console_saved_views WHERE tenant_id = $1) < $7 " +
                "AND NOT EXISTS (SELECT 1 FROM console_saved_views WHERE tenant_id = $1 AND name = $3)",
                tenant, view.Id, view.Name, view.Link, view.CreatedAt.UtcDateTime, view.CreatedBy, (long)limit),
        ], cancellationToken).ConfigureAwait(false);
        if (inserted[0] > 0)
        {
            return SaveViewOutcome.Saved;
        }

        var named = await store.QueryAsync(new SqlStatement(
            "SELECT count(*) FROM console_saved_views WHERE tenant_id = $1 AND name = $2", tenant, view.Name), cancellationToken)
            .ConfigureAwait(false);
        return Convert.ToInt64(named[0][0], System.Globalization.CultureInfo.InvariantCulture) > 0
            ? SaveViewOutcome.NameTaken
            : SaveViewOutcome.LimitReached;
    }

    /// <summary>Deletes the tenant's view; false when the tenant has none of that id.</summary>
    public async Task<bool> DeleteAsync(Guid tenant, Guid id, CancellationToken cancellationToken = default)
    {
        var deleted = await store.ExecuteAsync(
            [new SqlStatement("DELETE FROM console_saved_views WHERE tenant_id = $1 AND view_id = $2", tenant, id)], cancellationToken)
            .ConfigureAwait(false);
        return deleted[0] > 0;
    }

    private static SavedView Read(object?[] row) => new(
        (Guid)row[0]!, (string)row[1]!, (string)row[2]!, Time(row[3]), (string)row[4]!);

    private static DateTimeOffset Time(object? cell) => cell switch
    {
        DateTimeOffset offset => offset.ToUniversalTime(),
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time, DateTimeKind.Utc)),
        _ => throw new InvalidCastException($"A saved view's time came back as {cell?.GetType().Name ?? "null"}."),
    };
}

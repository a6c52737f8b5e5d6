using System.Globalization;
using System.Text.RegularExpressions;
using Candor.Storage;

namespace Candor.Analytics.Sql;

/// <summary>The few places where DuckDB and PostgreSQL spell the same thing differently. Analytics SQL is written
/// once with tokens that this expands: <c>{day}</c> (the UTC day of <c>time</c>), <c>{json:field}</c> (a field of
/// <c>data</c> as text), <c>{has:field}</c> (whether <c>data</c> has the field) and <c>{rows}</c> (the events for a
/// reader that needs none of the envelope's columns: on DuckDB the table <c>event_rows</c>, without the view's join to
/// <c>event_envelopes</c>, which DuckDB does not leave out by itself; on PostgreSQL the table <c>events</c>). Everything
/// else (ordered-set percentiles, ON CONFLICT, window functions, CAST ... AS varchar) is the same text on both, but for
/// <c>{p95}</c>, regression detection's threshold, which DuckDB approximates (see the expansion).</summary>
internal static partial class Dialect
{
    public static string Expand(SqlDialect dialect, string sql) =>
        Token().Replace(sql, m =>
        {
            var kind = m.Groups[1].Value;
            var field = m.Groups[2].Value;
            return (kind, dialect) switch
            {
                ("rows", SqlDialect.DuckDb) => "event_rows",
                ("rows", SqlDialect.Postgres) => "events",
                ("day", SqlDialect.DuckDb) => "CAST(time AS DATE)",
                ("day", SqlDialect.Postgres) => "CAST(time AT TIME ZONE 'UTC' AS date)",
                ("json", SqlDialect.DuckDb) => string.Create(CultureInfo.InvariantCulture, $"json_extract_string(data, '$.{field}')"),
                ("json", SqlDialect.Postgres) => string.Create(CultureInfo.InvariantCulture, $"(data ->> '{field}')"),

                // A substring test is enough to skip events without the field: the JSON extraction that follows is exact.
                // Exact discrete percentiles: the same definition on both (the smallest value with at least that share
                // of values at or below it); DuckDB's quantile_disc takes all four in one pass instead of four sorts.
                ("pctls", SqlDialect.DuckDb) => $"quantile_disc({field}, [0.5, 0.9, 0.95, 0.99])",
                ("pctls", SqlDialect.Postgres) => $"percentile_disc(ARRAY[0.5, 0.9, 0.95, 0.99]) WITHIN GROUP (ORDER BY {field})",
                ("median", SqlDialect.DuckDb) => $"quantile_disc({field}, 0.5)",
                ("median", SqlDialect.Postgres) => $"percentile_disc(0.5) WITHIN GROUP (ORDER BY {field})",
                // Regression detection's p95 (the threshold of its quantile test, over 30 days of every compared version's
                // durations) is approximate on DuckDB: quantile_disc keeps every value of a group in memory that DuckDB's
                // memory_limit does not bound (about 15 bytes a duration, on top of the buffer pool; at 18.6 M durations
                // 283 MiB of the collector's peak, issue 11), where approx_quantile's t-digest holds a few KiB a group. Both
                // sides of a comparison are counted against the same threshold, so the test stays exact about it; the
                // threshold's rank is within half a percentage point of the 95th (ApproximateP95Tests).
                ("p95", SqlDialect.DuckDb) => $"approx_quantile({field}, 0.95)",
                ("p95", SqlDialect.Postgres) => $"percentile_disc(0.95) WITHIN GROUP (ORDER BY {field})",
                ("has", SqlDialect.DuckDb) => string.Create(CultureInfo.InvariantCulture, $"strpos(data, '\"{field}\":') > 0"),
                ("has", SqlDialect.Postgres) => string.Create(CultureInfo.InvariantCulture, $"(data ? '{field}')"),
                _ => throw new ArgumentOutOfRangeException(nameof(sql), $"Unknown SQL token '{m.Value}'."),
            };
        });

    public static SqlStatement Statement(this IAnalyticsStore store, string sql, params IReadOnlyList<object?> parameters) =>
        new(Expand(store.Dialect, sql), parameters);

    [GeneratedRegex(@"\{(rows|day|json|has|pctls|median|p95)(?::([A-Za-z0-9_.]+))?\}")]
    private static partial Regex Token();
}

/// <summary>Reads result cells the same way whatever provider returned them.</summary>
internal static class Cell
{
    public static long Long(object? value) => value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    public static double Double(object? value) => value is null ? double.NaN : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The four percentiles of <c>{pctls:column}</c>: a list from DuckDB, an array from PostgreSQL.</summary>
    public static double[] Doubles(object? value) => value is System.Collections.IEnumerable items and not string
        ? [.. items.Cast<object?>().Select(Double)]
        : throw new InvalidCastException($"Not a list: {value?.GetType().Name ?? "null"}.");

    public static DateTime? Time(object? value) => value switch
    {
        null => null,
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset o => o.UtcDateTime,
        _ => throw new InvalidCastException($"Not a time: {value.GetType().Name}."),
    };
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Candor.Storage.Postgres;
using Candor.Storage.Schema;
using Xunit;

namespace Candor.Storage.Tests.Postgres;

/// <summary>What can be checked here of the schema's distribution by tenant with Citus (docs/operations.md,
/// "Distributing by tenant with Citus"): every statement the store issues on a distributed table names the
/// tenant it is about, so Citus routes it to one shard, except the documented maintenance statements, which
/// Citus runs on every shard. The statements are captured from Npgsql's tracing while every store operation
/// runs, so a new query is checked as soon as a test calls it, whatever code builds its text.</summary>
public sealed partial class PostgresTenantFilterTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    /// <summary>The reference tables under Citus: small, looked up across tenants (a tenant by name, a
    /// credential by its secret's hash), copied to every node.</summary>
    private static readonly string[] ReferenceTables = ["tenants", "credentials"];

    /// <summary>The maintenance statements, as docs/operations.md lists them: they span all tenants by design.</summary>
    private static readonly Regex[] Maintenance =
    [
        // Partition DDL: creating a received day's partition, dropping one past retention.
        MaintenanceRegex(@"^SELECT candor_events_partition\("),
        MaintenanceRegex(@"^DROP TABLE IF EXISTS candor_partitions\."),
        // Retention by whole days: the facts of the days being dropped, and fingerprints no crash refers to.
        MaintenanceRegex(@"^DELETE FROM analytics_\w+ f USING events e WHERE e\.received_at < @cutoff "),
        MaintenanceRegex(@"^DELETE FROM analytics_device_days d WHERE EXISTS \(SELECT 1 FROM events e WHERE e\.received_at < @cutoff "),
        MaintenanceRegex(@"^DELETE FROM analytics_fingerprints p WHERE NOT EXISTS "),
        // Schema migrations (the scripts start with their comment).
        MaintenanceRegex(@"^--"),
    ];

    private static Regex MaintenanceRegex(string pattern) => new(pattern, RegexOptions.CultureInvariant);

    [Fact]
    public async Task Every_statement_on_a_distributed_table_filters_by_tenant_except_the_listed_maintenance()
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        var statements = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("db.namespace") as string == name && activity.GetTagItem("db.query.text") is string text)
                {
                    statements.Enqueue(text);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await StoreWorkload.RunAsync(database.ConnectionString);

        var distributed = TenantKeyedTables.All.Append(TenantKeyedTables.Audit).Except(ReferenceTables).ToHashSet(StringComparer.Ordinal);
        var captured = statements.Distinct(StringComparer.Ordinal).ToList();
        Assert.Contains(captured, s => s.StartsWith("COPY events", StringComparison.Ordinal));
        Assert.Contains(captured, s => Maintenance[1].IsMatch(s));
        var unfiltered = captured.Where(s => !Maintenance.Any(m => m.IsMatch(s)))
            .SelectMany(s => UnfilteredReferences(s, distributed).Select(table => $"{table}: {s}")).ToList();
        Assert.True(unfiltered.Count == 0, "Statements on distributed tables without a tenant filter:\n" + string.Join("\n", unfiltered));
    }

    /// <summary>The distributed tables <paramref name="sql"/> reads, changes or deletes from without an equality
    /// (or <c>= ANY</c>) on their tenant_id. Rows inserted with VALUES or COPY carry their tenant_id, by which
    /// Citus routes each row.</summary>
    internal static IEnumerable<string> UnfilteredReferences(string sql, IReadOnlySet<string> distributed)
    {
        foreach (Match reference in TableReference().Matches(sql))
        {
            var table = reference.Groups["table"].Value;
            if (!distributed.Contains(table) || reference.Groups["verb"].Value is "INTO" or "COPY")
            {
                continue;
            }

            var alias = reference.Groups["alias"].Success && !Keywords.Contains(reference.Groups["alias"].Value)
                ? reference.Groups["alias"].Value
                : table;
            // An unaliased table may be filtered by its bare column; an aliased one only through its alias.
            var filter = alias == table ? $@"((?<![\w.])|\b{table}\.)tenant_id\s*=" : $@"\b{Regex.Escape(alias)}\.tenant_id\s*=";
            if (!Regex.IsMatch(sql, filter, RegexOptions.CultureInvariant))
            {
                yield return table;
            }
        }
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "WHERE", "SET", "VALUES", "ON", "JOIN", "ORDER", "GROUP", "LIMIT", "USING", "FOR", "AS", "SELECT", "LEFT", "INNER", "CROSS",
    };

    [GeneratedRegex(@"\b(?<verb>FROM|JOIN|UPDATE|INTO|USING|COPY)\s+(?<table>[a-z_]+)\b(?:\s+(?:AS\s+)?(?<alias>[a-z_]\w*))?",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TableReference();

    [Fact]
    public void The_check_finds_a_statement_without_a_tenant_filter()
    {
        var distributed = new HashSet<string>(["events", "policies"], StringComparer.Ordinal);

        Assert.Equal(["events"], UnfilteredReferences("SELECT count(*) FROM events WHERE device_id = @device", distributed));
        Assert.Equal(["events"], UnfilteredReferences(
            "DELETE FROM policies WHERE tenant_id = @t AND version IN (SELECT e.seq FROM events e WHERE e.device_id = @d)", distributed));
        Assert.Empty(UnfilteredReferences("SELECT count(*) FROM events WHERE tenant_id = @tenant", distributed));
        Assert.Empty(UnfilteredReferences("INSERT INTO policies VALUES (@tenant, @version)", distributed));
        Assert.Empty(UnfilteredReferences("SELECT * FROM tenants WHERE name = @name", distributed));
    }
}

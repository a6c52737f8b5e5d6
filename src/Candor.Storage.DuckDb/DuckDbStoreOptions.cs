namespace Candor.Storage.DuckDb;

/// <summary>Where the embedded store keeps its file and which clock it reads. Set either
/// <see cref="DataFolder"/> or <see cref="FilePath"/>, not both.</summary>
public sealed class DuckDbStoreOptions
{
    /// <summary>The file name used inside <see cref="DataFolder"/>: <c>candor.duckdb</c> (DuckDB keeps its
    /// write-ahead log beside it as <c>candor.duckdb.wal</c>).</summary>
    public const string DefaultFileName = "candor.duckdb";

    /// <summary>A folder for the store; it is created when missing and the file is
    /// <see cref="DefaultFileName"/> inside it. Default: none.</summary>
    public string? DataFolder { get; set; }

    /// <summary>The DuckDB file itself, for when it should not be called <see cref="DefaultFileName"/>.
    /// Its folder is created when missing. Default: none.</summary>
    public string? FilePath { get; set; }

    /// <summary>The clock for the times the store itself records (migrations, the offboarding audit record).
    /// Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>DuckDB's memory limit for the whole database (its buffer pool, joins, sorts), in MiB; DuckDB
    /// spills to a temporary folder beside the file past it. Between 64 and 1,048,576. Default: 512.</summary>
    public int MemoryLimitMiB { get; set; } = 512;

    /// <summary>How much write-ahead log, in MiB, DuckDB gathers before it checkpoints it into the file (its
    /// <c>checkpoint_threshold</c>; DuckDB's own default is 16). A checkpoint compresses the new rows and rewrites
    /// the row groups they filled only in part, so fewer, larger checkpoints cost less per event: at 64 the append
    /// bench (<c>Candor.Ingest.Bench append-cost</c>) measured about 2 µs less CPU per stored event than at 16
    /// (docs/operations.md, "DuckDB: checkpoints"). The rows not yet checkpointed stay in DuckDB's buffer pool
    /// (within <see cref="MemoryLimitMiB"/>), and a restart replays at most this much log. Between 1 and 1,024.
    /// Default: 64.</summary>
    public int CheckpointThresholdMiB { get; set; } = 64;

    /// <summary>DuckDB's worker threads for the whole database (its <c>threads</c> setting), or null for DuckDB's
    /// default (one per core). A statement's own thread waits for the workers' tasks by polling, so on a small
    /// machine that also parses the events, one thread spends less CPU per stored event: the append bench measured
    /// 3.93 against 6.51 µs per event at the 64 MiB checkpoint threshold (docs/benchmarks.md, "DuckDB writer's CPU
    /// per event"), but every query, the analytics' too, then runs on one core. Between 1 and 256. Default: null.</summary>
    public int? Threads { get; set; }

    /// <summary>How many days of event time, counted back from today, the duplicate check keeps in-memory filters
    /// for (random ids; docs/operations.md, "DuckDB: duplicate check"). Events older than that are still checked
    /// exactly, by a look-up in the store. Set it to the collector's acceptance window plus one day. Between 1
    /// and 3,660. Default: 31 (the 30-day acceptance window and a day of clock skew).</summary>
    public int DedupeWindowDays { get; set; } = 31;

    /// <summary>How many recent time-ordered keys the duplicate check keeps in its filter (2 bytes each) before its
    /// floor rises (Dedupe/RecentIdFilter.cs): 4 million, 8 MiB. Small values are for tests.</summary>
    internal int RecentIdCapacity { get; init; } = 4_000_000;

    /// <summary>The full path of the DuckDB file; throws <see cref="ArgumentException"/> listing every problem.</summary>
    internal string ResolveFilePath()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataFolder) == string.IsNullOrWhiteSpace(FilePath))
        {
            errors.Add("set exactly one of DataFolder and FilePath");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must not be null");
        }

        if (MemoryLimitMiB is < 64 or > 1_048_576)
        {
            errors.Add($"MemoryLimitMiB must be between 64 and 1048576 (got {MemoryLimitMiB})");
        }

        if (CheckpointThresholdMiB is < 1 or > 1_024)
        {
            errors.Add($"CheckpointThresholdMiB must be between 1 and 1024 (got {CheckpointThresholdMiB})");
        }

        if (Threads is < 1 or > 256)
        {
            errors.Add($"Threads must be between 1 and 256 (got {Threads})");
        }

        if (DedupeWindowDays is < 1 or > 3_660)
        {
            errors.Add($"DedupeWindowDays must be between 1 and 3660 (got {DedupeWindowDays})");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DuckDB store options: " + string.Join("; ", errors) + ".");
        }

        return Path.GetFullPath(string.IsNullOrWhiteSpace(FilePath) ? Path.Combine(DataFolder!, DefaultFileName) : FilePath!);
    }
}

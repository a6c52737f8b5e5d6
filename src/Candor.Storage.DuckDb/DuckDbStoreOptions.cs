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

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DuckDB store options: " + string.Join("; ", errors) + ".");
        }

        return Path.GetFullPath(string.IsNullOrWhiteSpace(FilePath) ? Path.Combine(DataFolder!, DefaultFileName) : FilePath!);
    }
}

namespace Candor.Analytics.Bench;

/// <summary>The bench's command line, as given.</summary>
internal sealed record BenchSettings(
    long Events, int Seed, int Days, string Folder, string CatalogFile, int Repeat, bool QueriesOnly, bool Reproject, long Append = 0, int Rounds = 1, bool MemoryTrace = false);

/// <summary>A failure to report as one line, without a stack trace; 2 for a bad argument.</summary>
internal sealed class BenchException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

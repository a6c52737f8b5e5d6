using Candor.Core.Model;
using DuckDB.NET.Data;

namespace Candor.Storage.DuckDb;

/// <summary>Writes stored events as one Parquet file, whichever store they come from: the rows are appended to a
/// throwaway DuckDB database in a temporary file (so memory stays bounded by DuckDB's buffer, not by the
/// export's size) and DuckDB's <c>COPY ... TO ... (FORMAT parquet)</c> writes the file. The columns are the
/// stored envelope; <c>data</c> is the event's JSON object as text.</summary>
public static class ParquetExport
{
    /// <summary>Writes <paramref name="events"/> to <paramref name="output"/> as Parquet (zstd-compressed). The temporary
    /// database and file live in a folder created fresh for this export, readable by this user only (0700 on Unix), and
    /// removed with everything in it afterwards: inside <paramref name="workFolder"/> when given, else in the system's
    /// temporary folder. A fixed, shared folder would let another local user pre-create it or read the export.</summary>
    /// <returns>How many events were written.</returns>
    public static async Task<long> WriteAsync(IAsyncEnumerable<StoredEvent> events, Stream output, string? workFolder = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(output);
        var folder = CreatePrivateFolder(workFolder);
        var database = Path.Combine(folder, "export.duckdb");
        var parquet = Path.Combine(folder, "export.parquet");
        try
        {
            long count = 0;
            await using (var connection = new DuckDBConnection("Data Source=" + database))
            {
                connection.Open();
                Execute(connection, """
                    CREATE TABLE export (
                        tenant_id UUID, event_id UUID, name VARCHAR, level VARCHAR, category VARCHAR, product VARCHAR,
                        app_version VARCHAR, sdk VARCHAR, session_id UUID, device_id UUID, device_class VARCHAR, os VARCHAR,
                        os_version VARCHAR, arch VARCHAR, locale VARCHAR, seq BIGINT, time TIMESTAMPTZ, received_at TIMESTAMPTZ,
                        data VARCHAR)
                    """);
                using (var appender = connection.CreateAppender("export"))
                {
                    await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        appender.CreateRow()
                            .AppendValue(e.TenantId).AppendValue(e.EventId).AppendValue(e.Name).AppendValue(e.Level.ToWire())
                            .AppendValue(e.Category.ToWire()).AppendValue(e.Product).AppendValue(e.AppVersion).AppendValue(e.Sdk)
                            .AppendValue(e.SessionId).AppendValue(e.DeviceId).AppendValue(e.DeviceClass).AppendValue(e.Os)
                            .AppendValue(e.OsVersion).AppendValue(e.Arch).AppendValue(e.Locale).AppendValue(e.Seq)
                            .AppendValue(e.Time.UtcDateTime).AppendValue(e.ReceivedAt.UtcDateTime).AppendValue(e.Data)
                            .EndRow();
                        count++;
                    }
                }

                // The path is ours (a fresh name in the work folder); DuckDB's COPY takes no parameter for it.
                Execute(connection, $"COPY export TO '{parquet.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet, COMPRESSION zstd)");
            }

            await using (var file = new FileStream(parquet, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                await file.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }

            return count;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover private folder is harmless; the export itself succeeded or already failed.
            }
        }
    }

    /// <summary>A new folder only this user can enter. <see cref="Directory.CreateTempSubdirectory"/> creates it
    /// 0700 and fails rather than reuse an existing one; under a given parent a random name is created 0700, and
    /// refused if it exists (the name cannot be guessed, so it existing means it was not ours).</summary>
    private static string CreatePrivateFolder(string? parent)
    {
        if (parent is null)
        {
            return Directory.CreateTempSubdirectory("candor-export-").FullName;
        }

        Directory.CreateDirectory(parent);
        var folder = Path.Combine(parent, "candor-export-" + Guid.NewGuid().ToString("N"));
        if (Directory.Exists(folder))
        {
            throw new IOException($"The export folder '{folder}' exists already.");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return folder;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

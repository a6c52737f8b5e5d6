using System.Runtime.CompilerServices;
using Candor.Storage.DuckDb;
using Xunit;

namespace Candor.Storage.Tests.DuckDb;

/// <summary>The embedded store's files and the Parquet export's temporary files are readable by the collector's user
/// only: another local user must not read events off the disk.</summary>
public sealed class PrivateFilesTests : IDisposable
{
    private const UnixFileMode Group = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;
    private const UnixFileMode Other = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
    private readonly TempFolder _work = new();

    [Fact]
    public async Task A_new_data_folder_is_0700_and_the_database_file_0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = Path.Combine(_work.Path, "data");
        await using (var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder }))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        }
    }

    [Fact]
    public async Task A_data_folder_and_database_left_readable_by_others_are_tightened_when_opened()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = Path.Combine(_work.Path, "old");
        string file;
        await using (var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder }))
        {
            file = store.FilePath;
        }

        File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using (await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = folder }))
        {
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(folder) & (Group | Other));
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(file) & (Group | Other));
        }
    }

    [Fact]
    public async Task Parquet_export_works_in_a_fresh_0700_folder_that_is_removed_afterwards()
    {
        var tenant = Guid.NewGuid();
        var seen = new List<(string Folder, UnixFileMode Mode)>();

        async IAsyncEnumerable<StoredEvent> Events([EnumeratorCancellation] CancellationToken ct = default)
        {
            // While the export runs: its folder is the only thing in the parent, and only its owner can enter it.
            await Task.Yield();
            foreach (var folder in Directory.GetDirectories(_work.Path))
            {
                seen.Add((folder, OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(folder)));
            }

            foreach (var e in TestEvents.Many(tenant, Guid.NewGuid(), 5))
            {
                ct.ThrowIfCancellationRequested();
                yield return e;
            }
        }

        using var output = new MemoryStream();
        Assert.Equal(5, await ParquetExport.WriteAsync(Events(), output, _work.Path));

        var (exportFolder, mode) = Assert.Single(seen);
        Assert.StartsWith("candor-export-", Path.GetFileName(exportFolder), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
        }

        Assert.Empty(Directory.GetFileSystemEntries(_work.Path));
        Assert.True(output.Length > 0);
    }

    [Fact]
    public async Task Parquet_export_without_a_work_folder_uses_a_private_folder_under_the_system_temp_and_not_a_fixed_one()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "candor-export-*").ToHashSet();
        string? during = null;

        async IAsyncEnumerable<StoredEvent> Events()
        {
            await Task.Yield();
            during = Directory.GetDirectories(Path.GetTempPath(), "candor-export-*").Except(before).Single();
            yield return TestEvents.Make(Guid.NewGuid(), Guid.NewGuid(), 1);
        }

        using var output = new MemoryStream();
        Assert.Equal(1, await ParquetExport.WriteAsync(Events(), output));

        Assert.NotNull(during);
        Assert.False(Directory.Exists(during));
    }

    public void Dispose() => _work.Dispose();
}

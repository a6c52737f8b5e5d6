using Candor.Client.Storage;

namespace Candor.Client.Context;

/// <summary>The app version of the previous run, kept in the data folder to recognise installs and updates.</summary>
internal static class InstallState
{
    private const string FileName = "app-version";

    public static string? ReadPreviousVersion(string dataFolder) =>
        DataFolder.ReadAllTextOrNull(Path.Combine(dataFolder, FileName))?.Trim() is { Length: > 0 } v ? v : null;

    public static void Write(string dataFolder, string version) =>
        DataFolder.WriteAllTextAtomic(Path.Combine(dataFolder, FileName), version);

    public static void Delete(string dataFolder) => DataFolder.DeleteIfExists(Path.Combine(dataFolder, FileName));
}

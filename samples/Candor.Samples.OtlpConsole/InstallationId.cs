namespace Candor.Samples.OtlpConsole;

/// <summary>The app's installation id: a random UUID created on first run and kept in the app's data folder, never
/// derived from the machine or the user (what Candor requires of <c>app.installation.id</c>); deleting the folder
/// makes a new one.</summary>
internal static class InstallationId
{
    public static Guid Load(string folder)
    {
        var path = Path.Combine(folder, "installation-id");
        if (File.Exists(path) && Guid.TryParse(File.ReadAllText(path), out var id))
        {
            return id;
        }

        Directory.CreateDirectory(folder);
        id = Guid.NewGuid();
        File.WriteAllText(path, id.ToString());
        return id;
    }
}

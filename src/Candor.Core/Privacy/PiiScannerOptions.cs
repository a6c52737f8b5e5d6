namespace Candor.Core.Privacy;

/// <summary>What a <see cref="PiiScanner"/> knows about the device it runs on, beyond the patterns it always
/// detects.</summary>
/// <remarks>
/// <para>The collector scans with <see cref="PiiScanner.Default"/>, which knows no names. The client SDK builds its
/// scanner from <see cref="ForCurrentDevice"/>, so the signed-in user's name and the machine's name are caught even
/// where no pattern would find them (<c>"sync failed for jsmith"</c>).</para>
/// <para>Names are matched case-insensitively as whole tokens; entries that are null, blank or shorter than three
/// characters after trimming are ignored, since short names match too much ordinary text. The scanner copies the
/// lists when it is constructed: changing them afterwards does not change that scanner. Not thread-safe while being
/// filled.</para>
/// </remarks>
public sealed class PiiScannerOptions
{
    /// <summary>User names to detect as <see cref="PiiKind.UserName"/>. Empty by default.</summary>
    public IList<string> KnownUserNames { get; } = new List<string>();

    /// <summary>Machine names to detect as <see cref="PiiKind.MachineName"/>. Empty by default.</summary>
    public IList<string> KnownMachineNames { get; } = new List<string>();

    /// <summary>Creates options holding this device's user name (<see cref="Environment.UserName"/> and the name of
    /// the user's profile folder, which can differ from it) and machine name (<see cref="Environment.MachineName"/>).
    /// </summary>
    /// <returns>New options; a name the platform cannot supply is left out. Never throws.</returns>
    public static PiiScannerOptions ForCurrentDevice()
    {
        var options = new PiiScannerOptions();
        AddIfKnown(options.KnownUserNames, static () => Environment.UserName);
        AddIfKnown(options.KnownUserNames, static () => ProfileFolderName());
        AddIfKnown(options.KnownMachineNames, static () => Environment.MachineName);
        return options;
    }

    private static void AddIfKnown(IList<string> names, Func<string?> read)
    {
        try
        {
            var name = read();
            if (!string.IsNullOrWhiteSpace(name))
            {
                names.Add(name!);
            }
        }
        catch (Exception)
        {
            // Sandboxed and browser hosts may refuse to tell; the SDK must start regardless, and the patterns still
            // apply.
        }
    }

    private static string? ProfileFolderName()
    {
        var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(profile))
        {
            return null;
        }

        var trimmed = profile.TrimEnd('/', '\\');
        var slash = trimmed.LastIndexOfAny(['/', '\\']);
        return slash >= 0 ? trimmed.Substring(slash + 1) : trimmed;
    }
}

using System.Runtime.InteropServices;
using System.Text;

namespace Candor.Client.Storage;

/// <summary>The SDK's data folder: created readable by the current user only, with files replaced atomically
/// (write a temporary file, flush it to disk, rename it over the old one) so that a crash never leaves half a file.</summary>
internal static class DataFolder
{
    public static void EnsurePrivateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        RestrictToOwner(path);
    }

    /// <summary>Sets Unix mode 0700 on a directory. On Windows the per-user profile folders already restrict access,
    /// and there is no Unix mode to set.</summary>
    public static void RestrictToOwner(string path)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return;
        }
#if NET
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
#else
        // .NET Framework on Mono and Unity have no managed API for file modes; libc's chmod is always there.
        if (NativeMethods.chmod(path, Convert.ToUInt32("700", 8)) != 0)
        {
            throw new IOException("Could not restrict the Candor data folder to its owner (chmod failed).");
        }
#endif
    }

    public static void WriteAllBytesAtomic(string path, byte[] bytes)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
        }

        Replace(temp, path);
    }

    public static void WriteAllTextAtomic(string path, string text) => WriteAllBytesAtomic(path, Encoding.UTF8.GetBytes(text));

    public static string? ReadAllTextOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static void Replace(string source, string destination)
    {
#if NET
        File.Move(source, destination, overwrite: true);
#else
        if (File.Exists(destination))
        {
            File.Replace(source, destination, null);
        }
        else
        {
            File.Move(source, destination);
        }
#endif
    }

#if !NET
    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
#pragma warning disable IDE1006, CA2101, SYSLIB1054 // the native name is lower case
        public static extern int chmod(string pathname, uint mode);
#pragma warning restore IDE1006, CA2101, SYSLIB1054
    }
#endif
}

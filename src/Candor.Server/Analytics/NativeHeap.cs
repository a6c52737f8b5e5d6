using System.Runtime.InteropServices;

namespace Candor.Server.Analytics;

/// <summary>Gives the C library's free memory back to the operating system after an analytics round. The round's
/// queries make DuckDB and the runtime's native code allocate and free hundreds of MiB through glibc's malloc, which keeps
/// what is freed in its arenas (below the top of each heap it cannot shrink); in a 50 million event fill that memory
/// grew with every round and raised the collector's peak above the 1 GiB target (issue 11, docs/operations.md "Memory
/// and back-pressure"). <c>malloc_trim</c> returns the free pages of every arena; it costs a walk of the free lists,
/// once a round.</summary>
internal static class NativeHeap
{
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Returns free C heap memory to the system; false where there is no glibc <c>malloc_trim</c> (another
    /// operating system, a musl-based distribution), so a caller can tell it did nothing.</summary>
    public static bool Trim()
    {
        if (s_unavailable)
        {
            return false;
        }

        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    // DllImport, not LibraryImport: the signature is blittable, so no marshalling code is generated either way, and
    // LibraryImport would need unsafe code enabled for the whole server.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}

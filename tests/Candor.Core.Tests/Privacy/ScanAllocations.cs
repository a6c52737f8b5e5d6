using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy;

/// <summary>Measures what scanning allocates: every public scan method on every value, 100 times, after a warm-up
/// so the JIT's own allocations are not counted.</summary>
internal static class ScanAllocations
{
    public static long Measure(PiiScanner scanner, params string[] values)
    {
        var findings = new PiiFinding[4];
        foreach (var value in values)
        {
            scanner.TryFindFirst(value, out _);
            scanner.Redact(value, out _);
            scanner.FindAll(value, findings);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            foreach (var value in values)
            {
                scanner.TryFindFirst(value, out _);
                scanner.Redact(value, out _);
                scanner.FindAll(value, findings);
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

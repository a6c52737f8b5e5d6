using System.Globalization;
using System.Runtime.InteropServices;
using Candor.Server.Analytics;
using Xunit;

namespace Candor.Server.Tests.Analytics;

/// <summary>The trim after an analytics round gives freed C heap memory back to the system (issue 11's memory peak).</summary>
public sealed class NativeHeapTests
{
    private const int Block = 64 * 1024;        // below glibc's mmap threshold: served from an arena, as small query buffers are
    private const int Blocks = 4096;            // 256 MiB

    [Fact]
    public void Memory_freed_below_a_live_block_is_returned_by_the_trim_and_kept_without_it()
    {
        // Marshal.AllocHGlobal is malloc on Linux (the collector's only platform, docs/operations.md).
        var ones = new byte[Block];
        Array.Fill(ones, (byte)1);
        var blocks = new nint[Blocks];
        for (var i = 0; i < Blocks; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(Block);
            Marshal.Copy(ones, 0, blocks[i], Block); // resident, not only reserved
        }

        var filled = ResidentMiB();
        // Everything but the newest block is freed: that block stays at the top of the heap, so glibc cannot shrink the
        // heap and keeps the rest, as it keeps a round's memory below what later allocations still use.
        for (var i = 0; i < Blocks - 1; i++)
        {
            Marshal.FreeHGlobal(blocks[i]);
        }

        var freed = ResidentMiB();
        try
        {
            Assert.True(freed > filled - 64, $"without the trim glibc keeps the freed memory: {filled} MiB filled, {freed} MiB after free");
            Assert.True(NativeHeap.Trim());
            var trimmed = ResidentMiB();
            Assert.True(trimmed < freed - 192, $"the trim returned too little: {freed} MiB before, {trimmed} MiB after");
        }
        finally
        {
            Marshal.FreeHGlobal(blocks[^1]);
        }
    }

    private static long ResidentMiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
    }
}

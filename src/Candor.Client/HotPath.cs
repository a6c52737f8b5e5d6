using System.Runtime.CompilerServices;

namespace Candor.Client;

/// <summary>How the accepted typed-event path is compiled: fully optimised at its first call
/// (<c>AggressiveOptimization</c>, .NET Core 3.0 and later), so an app's first events cost what its later ones do
/// instead of running unoptimised code until tiered compilation promotes it. Nothing on .NET Framework, which has no
/// tiered compilation and no such flag.</summary>
internal static class HotPath
{
#if NET
    public const MethodImplOptions Optimized = MethodImplOptions.AggressiveOptimization;
#else
    public const MethodImplOptions Optimized = 0;
#endif
}

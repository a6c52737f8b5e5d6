#if NET8_0_OR_GREATER
using System.Buffers;
#endif

namespace Candor.Core.Privacy;

/// <summary>A set of characters to jump to: vectorised <c>SearchValues</c> on .NET 8 and later (the collector), a
/// plain search on netstandard2.0 (the SDK, which scans far fewer values). Immutable and thread-safe.</summary>
internal sealed class CharSet
{
#if NET8_0_OR_GREATER
    private readonly SearchValues<char> _values;

    public CharSet(string values) => _values = SearchValues.Create(values);

    /// <summary>The index of the first character of the set at or after <paramref name="from"/>, or -1.</summary>
    public int IndexOfAny(ReadOnlySpan<char> s, int from)
    {
        var found = s.Slice(from).IndexOfAny(_values);
        return found < 0 ? -1 : from + found;
    }
#else
    private readonly string _values;

    public CharSet(string values) => _values = values;

    /// <summary>The index of the first character of the set at or after <paramref name="from"/>, or -1.</summary>
    public int IndexOfAny(ReadOnlySpan<char> s, int from)
    {
        var found = s.Slice(from).IndexOfAny(_values.AsSpan());
        return found < 0 ? -1 : from + found;
    }
#endif
}

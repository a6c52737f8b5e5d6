using System.Buffers;

namespace Candor.Core.Privacy;

/// <summary>The folded copy of a value (<see cref="UnicodeFolding"/>) and, for each of its characters, the range of
/// original characters it came from. Pooled buffers: dispose it once the findings are mapped. Not thread-safe.
/// </summary>
internal struct FoldedText : IDisposable
{
    private char[] _text;
    private int[] _starts;
    private int[] _ends;
    private int _length;

    public FoldedText(int capacity)
    {
        _text = ArrayPool<char>.Shared.Rent(capacity);
        _starts = ArrayPool<int>.Shared.Rent(capacity);
        _ends = ArrayPool<int>.Shared.Rent(capacity);
        _length = 0;
    }

    /// <summary>Whether this is the empty map of a value that needed no folding.</summary>
    public readonly bool IsEmpty => _text is null;

    public readonly ReadOnlySpan<char> Text => _text.AsSpan(0, _length);

    /// <summary>The original range of the folded characters [<paramref name="start"/>, <paramref name="end"/>).
    /// </summary>
    public readonly (int Start, int End) MapBack(int start, int end) => (_starts[start], _ends[end - 1]);

    /// <summary>Appends folded characters that came from the original range [<paramref name="from"/>,
    /// <paramref name="to"/>).</summary>
    public void Append(ReadOnlySpan<char> chars, int from, int to)
    {
        if (_length + chars.Length > _text.Length)
        {
            Grow(_length + chars.Length);
        }

        for (var k = 0; k < chars.Length; k++)
        {
            _text[_length] = chars[k];
            _starts[_length] = from;
            _ends[_length] = to;
            _length++;
        }
    }

    public void Dispose()
    {
        if (_text is null)
        {
            return;
        }

        ArrayPool<char>.Shared.Return(_text);
        ArrayPool<int>.Shared.Return(_starts);
        ArrayPool<int>.Shared.Return(_ends);
        _text = null!;
        _starts = null!;
        _ends = null!;
    }

    private void Grow(int needed)
    {
        var size = Math.Max(needed, _text.Length * 2);
        var text = ArrayPool<char>.Shared.Rent(size);
        var starts = ArrayPool<int>.Shared.Rent(size);
        var ends = ArrayPool<int>.Shared.Rent(size);
        _text.AsSpan(0, _length).CopyTo(text);
        _starts.AsSpan(0, _length).CopyTo(starts);
        _ends.AsSpan(0, _length).CopyTo(ends);
        Dispose();
        _text = text;
        _starts = starts;
        _ends = ends;
    }
}

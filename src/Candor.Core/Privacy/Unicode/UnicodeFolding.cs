using System.Buffers;

namespace Candor.Core.Privacy;

/// <summary>Makes the copy of a value that the detectors read: NFKC, without invisible characters, with every
/// script's decimal digits as ASCII digits, and a map from each character of the copy back to the value.</summary>
/// <remarks>
/// <para>Why: <c>alice＠example.com</c> (fullwidth at sign), an address with zero-width spaces in it or one with a
/// soft hyphen reads as an address to a person, and to any system that normalises, but not to a scanner of the raw
/// text. NFKC maps compatibility forms (fullwidth and mathematical letters, ligatures, circled and superscript
/// digits, small and fullwidth punctuation, no-break spaces) to the plain characters; the Unicode Cf category
/// (zero-width space, joiners, word joiner, soft hyphen, BOM, bidi marks and isolates, tags) and the other
/// default-ignorable code points (variation selectors, Hangul fillers) are removed; digits of other scripts
/// (Arabic-Indic <c>٥٢٩</c>, Devanagari, …) become <c>0</c>–<c>9</c>, since a number written in them is the same
/// number.</para>
/// <para>The value is cut into segments at the points where normalisation cannot reach across (before a character
/// that does not combine with what precedes it), and each segment is normalised on its own, which gives the same text
/// as normalising the whole value. Every character of the copy maps to its segment, so a finding maps back to
/// exactly the original characters it came from, invisible ones inside included.</para>
/// <para>The check <see cref="NeedsFolding"/> comes first and allocates nothing: ASCII values, and any value whose
/// characters are all unchanged by folding, are scanned as they are.</para>
/// </remarks>
internal static class UnicodeFolding
{
    /// <summary>Whether folding would change the value. Allocation-free; tables load on the first non-ASCII value.
    /// </summary>
    public static bool NeedsFolding(ReadOnlySpan<char> value)
    {
#if NET8_0_OR_GREATER
        if (System.Text.Ascii.IsValid(value))
        {
            return false;
        }
#endif
        UnicodeTables? tables = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                continue;
            }

            tables ??= UnicodeTables.Shared;
            if (tables.Classify(ReadCodePoint(value, i, out var width)) != UnicodeTables.Inert)
            {
                return true;
            }

            i += width - 1;
        }

        return false;
    }

    /// <summary>Folds the value into pooled buffers; dispose the result to return them.</summary>
    public static FoldedText Fold(ReadOnlySpan<char> value)
    {
        var tables = UnicodeTables.Shared;
        var text = new FoldedText(value.Length + 16);
        var segment = ArrayPool<int>.Shared.Rent(32);
        try
        {
            var i = 0;
            while (i < value.Length)
            {
                var cp = ReadCodePoint(value, i, out var width);
                var kind = tables.Classify(cp);
                if (kind == UnicodeTables.Ignorable)
                {
                    i += width;
                    continue;
                }

                var start = i;
                i += width;
                var count = 0;
                Add(ref segment, ref count, cp);

                // Gather what combines with this character, looking across invisible characters, which are dropped.
                var next = i;
                while (next < value.Length)
                {
                    var following = ReadCodePoint(value, next, out var followingWidth);
                    var followingKind = tables.Classify(following);
                    if (followingKind == UnicodeTables.Ignorable)
                    {
                        next += followingWidth;
                        continue;
                    }

                    if (followingKind != UnicodeTables.Joins)
                    {
                        break;
                    }

                    Add(ref segment, ref count, following);
                    next += followingWidth;
                    i = next;
                }

                if (count == 1 && kind == UnicodeTables.Inert)
                {
                    text.Append(value.Slice(start, width), start, i);
                }
                else
                {
                    Normalize(tables, ref segment, count, ref text, start, i);
                }
            }

            return text;
        }
        catch
        {
            text.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(segment);
        }
    }

    private static void Normalize(UnicodeTables tables, ref int[] segment, int count, ref FoldedText text, int start, int end)
    {
        // Decompose into a second pooled buffer.
        var decomposed = ArrayPool<int>.Shared.Rent(Math.Max(32, count * 4));
        try
        {
            var length = 0;
            Span<int> jamo = stackalloc int[3];
            for (var k = 0; k < count; k++)
            {
                var cp = segment[k];
                var hangul = UnicodeTables.DecomposeHangul(cp, jamo);
                if (hangul > 0)
                {
                    for (var j = 0; j < hangul; j++)
                    {
                        Add(ref decomposed, ref length, jamo[j]);
                    }

                    continue;
                }

                var mapping = tables.Decomposition(cp);
                if (mapping.IsEmpty)
                {
                    Add(ref decomposed, ref length, cp);
                    continue;
                }

                for (var j = 0; j < mapping.Length; j++)
                {
                    Add(ref decomposed, ref length, ReadCodePoint(mapping, j, out var w));
                    j += w - 1;
                }
            }

            Reorder(tables, decomposed, length);
            length = Compose(tables, decomposed, length);
            Span<char> pair = stackalloc char[2];
            for (var k = 0; k < length; k++)
            {
                var cp = decomposed[k];
                var digit = tables.DigitValue(cp);
                if (digit >= 0)
                {
                    pair[0] = (char)('0' + digit);
                    text.Append(pair.Slice(0, 1), start, end);
                }
                else if (cp < 0x10000)
                {
                    pair[0] = (char)cp;
                    text.Append(pair.Slice(0, 1), start, end);
                }
                else
                {
                    pair[0] = (char)(((cp - 0x10000) >> 10) + 0xD800);
                    pair[1] = (char)(((cp - 0x10000) & 0x3FF) + 0xDC00);
                    text.Append(pair, start, end);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(decomposed);
        }
    }

    /// <summary>Canonical ordering: each run of combining marks sorted by combining class, stably. Runs are almost
    /// always sorted already; an unsorted one is sorted in O(k log k), so a value made of thousands of marks stays
    /// linear enough.</summary>
    private static void Reorder(UnicodeTables tables, int[] cps, int length)
    {
        var runStart = 0;
        while (runStart < length)
        {
            if (tables.CombiningClass(cps[runStart]) == 0)
            {
                runStart++;
                continue;
            }

            var runEnd = runStart;
            var sorted = true;
            var previous = 0;
            while (runEnd < length && tables.CombiningClass(cps[runEnd]) is var cc && cc != 0)
            {
                sorted &= cc >= previous;
                previous = cc;
                runEnd++;
            }

            if (!sorted)
            {
                var keys = new long[runEnd - runStart];
                for (var k = 0; k < keys.Length; k++)
                {
                    // Class, then position: a stable sort from an unstable one.
                    keys[k] = ((long)tables.CombiningClass(cps[runStart + k]) << 42) | ((long)k << 21) | (uint)cps[runStart + k];
                }

                Array.Sort(keys);
                for (var k = 0; k < keys.Length; k++)
                {
                    cps[runStart + k] = (int)(keys[k] & 0x1FFFFF);
                }
            }

            runStart = runEnd;
        }
    }

    /// <summary>Canonical composition (UAX #15): each character joins the last starter unless a character of the same
    /// or a higher combining class stands between them.</summary>
    private static int Compose(UnicodeTables tables, int[] cps, int length)
    {
        if (length == 0)
        {
            return 0;
        }

        var starter = 0;
        var lastClass = tables.CombiningClass(cps[0]) == 0 ? 0 : 256;
        var written = 1;
        for (var k = 1; k < length; k++)
        {
            var cp = cps[k];
            var cc = tables.CombiningClass(cp);
            var composite = lastClass < cc || lastClass == 0 ? tables.Compose(cps[starter], cp) : -1;
            if (composite >= 0)
            {
                cps[starter] = composite;
                continue;
            }

            if (cc == 0)
            {
                starter = written;
            }

            lastClass = cc;
            cps[written++] = cp;
        }

        return written;
    }

    private static void Add(ref int[] buffer, ref int count, int value)
    {
        if (count == buffer.Length)
        {
            var larger = ArrayPool<int>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(0, count).CopyTo(larger);
            ArrayPool<int>.Shared.Return(buffer);
            buffer = larger;
        }

        buffer[count++] = value;
    }

    /// <summary>The code point at <paramref name="i"/>; a lone surrogate is returned as it is.</summary>
    internal static int ReadCodePoint(ReadOnlySpan<char> s, int i, out int width)
    {
        var c = s[i];
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, s[i + 1]);
        }

        width = 1;
        return c;
    }
}

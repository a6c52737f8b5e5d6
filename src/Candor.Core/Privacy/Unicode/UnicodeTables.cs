using System.Globalization;

namespace Candor.Core.Privacy;

/// <summary>The Unicode data <see cref="UnicodeFolding"/> needs: NFKC decompositions, combining classes and
/// compositions, loaded once from <c>nfkc.bin</c> (written by <c>generate-nfkc-data.py</c> beside it), and what each
/// character means for folding. Immutable after loading and thread-safe.</summary>
/// <remarks>The platform's <c>string.Normalize</c> is not used: with <c>InvariantGlobalization</c>, which the collector
/// runs with, it returns its input unchanged, and the SDK's targets (.NET Framework, Mono, Unity) would each answer
/// with their own Unicode version. These tables give the same result everywhere.</remarks>
internal sealed class UnicodeTables
{
    /// <summary>Copied as it is: no decomposition, combining class 0, composes with nothing before it, visible.</summary>
    public const byte Inert = 0;

    /// <summary>Changes under folding and starts a segment of its own (a compatibility character, a digit of another
    /// script).</summary>
    public const byte Folds = 1;

    /// <summary>Changes under folding together with the character before it: a combining mark, or the second half of a
    /// canonical composition (a Hangul vowel or final, a voiced sound mark).</summary>
    public const byte Joins = 2;

    /// <summary>Invisible and dropped: the Unicode Cf category (zero-width space, joiners, soft hyphen, BOM, bidi
    /// controls, tags) and the other default-ignorable code points (variation selectors, Hangul fillers).</summary>
    public const byte Ignorable = 3;

    private const int HangulSyllableBase = 0xAC00;
    private const int HangulSyllableCount = 11172;
    private const int HangulLeadBase = 0x1100;
    private const int HangulVowelBase = 0x1161;
    private const int HangulTrailBase = 0x11A7;
    private const int HangulVowelCount = 21;
    private const int HangulTrailCount = 28;
    private const int HangulLeadCount = 19;

    private readonly byte[] _bmp = new byte[0x10000];
    private readonly Dictionary<int, byte> _supplementary = [];
    private readonly Dictionary<int, long> _decompositions = [];
    private readonly Dictionary<int, byte> _combiningClasses = [];
    private readonly Dictionary<long, int> _compositions = [];
    private readonly Dictionary<int, int> _digits = [];
    private char[] _decompositionChars = [];

    private UnicodeTables()
    {
    }

    public static UnicodeTables Shared => Holder.Instance;

    /// <summary>What folding does with a code point: <see cref="Inert"/>, <see cref="Folds"/>, <see cref="Joins"/> or
    /// <see cref="Ignorable"/>.</summary>
    public byte Classify(int codePoint) =>
        codePoint < 0x10000 ? _bmp[codePoint]
        : IsSupplementaryIgnorable(codePoint) ? Ignorable
        : _supplementary.TryGetValue(codePoint, out var c) ? c : Inert;

    /// <summary>The full compatibility decomposition, or an empty span when the code point has none.</summary>
    public ReadOnlySpan<char> Decomposition(int codePoint) =>
        _decompositions.TryGetValue(codePoint, out var packed)
            ? _decompositionChars.AsSpan((int)(packed >> 8), (int)(packed & 0xFF))
            : default;

    public int CombiningClass(int codePoint) => _combiningClasses.TryGetValue(codePoint, out var c) ? c : 0;

    /// <summary>The value of a decimal digit outside ASCII (Arabic-Indic, Devanagari, …), or -1.</summary>
    public int DigitValue(int codePoint) => _digits.TryGetValue(codePoint, out var d) ? d : -1;

    /// <summary>The canonical composition of two code points, or -1.</summary>
    public int Compose(int first, int second)
    {
        var lead = first - HangulLeadBase;
        var vowel = second - HangulVowelBase;
        if ((uint)lead < HangulLeadCount && (uint)vowel < HangulVowelCount)
        {
            return HangulSyllableBase + (((lead * HangulVowelCount) + vowel) * HangulTrailCount);
        }

        var syllable = first - HangulSyllableBase;
        var trail = second - HangulTrailBase;
        if ((uint)syllable < HangulSyllableCount && syllable % HangulTrailCount == 0 && trail > 0 && trail < HangulTrailCount)
        {
            return first + trail;
        }

        return _compositions.TryGetValue(((long)first << 21) | (uint)second, out var composite) ? composite : -1;
    }

    /// <summary>Writes the Hangul syllable's lead, vowel and optional trail into <paramref name="jamo"/> and returns how
    /// many; 0 when the code point is not a precomposed syllable.</summary>
    public static int DecomposeHangul(int codePoint, Span<int> jamo)
    {
        var index = codePoint - HangulSyllableBase;
        if ((uint)index >= HangulSyllableCount)
        {
            return 0;
        }

        jamo[0] = HangulLeadBase + (index / (HangulVowelCount * HangulTrailCount));
        jamo[1] = HangulVowelBase + (index % (HangulVowelCount * HangulTrailCount) / HangulTrailCount);
        var trail = index % HangulTrailCount;
        if (trail == 0)
        {
            return 2;
        }

        jamo[2] = HangulTrailBase + trail;
        return 3;
    }

    /// <summary>Format characters and default ignorables above the BMP, as .NET classifies them (the test compares
    /// this with <c>CharUnicodeInfo</c>): Kaithi number signs, Egyptian hieroglyph format controls, shorthand format
    /// controls, musical symbol beams, and the whole tag and variation-selector block E0000–E0FFF.</summary>
    private static bool IsSupplementaryIgnorable(int cp) =>
        cp is 0x110BD or 0x110CD or (>= 0x13430 and <= 0x1343F) or (>= 0x1BCA0 and <= 0x1BCA3) or
            (>= 0x1D173 and <= 0x1D17A) or (>= 0xE0000 and <= 0xE0FFF);

    /// <summary>Default-ignorable code points in the BMP that are not in Cf (DerivedCoreProperties.txt).</summary>
    private static bool IsOtherIgnorable(int cp) =>
        cp is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or (>= 0x180B and <= 0x180F) or 0x3164 or
            (>= 0xFE00 and <= 0xFE0F) or 0xFFA0;

    private static UnicodeTables Load()
    {
        var tables = new UnicodeTables();
        using var stream = typeof(UnicodeTables).Assembly.GetManifestResourceStream("Candor.Core.Privacy.Unicode.nfkc.bin")
            ?? throw new InvalidOperationException("The NFKC tables are not embedded in Candor.Core.");
        using var reader = new BinaryReader(stream);
        if (reader.ReadUInt32() != 0x434B464E || reader.ReadByte() != 1)
        {
            throw new InvalidOperationException("nfkc.bin has an unknown format.");
        }

        reader.ReadBytes(3);
        var chars = new List<char>(10_000);
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var cp = reader.ReadInt32();
            int length = reader.ReadByte();
            tables._decompositions[cp] = ((long)chars.Count << 8) | (uint)length;
            for (var j = 0; j < length; j++)
            {
                chars.Add((char)reader.ReadUInt16());
            }
        }

        tables._decompositionChars = chars.ToArray();
        count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var cp = reader.ReadInt32();
            tables._combiningClasses[cp] = reader.ReadByte();
        }

        var seconds = new HashSet<int>();
        count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var first = reader.ReadInt32();
            var second = reader.ReadInt32();
            tables._compositions[((long)first << 21) | (uint)second] = reader.ReadInt32();
            seconds.Add(second);
        }

        for (var v = 0; v < HangulVowelCount; v++)
        {
            seconds.Add(HangulVowelBase + v);
        }

        for (var t = 1; t < HangulTrailCount; t++)
        {
            seconds.Add(HangulTrailBase + t);
        }

        count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var zero = reader.ReadInt32();
            for (var d = 0; d < 10; d++)
            {
                tables._digits[zero + d] = d;
            }
        }

        tables.Classify(seconds);
        return tables;
    }

    private void Classify(HashSet<int> seconds)
    {
        // A code point joins the segment before it when the first character of its decomposition does: a non-zero
        // combining class, or the second half of a composition. Everything that changes, or that another character
        // changes, leaves the fast path.
        void Mark(int cp, byte value)
        {
            if (cp < 0x10000)
            {
                _bmp[cp] = Math.Max(_bmp[cp], value);
            }
            else
            {
                _supplementary[cp] = Math.Max(_supplementary.TryGetValue(cp, out var old) ? old : Inert, value);
            }
        }

        bool JoinsBefore(int first) => CombiningClass(first) != 0 || seconds.Contains(first);

        foreach (var cp in _decompositions.Keys)
        {
            var d = Decomposition(cp);
            var first = UnicodeFolding.ReadCodePoint(d, 0, out var width);

            // A precomposed letter (é, ñ, Å) is already NFKC: it decomposes only to compose back to itself.
            var composed = first;
            for (var i = width; i < d.Length && composed >= 0; i += width)
            {
                composed = Compose(composed, UnicodeFolding.ReadCodePoint(d, i, out width));
            }

            if (composed != cp)
            {
                Mark(cp, JoinsBefore(first) ? Joins : Folds);
            }
        }

        foreach (var cp in _combiningClasses.Keys)
        {
            Mark(cp, Joins);
        }

        foreach (var cp in seconds)
        {
            Mark(cp, Joins);
        }

        foreach (var cp in _digits.Keys)
        {
            Mark(cp, Folds);
        }

        for (var c = 0x80; c < 0x10000; c++)
        {
            if (CharUnicodeInfo.GetUnicodeCategory((char)c) == UnicodeCategory.Format || IsOtherIgnorable(c))
            {
                _bmp[c] = Ignorable;
            }
        }
    }

    private static class Holder
    {
        public static readonly UnicodeTables Instance = Load();
    }
}

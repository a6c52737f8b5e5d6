namespace Candor.Core.Privacy;

/// <summary>Allocation-free character tests shared by the detectors. ASCII fast paths first: almost every character
/// the collector sees is ASCII. The netstandard2.0 build has no <c>char.IsAsciiDigit</c>, hence these.</summary>
internal static class Chars
{
    /// <summary>Returned by <see cref="At"/> outside the value, so a detector can treat both ends as a boundary.</summary>
    public const char None = '\0';

    public static char At(ReadOnlySpan<char> s, int index) => (uint)index < (uint)s.Length ? s[index] : None;

    public static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    public static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    public static bool IsUpper(char c) => (uint)(c - 'A') <= 'Z' - 'A';

    public static bool IsLower(char c) => (uint)(c - 'a') <= 'z' - 'a';

    public static bool IsAsciiAlnum(char c) => IsDigit(c) || IsAsciiLetter(c);

    public static bool IsHex(char c) => IsDigit(c) || (uint)((c | 0x20) - 'a') <= 'f' - 'a';

    /// <summary>A letter or digit in any script: what joins characters into one word for boundary tests.</summary>
    public static bool IsWord(char c) => c < 128 ? IsAsciiAlnum(c) : char.IsLetterOrDigit(c);

    /// <summary>A letter in any script.</summary>
    public static bool IsLetter(char c) => c < 128 ? IsAsciiLetter(c) : char.IsLetter(c);

    /// <summary>The alphabet of base64url, which JWTs and most API keys use.</summary>
    public static bool IsTokenChar(char c) => IsAsciiAlnum(c) || c == '-' || c == '_';

    public static bool IsWhiteSpace(char c) =>
        c == ' ' || c == '\t' || c == '\n' || c == '\r' || (c > 127 && char.IsWhiteSpace(c));

    /// <summary>A character beyond ASCII that may stand right before a number in running text: punctuation and
    /// symbols (「, 《, ：), and the kana, ideographs and Hangul of scripts written without spaces
    /// (<c>電話09012345678</c>).</summary>
    public static bool IsSpacelessBoundary(char c) =>
        !char.IsLetterOrDigit(c) || (c >= '\u3040' && c <= '\u30FF') || (c >= '\u4E00' && c <= '\u9FFF') ||
        (c >= '\uAC00' && c <= '\uD7A3');

    public static bool IsPathSeparator(char c) => c == '\\' || c == '/';

    /// <summary>Compares ASCII text case-insensitively at a position; false when it runs past the end.</summary>
    public static bool MatchesIgnoreCase(ReadOnlySpan<char> s, int index, string text)
    {
        if (index < 0 || index > s.Length - text.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = s[index + i];
            if (c != text[i] && !(IsAsciiLetter(c) && (c | 0x20) == (text[i] | 0x20)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compares text exactly at a position; false when it runs past the end.</summary>
    public static bool Matches(ReadOnlySpan<char> s, int index, string text) =>
        index >= 0 && index <= s.Length - text.Length && s.Slice(index, text.Length).SequenceEqual(text.AsSpan());
}

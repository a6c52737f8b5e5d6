using System.Buffers;

namespace Candor.Server.Ingestion;

/// <summary>The characters an envelope string may not hold. Envelope strings (<c>sdk</c>, <c>device.os</c>,
/// <c>device.osVersion</c>, <c>device.arch</c>, <c>device.locale</c>) are short machine identifiers that end up in
/// exports, logs, terminals and the web console, so a character that changes how the text around it is shown or cut
/// is refused rather than stored: what is stored is then exactly what was checked.
/// <list type="bullet">
/// <item>C0 controls U+0000-U+001F (NUL cuts a string in C APIs and PostgreSQL refuses it; CR/LF forge log lines;
/// ESC starts terminal escape sequences), DEL U+007F and the C1 controls U+0080-U+009F.</item>
/// <item>Bidirectional embeddings and overrides U+202A-U+202E and isolates U+2066-U+2069, which reorder the text
/// that follows them ("Trojan Source").</item>
/// <item>The implicit direction marks U+200E, U+200F and U+061C: they reorder nothing by themselves, but no
/// identifier of an SDK, an OS, an architecture or a locale holds one, and allowing them would let two values that
/// look the same differ.</item>
/// <item>The line and paragraph separators U+2028 and U+2029, which end a line as CR/LF do.</item>
/// </list>
/// Thread-safe: a static, immutable set.</summary>
internal static class EnvelopeText
{
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(Build());

    /// <summary>Whether <paramref name="text"/> holds a character the envelope refuses.</summary>
    public static bool HasForbidden(ReadOnlySpan<char> text) => text.ContainsAny(Forbidden);

    private static string Build()
    {
        var chars = new List<char>();
        for (var c = '\u0000'; c <= '\u001F'; c++)
        {
            chars.Add(c);
        }

        for (var c = '\u007F'; c <= '\u009F'; c++)
        {
            chars.Add(c);
        }

        for (var c = '\u202A'; c <= '\u202E'; c++)
        {
            chars.Add(c);
        }

        for (var c = '\u2066'; c <= '\u2069'; c++)
        {
            chars.Add(c);
        }

        chars.AddRange(['\u200E', '\u200F', '\u061C', '\u2028', '\u2029']);
        return new string([.. chars]);
    }
}

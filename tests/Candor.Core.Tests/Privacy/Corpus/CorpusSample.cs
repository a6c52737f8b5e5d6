namespace Candor.Core.Tests.Privacy.Corpus;

/// <summary>One labelled value of the class corpus.</summary>
/// <param name="Class">The class the value stands for, such as <c>US-SSN</c> or <c>clean:version</c>; look-alikes of a
/// personal class are <c>lookalike:US-SSN</c>.</param>
/// <param name="Kind">The <c>PiiKind</c> name the scanner should report, or null when nothing may be reported.</param>
/// <param name="Value">The value as a client would send it.</param>
/// <param name="Start">Where the personal data starts in <paramref name="Value"/> (personal classes only).</param>
/// <param name="Length">How many characters of <paramref name="Value"/> it covers, invisible ones included.</param>
internal sealed record CorpusSample(string Class, string? Kind, string Value, int Start, int Length)
{
    public bool IsPersonal => Kind is not null;

    /// <summary>The class a look-alike imitates, or its own class.</summary>
    public string BaseClass => Class.StartsWith("lookalike:", StringComparison.Ordinal) ? Class["lookalike:".Length..] : Class;

    /// <summary>Builds a personal sample from a template with <c>{0}</c> where the value goes.</summary>
    public static CorpusSample Personal(string cls, string kind, string template, string pii)
    {
        var at = template.IndexOf("{0}", StringComparison.Ordinal);
        var value = template[..at] + pii + template[(at + 3)..];
        return new CorpusSample(cls, kind, value, at, pii.Length);
    }

    public static CorpusSample Clean(string cls, string template, string text)
    {
        var at = template.IndexOf("{0}", StringComparison.Ordinal);
        return new CorpusSample(cls, null, template[..at] + text + template[(at + 3)..], 0, 0);
    }

    /// <summary>Reads a hand-written line: <c>class TAB kind-or-"clean" TAB value</c>, where the personal part of the
    /// value is wrapped in ⟦ and ⟧ and <c>{U+XXXX}</c> writes an invisible character.</summary>
    public static CorpusSample Parse(string line)
    {
        var parts = line.Split('\t');
        var value = UnescapeCodePoints(parts[2]);
        var open = value.IndexOf('⟦', StringComparison.Ordinal);
        if (parts[1] == "clean")
        {
            return new CorpusSample(parts[0], null, value, 0, 0);
        }

        var close = value.IndexOf('⟧', StringComparison.Ordinal);
        var text = value[..open] + value[(open + 1)..close] + value[(close + 1)..];
        return new CorpusSample(parts[0], parts[1], text, open, close - open - 1);
    }

    private static string UnescapeCodePoints(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var close = text.IndexOf('}', i);
            if (text[i] == '{' && i + 3 < text.Length && text[i + 1] == 'U' && text[i + 2] == '+' && close > i)
            {
                var codePoint = int.Parse(text[(i + 3)..close], System.Globalization.NumberStyles.HexNumber,
                    System.Globalization.CultureInfo.InvariantCulture);
                builder.Append(char.ConvertFromUtf32(codePoint));
                i = close;
                continue;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }
}

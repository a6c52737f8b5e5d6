using System.Text;

namespace Candor.Catalog.Summary;

/// <summary>Writes the summary as GitHub-flavoured Markdown. Catalog text is escaped so that it always reads as
/// literal text: it can neither start a block (heading, list, quote), nor add emphasis, links or HTML, nor break
/// a table row.</summary>
internal sealed class MarkdownSummaryRenderer : SummaryRenderer
{
    private readonly StringBuilder _out = new();

    public override void Begin(string title) => Line("# " + Text(title, blockStart: false)).Line();

    public override void Heading(int level, string text, string id) =>
        Line(new string('#', level) + " " + Text(text, blockStart: false)).Line();

    /// <summary>Markdown viewers build their own outline from the headings, and each derives heading anchors its
    /// own way, so links written here would break in some of them.</summary>
    public override void Contents(IReadOnlyList<ContentsEntry> entries)
    {
    }

    public override void Paragraph(IReadOnlyList<Inline> text) => Line(Inlines(text, inTable: false)).Line();

    public override void BulletList(IEnumerable<IReadOnlyList<Inline>> items)
    {
        foreach (var item in items)
        {
            Line("- " + Inlines(item, inTable: false));
        }

        Line();
    }

    /// <summary>Markdown has no table caption; the heading before each table names it.</summary>
    public override void Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<Cell>> rows)
    {
        Line("| " + string.Join(" | ", headers.Select(h => Text(h, blockStart: false))) + " |");
        Line("|" + string.Concat(headers.Select(_ => " --- |")));
        foreach (var row in rows)
        {
            // A cell of several lines uses <br>, the only line break a GFM table cell allows.
            Line("| " + string.Join(" | ", row.Select(c => string.Join("<br>", c.Lines.Select(l => Inlines(l, inTable: true))))) + " |");
        }

        Line();
    }

    public override string End()
    {
        // One trailing newline, not the blank line that follows every block.
        var text = _out.ToString();
        return text.TrimEnd('\n') + "\n";
    }

    private MarkdownSummaryRenderer Line(string text = "")
    {
        _out.Append(text).Append('\n');
        return this;
    }

    private static string Inlines(IReadOnlyList<Inline> parts, bool inTable)
    {
        var text = new StringBuilder();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.Url is not null)
            {
                text.Append(Link(part.Text, part.Url, inTable));
            }
            else if (part.IsCode)
            {
                text.Append(Code(part.Text, inTable));
            }
            else
            {
                text.Append(Text(part.Text, blockStart: i == 0));
            }
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Escapes catalog text. Every character that has inline meaning is backslash-escaped (CommonMark
    /// allows that for any ASCII punctuation); characters that only matter at the start of a block are escaped
    /// there.</summary>
    internal static string Text(string value, bool blockStart)
    {
        var flat = SummaryEscaping.Flatten(value);
        if (blockStart)
        {
            flat = flat.TrimStart();
        }

        var text = new StringBuilder(flat.Length + 8);
        for (var i = 0; i < flat.Length; i++)
        {
            var ch = flat[i];
            // '#' everywhere: at the end of a heading a run of them would be taken for the closing sequence.
            // '^', '$' and doubled '+' or '=' are superscript, math, inserted and marked text in common extensions.
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '&' or '~' or '#' or '^' or '$')
            {
                text.Append('\\');
            }
            else if (ch is '+' or '=' && ((i > 0 && flat[i - 1] == ch) || (i + 1 < flat.Length && flat[i + 1] == ch)))
            {
                text.Append('\\');
            }
            else if (blockStart && i == 0 && ch is '-' or '+' or '=')
            {
                text.Append('\\');
            }
            else if (blockStart && ch is '.' or ')' && i > 0 && IsAllDigits(flat, i))
            {
                // "2021. Something" at the start of a block would begin an ordered list.
                text.Append('\\');
            }

            text.Append(ch);
        }

        return text.ToString();
    }

    /// <summary>A code span whose fence is longer than any run of backticks inside it.</summary>
    internal static string Code(string value, bool inTable)
    {
        var flat = SummaryEscaping.Flatten(value);
        var longest = 0;
        var run = 0;
        foreach (var ch in flat)
        {
            run = ch == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        var pad = flat.StartsWith('`') || flat.EndsWith('`') || flat.Length == 0 ? " " : "";

        // GFM splits table rows on '|' before it parses code spans, so the pipe needs its escape even there.
        var body = inTable ? flat.Replace("|", "\\|", StringComparison.Ordinal) : flat;
        return fence + pad + body + pad + fence;
    }

    private static string Link(string title, string url, bool inTable)
    {
        var label = Text(title, blockStart: false);
        if (!SummaryEscaping.TryWebUrl(url, out var safe))
        {
            // Only http and https links are made clickable; anything else is shown, not followed.
            return label + " (" + Code(url, inTable) + ")";
        }

        var destination = safe.IndexOfAny(['(', ')', ' ']) >= 0 ? "<" + safe + ">" : safe;
        return "[" + label + "](" + destination + ")";
    }

    private static bool IsAllDigits(string text, int end)
    {
        for (var i = 0; i < end; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}

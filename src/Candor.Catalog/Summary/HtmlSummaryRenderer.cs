using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Candor.Catalog.Summary;

/// <summary>Writes the summary as one self-contained HTML file: inline CSS, no scripts, no external resources.
/// The markup is also well-formed XML (void elements closed, only numeric or XML entities), which lets tests
/// parse it strictly. Every catalog string goes through <see cref="HtmlEncoder"/>. As a fragment (the web console's
/// summary page), the same markup without the document around it: one <c>article</c> that starts with the title's
/// <c>h1</c>, styled by the page it is placed in.</summary>
internal sealed class HtmlSummaryRenderer(bool fragment = false) : SummaryRenderer
{
    // All of Unicode may pass through as is (the file is UTF-8); the encoder still escapes markup characters.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        :root { color-scheme: light; }
        body { margin: 0; background: #ffffff; color: #1b1b1b; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
        h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 0.5rem; }
        h2 { font-size: 1.375rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid #d0d0d0; padding-bottom: 0.25rem; }
        h3 { font-size: 1.125rem; margin: 1.5rem 0 0.5rem; }
        a { color: #0b57d0; text-decoration: underline; }
        a:focus-visible, .table-wrap:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; }
        code { font-family: ui-monospace, "Cascadia Mono", Consolas, "Liberation Mono", monospace; font-size: 0.9em; background: #f2f2f2; padding: 0 0.2em; border-radius: 3px; overflow-wrap: anywhere; }
        .table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9375rem; }
        caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
        th, td { border: 1px solid #c4c4c4; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; }
        thead th { background: #ececec; }
        tbody th { font-weight: normal; background: #f8f8f8; }
        td ul { margin: 0; padding-left: 1.1rem; }
        @media print { .table-wrap { overflow: visible; } a { color: inherit; } }
        """;

    private readonly StringBuilder _out = new();
    private int _tables;

    public override void Begin(string title)
    {
        if (fragment)
        {
            _out.Append("<article class=\"summary\">\n").Append("<h1>").Append(Encode(title)).Append("</h1>\n");
            return;
        }

        _out.Append("<!DOCTYPE html>\n")
            .Append("<html lang=\"en\">\n")
            .Append("<head>\n")
            .Append("<meta charset=\"utf-8\" />\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n")
            .Append("<style>\n").Append(Style.Replace("\r\n", "\n", StringComparison.Ordinal)).Append("\n</style>\n")
            .Append("</head>\n")
            .Append("<body>\n")
            .Append("<main>\n")
            .Append("<h1>").Append(Encode(title)).Append("</h1>\n");
    }

    public override void Heading(int level, string text, string id) =>
        _out.Append(CultureInfo.InvariantCulture, $"<h{level} id=\"{Encode(id)}\">").Append(Encode(text))
            .Append(CultureInfo.InvariantCulture, $"</h{level}>\n");

    public override void Contents(IReadOnlyList<ContentsEntry> entries)
    {
        _out.Append("<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ul>\n");
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            _out.Append("<li><a href=\"#").Append(Encode(entry.Id)).Append("\">").Append(Encode(entry.Text)).Append("</a>");
            var opensChildren = i + 1 < entries.Count && entries[i + 1].Level > entry.Level;
            var closesChildren = entry.Level > 2 && (i + 1 == entries.Count || entries[i + 1].Level == 2);
            if (opensChildren)
            {
                _out.Append("\n<ul>\n");
                continue;
            }

            _out.Append("</li>\n");
            if (closesChildren)
            {
                _out.Append("</ul>\n</li>\n");
            }
        }

        _out.Append("</ul>\n</nav>\n");
    }

    public override void Paragraph(IReadOnlyList<Inline> text) =>
        _out.Append("<p>").Append(Inlines(text)).Append("</p>\n");

    public override void BulletList(IEnumerable<IReadOnlyList<Inline>> items)
    {
        _out.Append("<ul>\n");
        foreach (var item in items)
        {
            _out.Append("<li>").Append(Inlines(item)).Append("</li>\n");
        }

        _out.Append("</ul>\n");
    }

    public override void Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<Cell>> rows)
    {
        var captionId = "table-" + (++_tables).ToString(CultureInfo.InvariantCulture);

        // A wide table scrolls inside its own region; keyboard users reach it through tabindex.
        _out.Append(CultureInfo.InvariantCulture, $"<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"{captionId}\" tabindex=\"0\">\n")
            .Append("<table>\n")
            .Append(CultureInfo.InvariantCulture, $"<caption id=\"{captionId}\">").Append(Encode(caption)).Append("</caption>\n")
            .Append("<thead>\n<tr>");
        foreach (var h in headers)
        {
            _out.Append("<th scope=\"col\">").Append(Encode(h)).Append("</th>");
        }

        _out.Append("</tr>\n</thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            _out.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                var (open, close) = i == 0 ? ("<th scope=\"row\">", "</th>") : ("<td>", "</td>");
                _out.Append(open).Append(CellContent(row[i])).Append(close);
            }

            _out.Append("</tr>\n");
        }

        _out.Append("</tbody>\n</table>\n</div>\n");
    }

    public override string End()
    {
        _out.Append(fragment ? "</article>\n" : "</main>\n</body>\n</html>\n");
        return _out.ToString();
    }

    internal static string Encode(string text) => Encoder.Encode(SummaryEscaping.Flatten(text));

    private static string CellContent(Cell cell)
    {
        if (cell.Lines.Count == 1)
        {
            return Inlines(cell.Lines[0]);
        }

        var list = new StringBuilder("<ul>");
        foreach (var line in cell.Lines)
        {
            list.Append("<li>").Append(Inlines(line)).Append("</li>");
        }

        return list.Append("</ul>").ToString();
    }

    private static string Inlines(IReadOnlyList<Inline> parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (part.Url is not null)
            {
                if (SummaryEscaping.TryWebUrl(part.Url, out var safe))
                {
                    text.Append("<a href=\"").Append(Encode(safe)).Append("\">").Append(Encode(part.Text)).Append("</a>");
                }
                else
                {
                    // Only http and https links are made clickable; anything else is shown, not followed.
                    text.Append(Encode(part.Text)).Append(" (<code>").Append(Encode(part.Url)).Append("</code>)");
                }
            }
            else if (part.IsCode)
            {
                text.Append("<code>").Append(Encode(part.Text)).Append("</code>");
            }
            else
            {
                text.Append(Encode(part.Text));
            }
        }

        return text.ToString();
    }
}

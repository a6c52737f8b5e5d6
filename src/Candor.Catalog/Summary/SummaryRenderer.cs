namespace Candor.Catalog.Summary;

/// <summary>The few block shapes a summary is made of. <see cref="SummaryLayout"/> decides what goes where once;
/// a renderer only knows how to write each shape in its medium and how to escape catalog text for it, so the
/// Markdown and HTML summaries always have the same structure.</summary>
internal abstract class SummaryRenderer
{
    /// <summary>Starts the document; <paramref name="title"/> is also its first heading.</summary>
    public abstract void Begin(string title);

    /// <summary>A table of contents: links to the headings of level 2 (and 3, nested) by their ids.</summary>
    public abstract void Contents(IReadOnlyList<ContentsEntry> entries);

    /// <summary>A heading of level 2 or 3 (the title is level 1). <paramref name="id"/> is a stable anchor.</summary>
    public abstract void Heading(int level, string text, string id);

    public abstract void Paragraph(IReadOnlyList<Inline> text);

    public abstract void BulletList(IEnumerable<IReadOnlyList<Inline>> items);

    /// <summary>A table whose first column heads its rows. A cell is one or more lines.</summary>
    public abstract void Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<Cell>> rows);

    /// <summary>Ends the document and returns its text (LF line endings, ending with one newline).</summary>
    public abstract string End();
}

/// <summary>A table cell: one line, or several (examples, fields) that a renderer shows one per line.</summary>
internal sealed record Cell(IReadOnlyList<IReadOnlyList<Inline>> Lines)
{
    public static Cell Text(string text) => new([[text]]);

    public static Cell Code(string text) => new([[Inline.Code(text)]]);

    public static Cell Of(params Inline[] line) => new([line]);
}

/// <summary>A heading the table of contents links to.</summary>
internal sealed record ContentsEntry(int Level, string Text, string Id);

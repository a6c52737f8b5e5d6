namespace Candor.Server.Console.Tables;

/// <summary>(Public only because Razor components, which <see cref="DataTable"/> is, are public.) A table of a console page, defined once and rendered twice: as HTML by <see cref="DataTable"/> and as CSV by
/// <see cref="CsvEndpoint"/>, so a download has exactly the rows and cells the page shows. <see cref="Id"/> names the
/// table in its download route (<c>/console/csv/{id}</c>).</summary>
public sealed record ConsoleTable(string Id, string Caption, IReadOnlyList<string> Columns, IReadOnlyList<TableRow> Rows);

/// <summary>One row; <see cref="Key"/> identifies it for actions and tests (a version, a mark id).</summary>
public sealed record TableRow(IReadOnlyList<TableCell> Cells, string? Key = null);

/// <summary>One cell as the page shows it; <see cref="Href"/> makes it a link, <see cref="Figure"/> names the figure
/// (the <c>data-figure</c> attribute the tests compare with the API).</summary>
public sealed record TableCell(string Text, string? Href = null, string? Figure = null)
{
    /// <summary>A plain cell of <paramref name="text"/>.</summary>
    public static implicit operator TableCell(string text) => new(text);
}

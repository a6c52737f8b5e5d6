using System.Text;

namespace Candor.Server.Console.Tables;

/// <summary>Writes a <see cref="ConsoleTable"/> as CSV (RFC 4180: comma separated, CRLF line ends, a field with a comma,
/// quote, CR or LF quoted and its quotes doubled; the header line first). A cell that a spreadsheet would read as a
/// formula (it starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return) is prefixed with a single
/// quote, so a product name or an advisory sent by anyone cannot run in the reader's spreadsheet (CSV injection,
/// OWASP). Numbers are written as the page shows them, so a negative number is never among the cells (none is).</summary>
internal static class Csv
{
    public static string Write(ConsoleTable table)
    {
        var text = new StringBuilder();
        Line(text, table.Columns);
        foreach (var row in table.Rows)
        {
            Line(text, row.Cells.Select(c => c.Text));
        }

        return text.ToString();
    }

    /// <summary>One field, guarded and quoted as needed.</summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static void Line(StringBuilder text, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            text.Append(first ? "" : ",").Append(Field(field));
            first = false;
        }

        text.Append("\r\n");
    }
}

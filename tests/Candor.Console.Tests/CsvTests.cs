using Candor.Server.Console.Tables;
using Xunit;

namespace Candor.Console.Tests;

public sealed class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("", "")]
    public void A_field_is_quoted_as_rfc_4180_says_and_never_starts_a_formula(string value, string expected) =>
        Assert.Equal(expected, Csv.Field(value));

    [Fact]
    public void A_table_is_its_header_then_its_rows_each_ending_with_crlf()
    {
        var table = new ConsoleTable("t", "T", ["Name", "Count"], [new TableRow(["a", "1,000"]), new TableRow(["=b", "2"])]);
        Assert.Equal("Name,Count\r\na,\"1,000\"\r\n'=b,2\r\n", Csv.Write(table));
        Assert.Equal(table.Rows.Count + 1, HealthPagesTests.ParseCsv(Csv.Write(table)).Count);
    }
}

using Recur.Forecasting;

namespace Recur.Tests.Data;

public class CsvReaderTests
{
    private static List<List<string>> ReadAll(string text, out CsvReader reader, List<int>? lines = null)
    {
        reader = new CsvReader(new StringReader(text), "test.csv");
        var records = new List<List<string>>();
        var fields = new List<string>();
        while (reader.ReadRecord(fields))
        {
            records.Add([.. fields]);
            lines?.Add(reader.LineNumber);
        }
        return records;
    }

    [Fact]
    public void QuotesEscapesWhitespaceAndCrlf()
    {
        string text = "name , \"a,b\" ,c\r\n  x , \"say \"\"hi\"\"\" , 3 \r\n\"\",\"q\"  ,\r\n\r\n  \r\n";
        var records = ReadAll(text, out var reader);
        Assert.Equal(["name", "a,b", "c"], reader.Header);
        Assert.Equal(',', reader.Delimiter);
        Assert.Equal(2, records.Count);
        Assert.Equal(["x", "say \"hi\"", "3"], records[0]);
        Assert.Equal(["", "q", ""], records[1]); // a trailing separator is one more, empty, field
    }

    [Theory]
    [InlineData("a;b;c\n1;2,5;3\n", ';')]
    [InlineData("a\tb\tc\n1\t2,5\t3\n", '\t')]
    public void DetectsSemicolonAndTabWhenTheHeaderHasNoComma(string text, char expected)
    {
        var records = ReadAll(text, out var reader);
        Assert.Equal(expected, reader.Delimiter);
        Assert.Equal(["a", "b", "c"], reader.Header);
        Assert.Equal(["1", "2,5", "3"], records[0]);
    }

    [Fact]
    public void ExcelsSeparatorHintLineNamesTheDelimiter()
    {
        // "sep=;" first: the delimiter, though the header has a comma inside a name; line numbers stay physical.
        var lines = new List<int>();
        var records = ReadAll("sep=;\ndate;sales, units\n2020-01-01;1,5\n", out var reader, lines);
        Assert.Equal(';', reader.Delimiter);
        Assert.Equal(["date", "sales, units"], reader.Header);
        Assert.Equal(["2020-01-01", "1,5"], records[0]);
        Assert.Equal([3], lines);
        Assert.Equal('\t', new CsvReader(new StringReader("SEP=\t\na\tb\n"), "t.csv").Delimiter);
    }

    [Fact]
    public void AFileThatIsNotUtf8IsReadAsWindows1252()
    {
        using var dir = new TempDirectory();
        // Excel on Windows in western Europe: "Umsätze €" in code page 1252 (ä = 0xE4, € = 0x80), not valid UTF-8.
        string path = dir.WriteBytes("cp1252.csv", [.. "Datum;Ums"u8, 0xE4, .. "tze "u8, 0x80, .. "\n2020-01-01;1\n"u8]);
        using var reader = CsvReader.Open(path);
        Assert.Equal(["Datum", "Umsätze €"], reader.Header);
        // UTF-8 stays UTF-8.
        using var utf8 = CsvReader.Open(dir.Write("utf8.csv", "Datum;Umsätze €\n2020-01-01;1\n"));
        Assert.Equal(["Datum", "Umsätze €"], utf8.Header);
    }

    [Fact]
    public void SkipsByteOrderMarkFromFile()
    {
        using var dir = new TempDirectory();
        byte[] bom = [0xEF, 0xBB, 0xBF];
        string path = dir.WriteBytes("bom.csv", [.. bom, .. "date,value\r\n2020-01-01,1\r\n"u8]);
        using var reader = CsvReader.Open(path);
        Assert.Equal(["date", "value"], reader.Header);
    }

    [Fact]
    public void QuotedFieldMaySpanLinesAndLineNumbersCountPhysicalLines()
    {
        var lines = new List<int>();
        var records = ReadAll("a,b\n1,\"two\nlines\"\n\n3,4\n", out _, lines);
        Assert.Equal(["1", "two\nlines"], records[0]);
        Assert.Equal(["3", "4"], records[1]);
        Assert.Equal([2, 5], lines);
    }

    [Fact]
    public void RaggedRowNamesItsLine()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ReadAll("a,b\n1,2\n\n3,4,5\n", out _));
        Assert.Equal("test.csv: line 4 has 3 fields, the header has 2", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n  \r\n\n")]
    public void EmptyFileHasNoHeader(string text)
    {
        var ex = Assert.Throws<InvalidDataException>(() => new CsvReader(new StringReader(text), "test.csv"));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void UnclosedQuoteIsReported()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ReadAll("a,b\n1,\"open\n2,3\n", out _));
        Assert.Equal("test.csv: line 2: a quoted field is never closed", ex.Message);
    }

    [Fact]
    public void TextAfterClosingQuoteIsReported()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ReadAll("a,b\n\"x\"y,2\n", out _));
        Assert.Contains("line 2", ex.Message);
    }

    [Fact]
    public void LinesOfSeparatorsOnlyAreSkippedLikeBlankLines()
    {
        var lines = new List<int>();
        var records = ReadAll("date;v;note\n2020-01-01;1;\n;;\n2020-01-02;2;x\n;;\n ; ; \n", out var reader, lines);
        Assert.Equal([["2020-01-01", "1", ""], ["2020-01-02", "2", "x"]], records);
        Assert.Equal([2, 4], lines);
        Assert.Equal(3, reader.EmptyRows);
        // One column: an empty quoted cell is still a (missing) value.
        Assert.Equal([["1"], [""]], ReadAll("v\n1\n\"\"\n", out _));
    }

    [Fact]
    public void LinesAboveTheHeaderAreSkipped()
    {
        // A statistics office's export: a title, a source line, a blank line, then the table.
        var lines = new List<int>();
        var records = ReadAll("Monthly output, seasonally adjusted\nSource: Example Office\n\ndate;value\n2020-01;1,5\n2020-02;2\n", out var reader, lines);
        Assert.Equal(["date", "value"], reader.Header);
        Assert.Equal(';', reader.Delimiter);
        Assert.Equal((2, "Monthly output, seasonally adjusted"), reader.Preamble);
        Assert.Equal(4, reader.HeaderLine);
        Assert.Equal([["2020-01", "1,5"], ["2020-02", "2"]], records);
        Assert.Equal([5, 6], lines);

        // A logger's comment lines, delimiters and all.
        records = ReadAll("# logger v2, site 7\n# units: kWh\ntime,kwh,temp\n1,2,3\n4,5,6\n", out reader);
        Assert.Equal(["time", "kwh", "temp"], reader.Header);
        Assert.Equal(2, reader.Preamble.Count);
        Assert.Equal(2, records.Count);

        // A ragged row after a preamble is still an error naming its own line.
        var e = Assert.Throws<InvalidDataException>(() =>
            ReadAll("Title\ndate,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n2020-01-04,4\n2020-01-05,5\n2020-01-06,6,7\n", out _));
        Assert.Contains("line 8 has 3 fields", e.Message);
    }

    [Theory]
    [InlineData("date,value\n2020-01-01,1\n2020-01-02,2\n")]             // the usual file
    [InlineData("country,2019,2020\nA,1,2\nB,3,4\n")]                   // years as column names
    [InlineData("date,note,v\n2020-01-01,\"two\nlines\",1\n2020-01-02,x,2\n")] // a quoted line break in the first row
    [InlineData("value\n1\n2\n")]                                       // one column
    public void TheFirstLineStaysTheHeaderWhenItIsOne(string text)
    {
        var records = ReadAll(text, out var reader);
        Assert.Equal((0, (string?)null), reader.Preamble);
        Assert.Equal(1, reader.HeaderLine);
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public void AFirstLineNarrowerThanDataRowsIsNotTakenForAPreambleWhenLaterLinesAreData()
    {
        // The header has fewer names than the rows have fields (no header-like line follows): the usual error, at line 2.
        var e = Assert.Throws<InvalidDataException>(() => ReadAll("date,value\n2020-01-01,1,5\n2020-01-02,2,5\n", out _));
        Assert.Contains("line 2 has 3 fields, the header has 2", e.Message);
    }
}

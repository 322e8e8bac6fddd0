using System.Text;
using Recur.Forecasting;

namespace Recur.Tests.Data;

/// <summary>Real-world files: date forms, date checks and regularisation, separators and decimal commas, long and wide files, bounded errors.</summary>
public class SeriesSetTests
{
    private static SeriesSet Load(string text, CsvOptions? o = null, string column = "y")
    {
        using var dir = new TempDirectory();
        return SeriesSet.Load(dir.Write("s.csv", text), o ?? new CsvOptions { Columns = [column] });
    }

    private static T Fails<T>(string text, CsvOptions? o = null) where T : Exception
    {
        using var dir = new TempDirectory();
        string path = dir.Write("s.csv", text);
        return Assert.Throws<T>(() => SeriesSet.Load(path, o ?? new CsvOptions { Columns = ["y"] }));
    }

    [Theory]
    [InlineData("2015-01-31", "2015-02-01")]
    [InlineData("2015-01-31 00:00:00", "2015-02-01 00:00:00")]
    [InlineData("2015-1-31", "2015-2-1")]
    [InlineData("2015-1-31 0:00", "2015-2-1 0:00")]
    [InlineData("2015/01/31", "2015/02/01")]
    [InlineData("20150131", "20150201")]
    [InlineData("Jan-31-2015", "Feb-1-2015")]
    [InlineData("Jan 31 2015", "Feb 1 2015")]
    [InlineData("31.01.2015", "01.02.2015")]
    public void DateFormsPeopleWrite(string first, string second)
    {
        var s = Load($"date,y\n{first},1\n{second},2\n").Series[0];
        Assert.Equal([new DateTime(2015, 1, 31), new DateTime(2015, 2, 1)], s.Dates!);
    }

    [Fact]
    public void MonthlyDatesAndDayFirst()
    {
        var monthly = Load("date,y\n1995-01,1\n1995-02,2\n1995-03,3\n");
        Assert.Equal(new DateTime(1995, 3, 1), monthly.Series[0].Dates![2]);
        Assert.Equal(DateStepUnit.Months, monthly.Step!.Unit);
        var dayFirst = Load("date,y\n03/04/2020,1\n04/04/2020,2\n", new CsvOptions { Columns = ["y"], DayFirst = true });
        Assert.Equal(new DateTime(2020, 4, 3), dayFirst.Series[0].Dates![0]);
    }

    [Fact]
    public void YearColumnsAndUnnamedFirstColumnsOfDates()
    {
        var yearly = Load("year,y\n1990,1\n1991,2\n1993,4\n");
        Assert.Equal(new DateTime(1992, 1, 1), yearly.Series[0].Dates![2]); // 1992 was a gap
        Assert.Equal(12, yearly.Step!.Months);
        Assert.Null(Load("a,y\n1990,1\n1991,2\n1993,4\n").Series[0].Dates); // a first column of numbers is not taken as years
        var e = Fails<FormatException>("when,y\n2015-01-01,1\n2015-01-02,2\n2015-01-03,3\n2015-01-04,4\n2015-01-05,5\n" +
                                       "2015-01-06,6\n2015-01-07,7\n2015-01-08,8\n2015-01-09,9\n2015-13-10,10\n");
        Assert.Contains("'2015-13-10'", e.Message); // mostly dates: the odd cell is an error, not a fall-back to row numbers
    }

    [Fact]
    public void AnUnreadableDateColumnIsAnErrorQuotingTheCell()
    {
        var e = Fails<FormatException>("date,y\n2015-01-01,1\n2015-01-02,2\nyesterday,3\n");
        Assert.Contains("line 4", e.Message);
        Assert.Contains("'yesterday'", e.Message);
    }

    [Fact]
    public void ADuplicatedDateIsAnErrorNamingItAndItsLines()
    {
        var e = Fails<InvalidDataException>("date,y\n2015-01-01,1\n2015-01-02,2\n2015-01-02,3\n2015-01-03,4\n");
        Assert.Contains("2015-01-02", e.Message);
        Assert.Contains("lines 3, 4", e.Message);
        Assert.DoesNotContain("--series-id", e.Message); // no text column to suggest
    }

    [Fact]
    public void DuplicatedDatesOfALongFileWithoutSeriesIdSuggestTheIdColumn()
    {
        // A weather export: one row per station and day, the station's code and name as text, and a value column.
        var e = Fails<InvalidDataException>(
            "STATION,NAME,DATE,TMAX\nA1,\"AIRPORT, WA\",2015-01-01,5\nA1,\"AIRPORT, WA\",2015-01-02,6\nB2,\"CITY, WA\",2015-01-01,4\nB2,\"CITY, WA\",2015-01-02,5\n",
            new CsvOptions { Columns = ["TMAX"] });
        Assert.Contains("2015-01-01", e.Message);
        Assert.Contains("--series-id", e.Message);
        Assert.Contains("'STATION', 'NAME'", e.Message);
        // Ids as a few whole numbers (store 1, 2) are suggested; a value column of whole numbers is not.
        var rows = string.Concat(Enumerable.Range(0, 20).Select(i => $"1,2015-01-{i + 1:00},{100 + i}\n2,2015-01-{i + 1:00},{200 + i}\n"));
        var numeric = Fails<InvalidDataException>("store,date,units\n" + rows, new CsvOptions { Columns = ["units"] });
        Assert.Contains("unique within 'store'", numeric.Message);
        Assert.DoesNotContain("'units'", numeric.Message[numeric.Message.IndexOf("--series-id")..]);
        // A text column that repeats within a date (a weekday label) is not suggested.
        var f = Fails<InvalidDataException>("date,label,y\n2015-01-05,Mon,1\n2015-01-05,Mon,2\n2015-01-06,Tue,3\n");
        Assert.DoesNotContain("--series-id", f.Message);
    }

    [Fact]
    public void GapsAreInsertedAsMissingValuesAndCounted()
    {
        var set = Load("date,y\n2015-01-01,1\n2015-01-02,2\n2015-01-05,5\n2015-01-06,6\n2015-01-07,7\n");
        var s = set.Series[0];
        Assert.Equal(7, s.Length);
        Assert.Equal(2, s.Inserted);
        Assert.Equal(2, s.Missing);
        Assert.True(double.IsNaN(s.Values[2]) && double.IsNaN(s.Values[3]));
        Assert.Equal(new DateTime(2015, 1, 3), s.Dates![2]);
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7], s.Filled());
        Assert.Contains(set.Notes, n => n.Contains("2 date(s) missing"));

        var monthly = Load("date,y\n2015-01-31,1\n2015-02-28,2\n2015-04-30,4\n").Series[0];
        Assert.Equal(4, monthly.Length); // month-end dates: March is the gap
        Assert.Equal(1, monthly.Inserted);
    }

    [Fact]
    public void NaValuesAreMissingAndAnUnnamedCodeIsPointedOut()
    {
        var rows = string.Concat(Enumerable.Range(0, 40).Select(i =>
            $"2015-01-{1 + i % 28:00},{(i % 13 == 5 ? "-9999" : (20 + i % 7).ToString())},{(i == 7 ? "x" : "1")}\n"));
        // Daily dates would repeat past the 28th: use a row number instead.
        string text = "t,y,f\n" + string.Concat(rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select((r, i) => $"{i}{r[10..]}\n"));
        var hinted = Load(text);
        Assert.Equal(0, hinted.Series[0].Missing);
        Assert.Contains(hinted.Notes, n => n.Contains("-9999 appears 3 times in 'y'") && n.Contains("--na-values=-9999"));

        // A long file: one note for every series that has the code.
        string longFile = "id,t,y\n" + string.Concat(from id in new[] { "a", "b", "c" } from i in Enumerable.Range(0, 30)
                                                        select $"{id},{i},{(i % 13 == 5 ? "-9999" : (20 + i % 7).ToString())}\n");
        var notes = Load(longFile, new CsvOptions { Columns = ["y"], SeriesId = "id" }).Notes.Where(n => n.Contains("missing-value code")).ToList();
        Assert.Equal(["-9999 appears 6 times in 'a', 'b', 'c'"], notes.Select(n => n[(n.IndexOf(": ", StringComparison.Ordinal) + 2)..n.IndexOf(", far", StringComparison.Ordinal)]));

        var set = Load(text, new CsvOptions { Columns = ["y"], Features = ["f"], NaValues = ["-9999", "x"] });
        Assert.Equal(3, set.Series[0].Missing);
        Assert.DoesNotContain(set.Series[0].Values, v => v == -9999);
        Assert.True(double.IsNaN(set.Series[0].Inputs[0][7])); // the input column's "x" too
        Assert.Contains(set.Notes, n => n.Contains("4 cell(s) read as missing (--na-values"));
        Assert.DoesNotContain(set.Notes, n => n.Contains("a missing-value code?"));
    }

    [Fact]
    public void InputFlagsReadAsOneAndZero()
    {
        string text = "date,y,holiday,promo\n2015-01-01,1,TRUE,yes\n2015-01-02,2,false,No\n2015-01-03,3,,no\n";
        var set = Load(text, new CsvOptions { Columns = ["y"], Features = ["promo"], KnownFuture = ["holiday"] });
        Assert.Equal([1.0, 0, 0], set.Series[0].Inputs[0]);                     // promo
        Assert.Equal(1.0, set.Series[0].Inputs[1][0]);                          // holiday
        Assert.Equal(0.0, set.Series[0].Inputs[1][1]);
        Assert.True(double.IsNaN(set.Series[0].Inputs[1][2]));                  // missing stays missing
        Assert.Contains(set.Notes, n => n.Contains("read as 1/0") && n.Contains("'promo'") && n.Contains("'holiday'"));
        // Flags mixed with numbers, or a flag in the value column, are still not numbers.
        Assert.Throws<FormatException>(() => Load("date,y,f\n2015-01-01,1,TRUE\n2015-01-02,2,3\n", new CsvOptions { Columns = ["y"], Features = ["f"] }));
        Assert.Throws<FormatException>(() => Load("date,y\n2015-01-01,TRUE\n2015-01-02,FALSE\n"));
    }

    [Fact]
    public void EmptyRowsOfSeparatorsAreSkippedWithANote()
    {
        var set = Load("date;y;note\n2015-01-01;1;\n2015-01-02;2;\n;;\n2015-01-03;3;\n;;\n;;\n");
        Assert.Equal([1.0, 2, 3], set.Series[0].Values);
        Assert.Contains(set.Notes, n => n.Contains("skipped 3 empty row(s)"));
    }

    [Fact]
    public void ATitleAboveTheTableIsSkippedWithANote()
    {
        var set = Load("Industrial output\nSource: Example Office, 2026\ndate,y\n2015-01-01,1\n2015-01-02,2\n2015-01-03,3\n");
        Assert.Equal([1.0, 2, 3], set.Series[0].Values);
        Assert.Contains(set.Notes, n => n.Contains("skipped 2 line(s) above the header on line 3") && n.Contains("Industrial output"));
    }

    [Fact]
    public void TwoDigitYearsAreReadWithANote()
    {
        // Oracle's and spreadsheets' default DD-MON-YY, monthly: 1999 then 2000.
        var set = Load("date,y\n01-Nov-99,1\n01-Dec-99,2\n01-Jan-00,3\n01-Feb-00,4\n");
        Assert.Equal(new DateTime(1999, 11, 1), set.Series[0].Dates![0]);
        Assert.Equal(new DateTime(2000, 2, 1), set.Series[0].Dates![3]);
        Assert.Contains(set.Notes, n => n.Contains("two-digit years") && n.Contains("1950-1999"));
        Assert.DoesNotContain(Load("date,y\n2015-01-01,1\n2015-01-02,2\n").Notes, n => n.Contains("two-digit"));
    }

    [Fact]
    public void ANewestFirstFileIsReversedWithANote()
    {
        var set = Load("date,y\n2015-01-03,3\n2015-01-02,2\n2015-01-01,1\n");
        Assert.Equal([1.0, 2, 3], set.Series[0].Values);
        Assert.Equal(new DateTime(2015, 1, 1), set.Series[0].Dates![0]);
        Assert.Contains(set.Notes, n => n.Contains("newest-first"));
    }

    [Fact]
    public void UnsortedOrMixedFrequencyDatesAreErrors()
    {
        Assert.Contains("not in time order", Fails<InvalidDataException>("date,y\n2015-01-01,1\n2015-01-03,3\n2015-01-02,2\n2015-01-04,4\n").Message);
        var mixed = Fails<InvalidDataException>("date,y\n2015-01-01 00:00,1\n2015-01-01 01:00,2\n2015-01-01 02:00,3\n2015-01-01 02:30,4\n2015-01-01 04:00,5\n");
        Assert.Contains("not on one regular grid", mixed.Message);
        Assert.Contains("2015-01-01 02:30", mixed.Message);
    }

    [Fact]
    public void WeekdayDataStepsInBusinessDays()
    {
        var text = new StringBuilder("date,y\n");
        for (var d = new DateTime(2024, 1, 1); d < new DateTime(2024, 2, 1); d = d.AddDays(1))
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) text.Append($"{d:yyyy-MM-dd},{d.Day}\n");
        var set = Load(text.ToString());
        Assert.Equal(DateStepUnit.BusinessDays, set.Step!.Unit);
        Assert.Equal(0, set.Series[0].Inserted);
        Assert.Equal(new DateTime(2024, 2, 1), set.Step.Add(new DateTime(2024, 1, 31), 1));
        Assert.Equal(new DateTime(2024, 2, 5), set.Step.Add(new DateTime(2024, 2, 2), 1));
    }

    [Fact]
    public void SemicolonsWithDecimalCommasAreDetected()
    {
        var set = Load("date;y\n2015-01-01;1,5\n2015-01-02;-2,25\n2015-01-03;3\n");
        Assert.Equal([1.5, -2.25, 3], set.Series[0].Values);
        Assert.Contains(set.Notes, n => n.Contains("decimal commas"));
        var tab = Load("date\ty\n2015-01-01\t1.5\n2015-01-02\t2.5\n", new CsvOptions { Columns = ["y"], Delimiter = '\t' });
        Assert.Equal([1.5, 2.5], tab.Series[0].Values);
        var hinted = Fails<FormatException>("date,y\n2015-01-01,\"1,5\"\n");
        Assert.Contains("--decimal", hinted.Message);
    }

    [Fact]
    public void DigitGroupingAsSpreadsheetsWriteIt()
    {
        // Excel in English quotes grouped numbers in a comma-separated file.
        var excel = Load("date,y\n2015-01-01,\"1,234.5\"\n2015-01-02,\"12,345,678\"\n2015-01-03,-7\n");
        Assert.Equal([1234.5, 12345678, -7], excel.Series[0].Values);
        // Most of Europe: points group, the comma is the decimal mark; detected from the cells.
        var europe = Load("date;y\n2015-01-01;1.234,5\n2015-01-02;1.200\n2015-01-03;3,25\n");
        Assert.Equal([1234.5, 1200, 3.25], europe.Series[0].Values);
        Assert.Contains(europe.Notes, n => n.Contains("decimal commas"));
        // Spaces (also no-break) and the Swiss apostrophe.
        var spaces = Load("date;y\n2015-01-01;1 234,5\n2015-01-02;2\u00A0000,25\n2015-01-03;3,5\n");
        Assert.Equal([1234.5, 2000.25, 3.5], spaces.Series[0].Values);
        var swiss = Load("date,y\n2015-01-01,1'234.5\n2015-01-02,2\n");
        Assert.Equal([1234.5, 2], swiss.Series[0].Values);
        // A point with three digits after it is a decimal point where the file's decimal mark is the point.
        var points = Load("date;y\n2015-01-01;1.234\n2015-01-02;2.5\n");
        Assert.Equal([1.234, 2.5], points.Series[0].Values);
    }

    [Fact]
    public void MoneyAsAccountingExportsWriteIt()
    {
        var dollars = Load("date,y\n2015-01-01,\"$1,234.50\"\n2015-01-02,-$5\n2015-01-03,\"(1,000)\"\n2015-01-04,($2.25)\n2015-01-05,£3\n");
        Assert.Equal([1234.5, -5, -1000, -2.25, 3], dollars.Series[0].Values);
        var euros = Load("date;y\n2015-01-01;1.234,50 €\n2015-01-02;12,5€\n2015-01-03;(3,5 €)\n2015-01-04;1.234,50-\n");
        Assert.Equal([1234.5, 12.5, -3.5, -1234.5], euros.Series[0].Values);
        Assert.Contains(euros.Notes, n => n.Contains("decimal commas"));
        foreach (string cell in new[] { "$", "(-5)", "$$5", "5 $ 3", "-5-", "-" })
            Assert.Contains(cell, Fails<FormatException>($"date,y\n2015-01-01,\"{cell}\"\n").Message);
    }

    [Fact]
    public void DateAndTimeColumnsNamedInOtherLanguagesAreFound()
    {
        // A German logger export: Datum and Uhrzeit, hourly.
        var set = Load("Datum;Uhrzeit;Wert\n01.01.2020;22:00;1,5\n01.01.2020;23:00;2\n02.01.2020;00:00;2,5\n", new CsvOptions { Columns = ["Wert"] });
        Assert.Equal([new DateTime(2020, 1, 1, 22, 0, 0), new DateTime(2020, 1, 1, 23, 0, 0), new DateTime(2020, 1, 2)], set.Series[0].Dates!);
        Assert.Equal([1.5, 2, 2.5], set.Series[0].Values);
        // FRED's header.
        Assert.NotNull(Load("observation_date,GDP\n2020-01-01,1\n2020-04-01,2\n2020-07-01,3\n", new CsvOptions { Columns = ["GDP"] }).Series[0].Dates);
        // Named, a column no format reads is an error quoting its cell (it was silently no date column).
        Assert.Contains("'2020-01-01 00:00 MEZ'", Fails<FormatException>("Fecha,v\n2020-01-01 00:00 MEZ,1\n2020-01-02 00:00 MEZ,2\n", new CsvOptions { Columns = ["v"] }).Message);
    }

    [Fact]
    public void UnitsAfterTheNumbersAreLeftOutWithANote()
    {
        var kwh = Load("date;y;t\n2015-01-01;1.234,5 kWh;21,3 °C\n2015-01-02;12,5kWh;-2 °C\n2015-01-03;0;19,5 °C\n",
            new CsvOptions { Columns = ["y"], Features = ["t"] });
        Assert.Equal([1234.5, 12.5, 0], kwh.Series[0].Values);
        Assert.Equal([21.3, -2, 19.5], kwh.Series[0].Inputs[0]);
        Assert.Contains(kwh.Notes, n => n.Contains("column 'y': numbers in 'kWh'"));
        Assert.Contains(kwh.Notes, n => n.Contains("column 't': numbers in '°C'"));
        // Two units in one column: an error naming both and their lines.
        var mixed = Fails<InvalidDataException>("date,y\n2015-01-01,500 kWh\n2015-01-02,1.2 MWh\n");
        Assert.Contains("mixes units: 'kWh' (line 2) and 'MWh' (line 3)", mixed.Message);
        // Letters that also mean a multiple stay errors: 12K is 12 000, £12m twelve million.
        foreach (string cell in new[] { "12K", "12k", "12M", "£12m", "12 apples" })
            Assert.Contains(cell, Fails<FormatException>($"date,y\n2015-01-01,{cell}\n").Message);
    }

    [Fact]
    public void UnitRowsBelowTheHeaderAreSkippedWithANote()
    {
        // A logger's export: units, then the kind of each value, under the names (Campbell's TOA5 layout).
        var set = Load("\"TOA5\",\"CR1000\",\"CR1000\",\"1234\",\"CR1000.Std.32\",\"CPU:prog.CR1\",\"1234\",\"Table1\"\n" +
                       "TIMESTAMP,RECORD,AirTC_Avg\nTS,RN,Deg C\n,,Avg\n2020-01-01 00:00,1,5.5\n2020-01-01 01:00,2,5.25\n",
            new CsvOptions { Columns = ["AirTC_Avg"] });
        Assert.Equal([5.5, 5.25], set.Series[0].Values);
        Assert.Contains(set.Notes, n => n.Contains("skipped 2 row(s) below the header with no number and no date") && n.Contains("line 3"));
        Assert.Contains(set.Notes, n => n.Contains("skipped 1 line(s) above the header on line 2"));
        // A first row with a number, or with a date, is data (and its errors are the usual ones).
        Assert.Contains("''", Fails<FormatException>("date,y\n,5\n2020-01-01,1\n2020-01-02,2\n").Message);
        Assert.DoesNotContain(Load("date,y\n2020-01-01,NA\n2020-01-02,1\n2020-01-03,2\n").Notes, n => n.Contains("below the header"));
        Assert.Contains("'NA' is not a date", Fails<FormatException>("date,y\nNA,NA\n2020-01-02,1\n2020-01-03,2\n").Message); // missing marks are not units
    }

    [Fact]
    public void SummaryRowsAtTheEndAndRepeatedHeadersAreSkippedWithANote()
    {
        var totals = Load("date,y\n2015-01-01,1\n2015-01-02,2\n2015-01-03,3\nTotal,6\nAverage,2\n");
        Assert.Equal([1, 2, 3], totals.Series[0].Values);
        Assert.Contains(totals.Notes, n => n.Contains("skipped 2 summary row(s) at the end (line 5: 'Total')"));
        var pasted = Load("date,y\n2015-01-01,1\n2015-01-02,2\ndate,y\n2015-01-03,3\n");
        Assert.Equal([1, 2, 3], pasted.Series[0].Values);
        Assert.Contains(pasted.Notes, n => n.Contains("header line repeated as data on line(s) 4"));
        // A summary row in the middle is no date: still an error quoting it.
        Assert.Contains("'Total'", Fails<FormatException>("date,y\n2015-01-01,1\nTotal,1\n2015-01-02,2\n").Message);
    }

    [Theory]
    [InlineData("Date,Time,Temp", "2021-03-01,23:00", "2021-03-02,00:00", "2021-03-02,01:00")]
    [InlineData("date,hour,temp", "03/01/2021,23", "03/02/2021,0", "03/02/2021,1")]
    [InlineData("Date,Time,Temp", "2021-03-01,11:00 PM", "2021-03-02,12:00 AM", "2021-03-02,1:00 AM")]
    public void ADateColumnAndATimeColumnMakeOneTimestamp(string head, string a, string b, string c)
    {
        // Loggers write hourly data with the date and the time of day in two columns: each date then repeats.
        var set = Load($"{head}\n{a},5\n{b},6\n{c},7\n", new CsvOptions());
        Assert.Equal([new DateTime(2021, 3, 1, 23, 0, 0), new DateTime(2021, 3, 2, 0, 0, 0), new DateTime(2021, 3, 2, 1, 0, 0)], set.Series[0].Dates!);
        Assert.Equal([5, 6, 7], set.Series[0].Values);
        Assert.Contains(set.Notes, n => n.Contains("dates and times read from"));
        // A time column that does not read as times of day is left alone (and the repeated dates stay an error).
        Assert.Contains("appears more than once", Fails<InvalidDataException>("Date,Time,Temp\n2021-03-01,morning,5\n2021-03-01,noon,6\n",
            new CsvOptions { Columns = ["Temp"] }).Message);
    }

    [Fact]
    public void APercentSignIsTheColumnsUnitAndALoneDashAnErrorThatSaysWhy()
    {
        // A rate column (unemployment, interest): read in percent, as written, with a note.
        var set = Load("date,rate\n2015-01-01,12.5%\n2015-01-02,13 %\n2015-01-03,1.5%\n", new CsvOptions());
        Assert.Equal("rate", set.Series[0].Name);
        Assert.Equal([12.5, 13, 1.5], set.Series[0].Values);
        Assert.Contains(set.Notes, n => n.Contains("column 'rate': numbers in '%'") && n.Contains("12% reads as 12"));
        // In a decimal-comma file too.
        Assert.Equal([12.5, 13], Load("date;rate\n2015-01-01;12,5%\n2015-01-02;13%\n", null, "rate").Series[0].Values);
        // A percent sign with another unit in one column is the mixed-units error.
        Assert.Contains("mixes units", Fails<InvalidDataException>("date,y\n2015-01-01,12%\n2015-01-02,13 kWh\n").Message);
        Assert.Contains("a dash can mean missing or zero", Fails<FormatException>("date,y\n2015-01-01,-\n").Message);
    }

    [Theory]
    [InlineData("1,23,456")]   // groups of two: not a grouping anyone's locale writes with this decimal mark
    [InlineData("1234,567.8")] // a first group longer than three digits
    [InlineData("1,234,56")]   // a short last group
    [InlineData("1.234.5")]    // two points in a point-decimal file
    public void MalformedGroupingIsStillAnError(string cell)
    {
        var e = Fails<FormatException>($"date,y\n2015-01-01,\"{cell}\"\n");
        Assert.Contains(cell, e.Message);
    }

    [Fact]
    public void MonthNameAndIsoWeekFilesAreMonthlyAndWeekly()
    {
        var monthly = Load("month,sales\nJan 2020,1\nFeb 2020,2\nApr 2020,4\n", new CsvOptions());
        Assert.Equal([1, 2, double.NaN, 4], monthly.Series[0].Values); // March is a gap on the monthly grid
        var weekly = Load("week,orders\n2020-W52,1\n2020-W53,2\n2021-W01,3\n", new CsvOptions());
        Assert.Equal([new DateTime(2020, 12, 21), new DateTime(2020, 12, 28), new DateTime(2021, 1, 4)], weekly.Series[0].Dates!);
    }

    [Fact]
    public void QuarterlyFilesAndTrailingDelimiters()
    {
        var quarterly = Load("quarter,gdp\n1990Q1,1\n1990Q2,2\n1990Q4,4\n1991Q1,5\n", new CsvOptions());
        Assert.Equal("gdp", quarterly.Series[0].Name);
        Assert.Equal([1, 2, double.NaN, 4, 5], quarterly.Series[0].Values); // 1990Q3 is a gap
        // A delimiter at the end of every line makes an empty, unnamed column: it is not a numeric column to forecast.
        var trailing = Load("date,value,\n2020-01-01,1.5,\n2020-01-02,2.5,\n", new CsvOptions());
        Assert.Equal([1.5, 2.5], trailing.Series[0].Values);
    }

    [Fact]
    public void ADateColumnWithAnotherNameAfterTheValuesIsFound()
    {
        var set = Load("Umsatz;Stichtag\n1,5;2020-01-01\n2,5;2020-01-02\n3;2020-01-03\n", new CsvOptions());
        Assert.Equal(new DateTime(2020, 1, 3), set.Series[0].Dates![2]);
        Assert.Equal([1.5, 2.5, 3], set.Series[0].Values);
        Assert.Contains(set.Notes, n => n.StartsWith("date column: 'Stichtag'", StringComparison.Ordinal));
        // With --column too; and a column of numbers is never taken for dates.
        Assert.NotNull(Load("store,y,Tag\nA,1,2020-01-01\nA,2,2020-01-02\n").Series[0].Dates);
        Assert.Null(Load("y,code\n1,20200101\n2,20200102\n").Series[0].Dates);
        // A first column of dates is the date column, whatever other date columns follow (none of them named like one).
        var two = Load("start,end,v\n2020-01-01,2020-02-01,1\n2020-01-02,2020-02-02,2\n", new CsvOptions { Columns = ["v"] });
        Assert.Equal(new DateTime(2020, 1, 1), two.Series[0].Dates![0]);
        Assert.DoesNotContain(two.Notes, n => n.StartsWith("date column:", StringComparison.Ordinal));
    }

    [Fact]
    public void APandasRowIndexIsNotASeries()
    {
        // DataFrame.to_csv() writes its index first, under an empty name.
        var set = Load(",date,sales\n0,2020-01-01,5\n1,2020-01-02,6\n2,2020-01-03,7\n", new CsvOptions());
        Assert.Equal("sales", Assert.Single(set.Series).Name);
        Assert.Contains(set.Notes, n => n.StartsWith("skipped the row-index column ''", StringComparison.Ordinal));
        var wide = Load("Unnamed: 0,date,a,b\n1,2020-01-01,5,1\n2,2020-01-02,6,2\n3,2020-01-03,7,3\n", new CsvOptions { Columns = ["*"] });
        Assert.Equal(["a", "b"], wide.Series.Select(x => x.Name));
        // A named column of 0, 1, 2 is data, and so is an unnamed one that does not count up.
        Assert.Equal(["n", "sales"], Load("date,n,sales\n2020-01-01,0,5\n2020-01-02,1,6\n", new CsvOptions { Columns = ["*"] }).Series.Select(x => x.Name));
        Assert.Equal(2, Load("date,,sales\n2020-01-01,3,5\n2020-01-02,9,6\n", new CsvOptions { Columns = ["*"] }).Series.Count);
    }

    [Fact]
    public void AnIdWithNoValueIsLeftOutOfALongFile()
    {
        var o = new CsvOptions { Columns = ["v"], SeriesId = "id" };
        var set = Load("id,date,v\nA,2020-01-01,1\nA,2020-01-02,2\nB,2020-01-01,\nB,2020-01-02,NA\n", o);
        Assert.Equal("A", Assert.Single(set.Series).Name);
        Assert.Contains(set.Notes, n => n.Contains("(id 'B')") && n.Contains("no value in any of its 2 rows: left out"));
        var none = Fails<InvalidDataException>("id,date,v\nA,2020-01-01,\nB,2020-01-01,NA\n", o);
        Assert.Contains("has no values in any of the 2 series", none.Message);
    }

    [Fact]
    public void AColumnThatStartsLaterStartsOnItsOwnDate()
    {
        var set = Load("date,a,b\n2020-01-01,1,\n2020-01-02,2,NA\n2020-01-03,3,30\n2020-01-04,4,\n2020-01-05,5,50\n", new CsvOptions { Columns = ["*"] });
        Assert.Equal([1, 2, 3, 4, 5], set["a"].Values);
        var b = set["b"];
        Assert.Equal([30, double.NaN, 50], b.Values);     // the gap inside stays missing
        Assert.Equal(new DateTime(2020, 1, 3), b.Dates![0]);
        Assert.Contains(set.Notes, n => n.Contains("2 leading row(s) without a value of 'b' were dropped (it starts on 2020-01-03)"));
        // The tutorial's CsvSeries keeps them (filled from the first value), as before.
        var kept = Load("date,y\n2020-01-01,\n2020-01-02,2\n", new CsvOptions { Columns = ["y"], KeepLeadingMissing = true });
        Assert.Equal([double.NaN, 2], kept.Series[0].Values);
    }

    [Fact]
    public void LongFilesGroupBySeriesIdAndWideFilesTakeEveryNumericColumn()
    {
        var longSet = Load("symbol,date,price\nA,2020-01-01,1\nB,2020-01-01,10\nA,2020-01-02,2\nB,2020-01-02,20\nB,2020-01-03,30\n",
            new CsvOptions { Columns = ["price"], SeriesId = "symbol" });
        Assert.Equal(["A", "B"], longSet.Series.Select(s => s.Name));
        Assert.Equal([10.0, 20, 30], longSet["B"].Values);
        Assert.Equal("symbol", longSet.SeriesIdColumn);
        var wide = Load("date,a,label,b\n2020-01-01,1,x,3\n2020-01-02,2,y,4\n", new CsvOptions { Columns = ["*"] });
        Assert.Equal(["a", "b"], wide.Series.Select(s => s.Name));
        Assert.Contains(wide.Notes, n => n.Contains("skipped the non-numeric column(s) 'label'"));
        // An empty column is named as empty, not as non-numeric.
        wide = Load("date,a,blank,b,label\n2020-01-01,1,,3,x\n2020-01-02,2,NA,4,y\n", new CsvOptions { Columns = ["*"] });
        Assert.Equal(["a", "b"], wide.Series.Select(s => s.Name));
        Assert.Contains(wide.Notes, n => n.Contains("skipped the empty column(s) 'blank' (no value in any row)"));
        Assert.Contains(wide.Notes, n => n.Contains("skipped the non-numeric column(s) 'label'"));
    }

    [Fact]
    public void ValuesBeyondFloatScalingAreRefusedNamingLineAndColumn()
    {
        var e = Fails<InvalidDataException>("date,y\n2015-01-01,1\n2015-01-02,1e200\n");
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 'y'", e.Message);
        Assert.Contains("'1e200'", e.Message);
        Assert.Contains("Infinity", Fails<InvalidDataException>("date,y\n2015-01-01,Infinity\n").Message);
    }

    [Fact]
    public void HugeCellsNamesAndHeadersGiveBoundedMessages()
    {
        string big = new('7', 50_000_000);
        var cell = Fails<FormatException>($"date,y\n2015-01-01,{big}x\n");
        Assert.True(cell.Message.Length < 400, $"{cell.Message.Length} characters");
        Assert.Contains("(50000001 characters)", cell.Message);

        var quote = Fails<InvalidDataException>($"date,y\n2015-01-01,\"1\"{big}\n");
        Assert.True(quote.Message.Length < 400, $"{quote.Message.Length} characters");

        var name = Fails<ArgumentException>($"date,{big}\n2015-01-01,1\n");
        Assert.True(name.Message.Length < 2000, $"{name.Message.Length} characters");

        var header = new StringBuilder("date");
        for (int i = 0; i < 1_000_000; i++) header.Append(",c").Append(i);
        var wide = Fails<ArgumentException>(header + "\n");
        Assert.True(wide.Message.Length < 2000, $"{wide.Message.Length} characters");
        Assert.Contains("… and 999981 more", wide.Message);
    }

    /// <summary>Without --column the file's only numeric column is the series (a note says so); with several, the
    /// error names them instead of picking one.</summary>
    [Fact]
    public void WithoutAColumnTheOnlyNumericOneIsTaken()
    {
        var one = Load("date,note,sales\n2020-01-01,a,1\n2020-01-02,b,2\n2020-01-03,c,3\n", new CsvOptions());
        Assert.Equal("sales", one.Series[0].Name);
        Assert.Contains(one.Notes, n => n.Contains("'sales'"));
        var longFile = Load("symbol,date,price\nA,2020-01-01,1\nA,2020-01-02,2\nB,2020-01-01,3\nB,2020-01-02,4\n",
            new CsvOptions { SeriesId = "symbol" });
        Assert.Equal(2, longFile.Series.Count);
        var e = Fails<ArgumentException>("date,a,b\n2020-01-01,1,2\n2020-01-02,3,4\n", new CsvOptions());
        Assert.Contains("'a', 'b'", e.Message);
        Assert.Contains("--column", e.Message);
        Assert.Contains("no numeric column", Fails<ArgumentException>("date,a\n2020-01-01,x\n2020-01-02,y\n", new CsvOptions()).Message);
    }
}

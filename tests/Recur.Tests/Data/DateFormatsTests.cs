using Recur.Forecasting;

namespace Recur.Tests.Data;

public class DateFormatsTests
{
    private static (DateTime First, string Format) Detect(bool allowUnix, params string[] cells)
    {
        Assert.True(DateFormats.TryParseColumn(cells, allowUnix, out var dates, out string format), string.Join(" | ", cells));
        Assert.Equal(cells.Length, dates.Length);
        return (dates[0], format);
    }

    [Theory]
    [InlineData("2020-01-31", "ISO 8601", "2020-01-31T00:00:00")]
    [InlineData("2020-01-31T13:45", "ISO 8601", "2020-01-31T13:45:00")]
    [InlineData("2020-01-31T13:45:05", "ISO 8601", "2020-01-31T13:45:05")]
    [InlineData("2020-01-31 13:45:05.250", "ISO 8601", "2020-01-31T13:45:05.25")]
    [InlineData("2020-01-31T13:45:05Z", "ISO 8601", "2020-01-31T13:45:05")]
    [InlineData("2020-01-31T13:45:05+02:00", "ISO 8601", "2020-01-31T13:45:05")] // wall clock kept
    [InlineData("2020-01", "yyyy-MM", "2020-01-01T00:00:00")]
    [InlineData("2020/01/31", "yyyy/MM/dd", "2020-01-31T00:00:00")]
    [InlineData("2010/01/01 23:00", "yyyy/MM/dd", "2010-01-01T23:00:00")]
    [InlineData("20200131", "yyyyMMdd", "2020-01-31T00:00:00")]
    [InlineData("31.01.2020", "dd.MM.yyyy", "2020-01-31T00:00:00")]
    [InlineData("31.01.2020 13:45", "dd.MM.yyyy", "2020-01-31T13:45:00")]
    [InlineData("01/31/2020", "MM/dd/yyyy", "2020-01-31T00:00:00")]
    [InlineData("1/31/2020 1:45 PM", "MM/dd/yyyy", "2020-01-31T13:45:00")]
    [InlineData("31/01/2020", "dd/MM/yyyy", "2020-01-31T00:00:00")]
    [InlineData("31-01-2020", "dd/MM/yyyy", "2020-01-31T00:00:00")]
    [InlineData("31 Jan 2020", "d MMM yyyy", "2020-01-31T00:00:00")]
    [InlineData("2020-01-31 13:45:05 UTC", "ISO 8601", "2020-01-31T13:45:05")]      // BigQuery
    [InlineData("2020-01-31 13:45:05+00", "ISO 8601", "2020-01-31T13:45:05")]       // PostgreSQL
    [InlineData("2020-01-31 13:45:05.5+01", "ISO 8601", "2020-01-31T13:45:05.5")]
    [InlineData("20200131T134505", "yyyyMMdd", "2020-01-31T13:45:05")]              // ISO basic
    [InlineData("20200131 1345", "yyyyMMdd", "2020-01-31T13:45:00")]
    [InlineData("2020.01.31", "yyyy.MM.dd", "2020-01-31T00:00:00")]
    [InlineData("31 January 2020", "d MMM yyyy", "2020-01-31T00:00:00")]
    [InlineData("Fri, 31 Jan 2020", "d MMM yyyy", "2020-01-31T00:00:00")]
    [InlineData("Fri, 31 Jan 2020 13:45:05 GMT", "d MMM yyyy", "2020-01-31T13:45:05")] // RFC 1123
    [InlineData("January 31, 2020", "MMM d yyyy", "2020-01-31T00:00:00")]
    [InlineData("Friday, January 31, 2020", "MMM d yyyy", "2020-01-31T00:00:00")]
    public void DetectsCommonFormats(string cell, string format, string expected)
    {
        var (first, found) = Detect(false, cell);
        Assert.Equal(format, found);
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), first);
    }

    [Fact]
    public void AWeekdayThatDisagreesWithTheDateIsNotADate()
    {
        Assert.False(DateFormats.TryParseColumn(["Thu, 31 Jan 2020"], false, out _, out _));
        Assert.False(DateFormats.TryParseColumn(["Thursday, January 31, 2020"], false, out _, out _));
    }

    [Fact]
    public void HoursOnlyOffsetsThatChangeMeanUtc()
    {
        // PostgreSQL's local time across the October change, offsets written as +02/+01.
        Assert.True(DateFormats.TryParseColumn(["2021-10-31 01:00:00+02", "2021-10-31 02:00:00+02", "2021-10-31 02:00:00+01"], false, out var dates, out string format));
        Assert.Contains("UTC", format);
        Assert.Equal([new DateTime(2021, 10, 30, 23, 0, 0), new DateTime(2021, 10, 31, 0, 0, 0), new DateTime(2021, 10, 31, 1, 0, 0)], dates);
    }

    [Fact]
    public void DayFirstWhenAnyFirstPartExceedsTwelve()
    {
        var (first, format) = Detect(false, "05/01/2020", "13/01/2020");
        Assert.Equal("dd/MM/yyyy", format);
        Assert.Equal(new DateTime(2020, 1, 5), first);
    }

    [Fact]
    public void MonthFirstWhenAnySecondPartExceedsTwelve()
    {
        var (first, format) = Detect(false, "01/05/2020", "01/13/2020");
        Assert.Equal("MM/dd/yyyy", format);
        Assert.Equal(new DateTime(2020, 1, 5), first);
    }

    [Fact]
    public void AmbiguousSlashDatesAreResolvedByOrder()
    {
        // Daily rows across a month boundary: only day-first keeps them in order.
        var (first, format) = Detect(false, "11/01/2020", "12/01/2020", "01/02/2020", "02/02/2020");
        Assert.Equal("dd/MM/yyyy", format);
        Assert.Equal(new DateTime(2020, 1, 11), first);
        // Both orders sorted (or neither): month-first.
        Assert.Equal("MM/dd/yyyy", Detect(false, "01/02/2020", "01/03/2020").Format);
    }

    [Fact]
    public void OneFormatPerFile()
    {
        Assert.False(DateFormats.TryParseColumn(["2020-01-31", "31.01.2020"], false, out _, out _));
        Assert.False(DateFormats.TryParseColumn(["2020-01-31", ""], false, out _, out _));
        Assert.False(DateFormats.TryParseColumn(["13/13/2020"], false, out _, out _));
    }

    [Fact]
    public void UnixTimeOnlyWhenAllowed()
    {
        Assert.False(DateFormats.TryParseColumn(["1600000000", "1600003600"], false, out _, out _));
        var (first, format) = Detect(true, "1600000000", "1600003600");
        Assert.Equal("Unix seconds", format);
        Assert.Equal(new DateTime(2020, 9, 13, 12, 26, 40), first);
        Assert.Equal("Unix milliseconds", Detect(true, "1600000000000").Format);
    }

    [Theory]
    [InlineData("1990Q1", "1990Q2", "1991Q4")]
    [InlineData("1990-Q1", "1990-Q2", "1991-Q4")]
    [InlineData("1990 q1", "1990 q2", "1991 q4")]
    [InlineData("Q1 1990", "Q2 1990", "Q4 1991")]
    [InlineData("Q1-1990", "Q2-1990", "Q4-1991")]
    public void QuartersAreTheirFirstDay(string a, string b, string c)
    {
        Assert.True(DateFormats.TryParseColumn([a, b, c], false, out var dates, out string format));
        Assert.Equal("yyyy-Qq", format);
        Assert.Equal([new DateTime(1990, 1, 1), new DateTime(1990, 4, 1), new DateTime(1991, 10, 1)], dates);
        Assert.False(DateFormats.TryParseColumn(["1990Q5"], false, out _, out _));
        Assert.False(DateFormats.TryParseColumn(["1990Q1", "Q"], false, out _, out _));
    }

    [Theory]
    [InlineData("Jan 1990", "Feb 1990", "Dec 1991")]
    [InlineData("January 1990", "February 1990", "December 1991")]
    [InlineData("Jan-1990", "Feb-1990", "Dec-1991")]
    [InlineData("1990-Jan", "1990-Feb", "1991-Dec")]
    [InlineData("1990 January", "1990 February", "1991 December")]
    public void MonthsByNameAreTheirFirstDay(string a, string b, string c)
    {
        Assert.True(DateFormats.TryParseColumn([a, b, c], false, out var dates, out string format));
        Assert.Equal("MMM yyyy", format);
        Assert.Equal([new DateTime(1990, 1, 1), new DateTime(1990, 2, 1), new DateTime(1991, 12, 1)], dates);
        // With a two-digit year the month's first day too, 1950–2049, noted in the format's name.
        Assert.True(DateFormats.TryParseColumn(["Nov-99", "Dec-99", "Jan-00"], false, out var shortYears, out string shortFormat));
        Assert.Equal([new DateTime(1999, 11, 1), new DateTime(1999, 12, 1), new DateTime(2000, 1, 1)], shortYears);
        Assert.True(DateFormats.HasTwoDigitYears(shortFormat));
        Assert.False(DateFormats.TryParseColumn(["Foo 1990"], false, out _, out _));
    }

    [Theory]
    [InlineData("01/1990", "02/1990", "12/1991", "MM/yyyy")]
    [InlineData("1/1990", "2/1990", "12/1991", "MM/yyyy")]
    [InlineData("1990M01", "1990M02", "1991M12", "yyyy'M'MM")]
    [InlineData("1990m1", "1990-M2", "1991M12", "yyyy'M'MM")]
    public void MonthsAsNumbersAreTheirFirstDay(string a, string b, string c, string format)
    {
        Assert.True(DateFormats.TryParseColumn([a, b, c], false, out var dates, out string found));
        Assert.Equal(format, found);
        Assert.Equal([new DateTime(1990, 1, 1), new DateTime(1990, 2, 1), new DateTime(1991, 12, 1)], dates);
        Assert.False(DateFormats.TryParseColumn(["13/1990"], false, out _, out _));
        Assert.False(DateFormats.TryParseColumn(["1990M13"], false, out _, out _));
        Assert.False(DateFormats.TryParseColumn(["1990M"], false, out _, out _));
    }

    [Theory]
    [InlineData("1/31/20", "2/1/20", "MM/dd/yy")]
    [InlineData("31/01/20", "01/02/20", "dd/MM/yy")]
    [InlineData("31.01.20", "01.02.20", "dd/MM/yy")]   // German spreadsheets' short date
    [InlineData("31-Jan-20", "01-Feb-20", "d-MMM-yy")]
    [InlineData("31 Jan 20", "1 Feb 20", "d-MMM-yy")]
    public void TwoDigitYearsWithADayAreReadAsNineteenFiftyToTwentyFortyNine(string a, string b, string format)
    {
        Assert.True(DateFormats.TryParseColumn([a, b], false, out var dates, out string found));
        Assert.StartsWith(format + " (two-digit years as 1950-2049)", found);
        Assert.Equal([new DateTime(2020, 1, 31), new DateTime(2020, 2, 1)], dates);
        Assert.True(DateFormats.TryParseColumn(["01-Jan-49", "01-Jan-50", "31-Dec-99"], false, out dates, out _));
        Assert.Equal([2049, 1950, 1999], dates.Select(d => d.Year));
        // A four-digit year is read as written, never through the two-digit family.
        Assert.Equal("MM/dd/yyyy", Detect(false, "1/31/2020").Format);
        // Ambiguous (no day above 12): the order decides, as for four-digit years.
        Assert.Equal("dd/MM/yy (two-digit years as 1950-2049)", Detect(false, "11/01/20", "12/01/20", "01/02/20").Format);
    }

    [Fact]
    public void DayFirstFlagReadsTwoDigitYearsDayFirst()
    {
        Assert.True(DateFormats.TryParseColumn(["01/02/20", "01/03/20"], false, out var dates, out _, dayFirst: true));
        Assert.Equal(new DateTime(2020, 2, 1), dates[0]);
    }

    [Fact]
    public void IsoWeeksAreTheirMonday()
    {
        Assert.True(DateFormats.TryParseColumn(["2018-W01", "2018-W52", "2019w01", "2020-W53"], false, out var dates, out string format));
        Assert.Equal("yyyy-Www", format);
        // ISO week 1 of 2018 starts on Monday 1 January; 2019's on Monday 31 December 2018; 2020 has 53 weeks.
        Assert.Equal([new DateTime(2018, 1, 1), new DateTime(2018, 12, 24), new DateTime(2018, 12, 31), new DateTime(2020, 12, 28)], dates);
        Assert.False(DateFormats.TryParseColumn(["2019-W53"], false, out _, out _)); // 2019 has 52 weeks
        Assert.False(DateFormats.TryParseColumn(["2019-W00"], false, out _, out _));
    }

    [Fact]
    public void OffsetsThatChangeMeanUtc()
    {
        // Central European local time across the October change: 02:00 comes twice on the wall clock.
        string[] dst = ["2021-10-31T01:00+02:00", "2021-10-31T02:00+02:00", "2021-10-31T02:00+01:00", "2021-10-31T03:00+01:00"];
        Assert.True(DateFormats.TryParseColumn(dst, false, out var dates, out string format));
        Assert.Contains("UTC", format);
        Assert.Equal([new DateTime(2021, 10, 30, 23, 0, 0), new DateTime(2021, 10, 31, 0, 0, 0), new DateTime(2021, 10, 31, 1, 0, 0),
                      new DateTime(2021, 10, 31, 2, 0, 0)], dates);
        // One offset throughout: the wall-clock time, as written.
        Assert.True(DateFormats.TryParseColumn(["2021-07-01T01:00+02:00", "2021-07-01T02:00+02:00"], false, out dates, out format));
        Assert.Equal(new DateTime(2021, 7, 1, 1, 0, 0), dates[0]);
        Assert.DoesNotContain("UTC", format);
    }

    [Fact]
    public void SpreadsheetSerialDaysInADateNamedColumn()
    {
        // 43831 is 2020-01-01 in Excel and LibreOffice; .5 is noon. As Unix seconds they would be 1970-01-01 12:10.
        var (first, format) = Detect(true, "43831", "43832");
        Assert.Equal("spreadsheet serial days", format);
        Assert.Equal(new DateTime(2020, 1, 1), first);
        Assert.Equal(new DateTime(2020, 1, 1, 12, 0, 0), Detect(true, "43831.5").First);
        Assert.False(DateFormats.TryParseColumn(["43831", "43832"], false, out _, out _));
        Assert.Equal("Unix seconds", Detect(true, "5", "6").Format); // below the serial range: still seconds
    }

    [Fact]
    public void MonthlyDatesExtrapolateInWholeMonths()
    {
        var dates = new DateColumn("d", "yyyy-MM", [new(2020, 11, 1), new(2020, 12, 1), new(2021, 1, 1)]);
        Assert.Equal([new DateTime(2021, 2, 1), new DateTime(2021, 3, 1)], dates.Next(2));
    }

    [Fact]
    public void MedianStepIgnoresAFewGaps()
    {
        var dates = new DateColumn("d", "ISO 8601",
            [new(2020, 1, 1, 0, 0, 0), new(2020, 1, 1, 1, 0, 0), new(2020, 1, 1, 5, 0, 0), new(2020, 1, 1, 6, 0, 0)]);
        Assert.Equal(TimeSpan.FromHours(1), dates.MedianStep());
        Assert.Equal([new DateTime(2020, 1, 1, 7, 0, 0)], dates.Next(1));
        Assert.Throws<InvalidOperationException>(() => new DateColumn("d", "x", [new(2020, 1, 1)]).Next(1));
    }
}

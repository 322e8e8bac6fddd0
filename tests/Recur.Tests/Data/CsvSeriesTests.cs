using Recur.Forecasting;

namespace Recur.Tests.Data;

public class CsvSeriesTests
{
    [Fact]
    public void FillsMissingCellsPerColumnAndCountsThem()
    {
        var s = CsvSeries.Load(DataFiles.Fixture("gaps.csv"), "temp", ["humidity"]);
        Assert.Equal(6, s.Length);
        Assert.Equal([2, 2, 4, 6, 8, 8], s.Target.Values);
        Assert.Equal(4, s.Target.MissingFilled);
        var humidity = Assert.Single(s.Features);
        Assert.Equal("humidity", humidity.Name);
        Assert.Equal([40, 42, 44, 46, 48, 50], humidity.Values);
        Assert.Equal(3, humidity.MissingFilled);
        Assert.NotNull(s.Dates);
        Assert.Equal("Date", s.Dates.Name);
        Assert.Equal(new DateTime(2021, 3, 6), s.Dates.Values[^1]);
    }

    [Fact]
    public void ReadsTheDailyWeatherFile()
    {
        var s = CsvSeries.Load(DataFiles.SeattleWeather, "temp_max", ["temp_min", "wind"]);
        Assert.Equal(1461, s.Length);
        Assert.Equal(0, s.Target.MissingFilled);
        Assert.Equal(12.8, s.Target.Values[0]);
        Assert.Equal(5.0, s.Features[0].Values[0]);
        Assert.Equal(4.7, s.Features[1].Values[0]);
        Assert.Equal("yyyy/MM/dd", s.Dates!.Format);
        Assert.Equal(new DateTime(2012, 1, 1), s.Dates.Values[0]);
        Assert.Equal(new DateTime(2015, 12, 31), s.Dates.Values[^1]);
        Assert.Equal(TimeSpan.FromDays(1), s.Dates.MedianStep());
        Assert.Equal([new DateTime(2016, 1, 1), new DateTime(2016, 1, 2)], s.Dates.Next(2));
    }

    [Fact]
    public void ReadsTheHourlyTempsFile()
    {
        var s = CsvSeries.Load(DataFiles.SeattleTemps, "temp");
        Assert.Equal(8760, s.Length); // 8759 rows and one missing hour, inserted as a missing value
        Assert.Equal(1, s.Target.MissingFilled);
        Assert.Equal(39.4, s.Target.Values[0]);
        Assert.Equal(39.6, s.Target.Values[^1]);
        Assert.Empty(s.Features);
        Assert.Equal(new DateTime(2010, 1, 1, 0, 0, 0), s.Dates!.Values[0]);
        Assert.Equal(TimeSpan.FromHours(1), s.Dates.MedianStep());
    }

    [Fact]
    public void ColumnNamesMatchCaseInsensitivelyWhenUnambiguous()
    {
        var s = CsvSeries.Load(DataFiles.SeattleWeather, "TEMP_MAX");
        Assert.Equal("temp_max", s.Target.Name);
    }

    [Fact]
    public void NumbersUseTheInvariantCulture()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("n.csv", "v\n1e3\n-2.5\n+.5\n");
        Assert.Equal([1000, -2.5, 0.5], CsvSeries.Load(path, "v").Target.Values);
        string semicolon = dir.Write("semicolon.csv", "d;v\n2020-01-01;1,5\n");
        Assert.Equal([1.5], CsvSeries.Load(semicolon, "v").Target.Values); // ';' with decimal commas: detected
        string comma = dir.Write("comma.csv", "d,v\n2020-01-01,\"1,5\"\n");
        var ex = Assert.Throws<FormatException>(() => CsvSeries.Load(comma, "v"));
        Assert.Equal($"{comma}: line 2, column 'v': '1,5' is not a number (decimal commas? use --decimal ',')", ex.Message);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        string path = DataFiles.Fixture("no-such-file.csv");
        var ex = Assert.Throws<FileNotFoundException>(() => CsvSeries.Load(path, "temp"));
        Assert.Equal(path, ex.FileName);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void UnknownColumnListsTheAvailableOnes()
    {
        string path = DataFiles.SeattleWeather;
        var ex = Assert.Throws<ArgumentException>(() => CsvSeries.Load(path, "tmax"));
        Assert.Equal($"{path}: no column 'tmax'; available columns: 'date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'", ex.Message);
        Assert.Throws<ArgumentException>(() => CsvSeries.Load(path, "temp_max", ["nope"]));
    }

    [Fact]
    public void ColumnAskedForTwiceIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsvSeries.Load(DataFiles.SeattleWeather, "temp_max", ["temp_max"]));
        Assert.Contains("asked for twice", ex.Message);
    }

    [Fact]
    public void NonNumericCellNamesLineColumnAndText()
    {
        string path = DataFiles.Fixture("bad_number.csv");
        var ex = Assert.Throws<FormatException>(() => CsvSeries.Load(path, "temp"));
        Assert.Equal($"{path}: line 4, column 'temp': 'warm' is not a number", ex.Message);
    }

    [Fact]
    public void InfinityIsNotANumberHere()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("inf.csv", "v\n1\nInfinity\n");
        var ex = Assert.Throws<InvalidDataException>(() => CsvSeries.Load(path, "v")); // refused before training
        Assert.Contains("line 3", ex.Message);
    }

    [Fact]
    public void AllMissingColumnIsInvalid()
    {
        string path = DataFiles.Fixture("all_missing.csv");
        var ex = Assert.Throws<InvalidDataException>(() => CsvSeries.Load(path, "temp"));
        Assert.Equal($"{path}: column 'temp' has no values: all 3 cells are missing", ex.Message);
    }

    [Fact]
    public void RaggedRowNamesItsLine()
    {
        string path = DataFiles.Fixture("ragged.csv");
        var ex = Assert.Throws<InvalidDataException>(() => CsvSeries.Load(path, "temp"));
        Assert.Equal($"{path}: line 3 has 2 fields, the header has 3", ex.Message);
    }

    [Fact]
    public void EmptyFileAndHeaderOnlyAreInvalid()
    {
        string empty = DataFiles.Fixture("empty.csv");
        var ex = Assert.Throws<InvalidDataException>(() => CsvSeries.Load(empty, "temp"));
        Assert.Equal($"{empty}: the file is empty (no header row)", ex.Message);
        string headerOnly = DataFiles.Fixture("header_only.csv");
        ex = Assert.Throws<InvalidDataException>(() => CsvSeries.Load(headerOnly, "temp"));
        Assert.Equal($"{headerOnly}: no data rows after the header", ex.Message);
    }

    [Fact]
    public void FirstColumnIsTakenAsDatesOnlyWhenItParses()
    {
        using var dir = new TempDirectory();
        var dated = CsvSeries.Load(dir.Write("a.csv", "when,v\n31.12.2020,1\n01.01.2021,2\n"), "v");
        Assert.Equal("when", dated.Dates!.Name);
        Assert.Equal("dd.MM.yyyy", dated.Dates.Format);
        Assert.Equal(new DateTime(2021, 1, 1), dated.Dates.Values[1]);

        var undated = CsvSeries.Load(dir.Write("b.csv", "id,v\nx,1\ny,2\n"), "v");
        Assert.Null(undated.Dates);
    }

    [Fact]
    public void NamedDateColumnThatDoesNotParseIsAFormatError()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("a.csv", "stamp,v\nmonday,1\ntuesday,2\n");
        var ex = Assert.Throws<FormatException>(() => CsvSeries.Load(path, "v", dateColumn: "stamp"));
        Assert.Contains("'stamp'", ex.Message);
        Assert.Null(CsvSeries.Load(path, "v").Dates); // found automatically, a failure only drops the dates
    }

    [Fact]
    public void UnsortedDatesAreAnErrorAndNewestFirstIsReversed()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<InvalidDataException>(() => CsvSeries.Load(dir.Write("a.csv", "date,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n"), "v"));
        Assert.Contains("not in time order", ex.Message);
        var s = CsvSeries.Load(dir.Write("b.csv", "date,v\n2020-01-03,3\n2020-01-02,2\n2020-01-01,1\n"), "v");
        Assert.Equal([1, 2, 3], s.Target.Values);
        Assert.Equal(new DateTime(2020, 1, 1), s.Dates!.Values[0]);
    }
}

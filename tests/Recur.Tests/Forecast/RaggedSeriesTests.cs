using System.Globalization;
using System.Text;
using Recur.Forecasting;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>Long files whose ids differ in length: a new id does not shrink every series' sizes, and predict skips ids it does not know.</summary>
public class RaggedSeriesTests
{
    // A long file: ids A and B with `rows` daily rows, C with only `shortRows` (it starts late, ends on the same date).
    private static string LongFile(int rows, int shortRows)
    {
        var csv = new StringBuilder("store,date,sales\n");
        foreach (var (id, n) in new[] { ("A", rows), ("B", rows), ("C", shortRows) })
            for (int i = rows - n; i < rows; i++)
                csv.Append(CultureInfo.InvariantCulture, $"{id},{new DateTime(2020, 1, 1).AddDays(i):yyyy-MM-dd},{10 + 3 * Math.Sin(2 * Math.PI * i / 7) + (id == "B" ? 5 : 0) + 0.1 * (i % 3):0.###}\n");
        return csv.ToString();
    }

    private static readonly ForecastOptions Tiny = new() { Hidden = 3, Training = new TrainingOptions { Epochs = 1 } };

    [Fact]
    public void LessThanOneSeasonOfTrainingRowsFallsBackToTheDetectedSeason()
    {
        // A year of weekly data: 42 training rows, fewer than the weekly season of 52 (it was an error asking for --season).
        using var dir = new TempDirectory();
        var csv = new StringBuilder("date,sales\n");
        for (int i = 0; i < 60; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{new DateTime(2020, 1, 5).AddDays(7 * i):yyyy-MM-dd},{100 + 10 * Math.Sin(2 * Math.PI * i / 52) + (i % 4):0.###}\n");
        var data = SeriesSet.Load(dir.Write("weekly.csv", csv.ToString()), new CsvOptions { Columns = ["sales"] });
        var fit = Forecaster.Fit(data, Tiny);
        Assert.True(fit.Model.Spec.Season < 42, $"season {fit.Model.Spec.Season}");
        Assert.Contains(fit.Notes, n => n.Contains("weekly data, but the 42 rows before validation are fewer than its season of 52"));
        // Asked for, the season stands, and so does the error.
        var asked = Assert.Throws<InvalidDataException>(() => Forecaster.Fit(data, Tiny with { Season = 52 }));
        Assert.Contains("season 52 is longer than the 42 rows", asked.Message);
    }

    [Fact]
    public void ATooShortIdIsLeftOutWithANoteInsteadOfShrinkingEverySeries()
    {
        using var dir = new TempDirectory();
        var data = SeriesSet.Load(dir.Write("long.csv", LongFile(150, 12)), new CsvOptions { Columns = ["sales"], SeriesId = "store" });
        var fit = Forecaster.Fit(data, Tiny);
        // The daily defaults the 150-row series allow (horizon 7, lookback 30), not the 12-row id's (horizon 1, lookback 2).
        Assert.Equal(7, fit.Model.Spec.Horizon);
        Assert.Equal(30, fit.Model.Spec.Lookback);
        Assert.Equal(["A", "B"], fit.Model.Spec.Series.Select(s => s.Name));
        Assert.Contains(fit.Notes, n => n.StartsWith("left out 1 series too short", StringComparison.Ordinal) && n.Contains("'C (12 rows)'"));
        Assert.Equal(["A", "B"], fit.Evaluation.Series.Select(s => s.Name));
    }

    [Fact]
    public void AnIdThatEndsBeforeTheTestStartIsLeftOutWithANote()
    {
        using var dir = new TempDirectory();
        // C stops 100 days before the others (a delisted stock): with --test-start after its last date it has no test part.
        var csv = new StringBuilder("sym,date,px\n");
        foreach (var (id, n) in new[] { ("A", 300), ("B", 300), ("C", 200) })
            for (int i = 0; i < n; i++)
                csv.Append(CultureInfo.InvariantCulture, $"{id},{new DateTime(2010, 1, 1).AddDays(i):yyyy-MM-dd},{100 + 10 * Math.Sin(2 * Math.PI * i / 7) + i % 3:0.###}\n");
        var data = SeriesSet.Load(dir.Write("delisted.csv", csv.ToString()), new CsvOptions { Columns = ["px"], SeriesId = "sym" });
        var fit = Forecaster.Fit(data, Tiny with { TestStart = new DateTime(2010, 9, 1) });
        Assert.Equal(["A", "B"], fit.Model.Spec.Series.Select(s => s.Name));
        Assert.Contains(fit.Notes, n => n.Contains("left out 1 series that end before --test-start 2010-09-01 or start on or after it: 'C (last date 2010-07-19)'"));

        // D is listed only after the test start: nothing to train on, left out the same way.
        for (int i = 260; i < 300; i++)
            csv.Append(CultureInfo.InvariantCulture, $"D,{new DateTime(2010, 1, 1).AddDays(i):yyyy-MM-dd},{50 + i % 5}\n");
        data = SeriesSet.Load(dir.Write("listed.csv", csv.ToString()), new CsvOptions { Columns = ["px"], SeriesId = "sym" });
        fit = Forecaster.Fit(data, Tiny with { TestStart = new DateTime(2010, 9, 1) });
        Assert.Equal(["A", "B"], fit.Model.Spec.Series.Select(s => s.Name));
        Assert.Contains(fit.Notes, n => n.Contains("left out 2 series") && n.Contains("'D (first date 2010-09-18)'"));
    }

    [Fact]
    public void SeriesOfOneLengthAndASingleShortSeriesBehaveAsBefore()
    {
        using var dir = new TempDirectory();
        // Every id long enough: nothing left out.
        var even = SeriesSet.Load(dir.Write("even.csv", LongFile(150, 150)), new CsvOptions { Columns = ["sales"], SeriesId = "store" });
        var fit = Forecaster.Fit(even, Tiny);
        Assert.Equal(3, fit.Model.Spec.Series.Length);
        Assert.DoesNotContain(fit.Notes, n => n.StartsWith("left out", StringComparison.Ordinal));
        // One series too short for the sizes asked: the fit's error, naming it (nothing to fall back on).
        var single = SeriesSet.Load(dir.Write("short.csv", "date,y\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"2020-01-{i + 1:00},{i % 7}\n"))),
            new CsvOptions { Columns = ["y"] });
        var e = Assert.Throws<InvalidDataException>(() => Forecaster.Fit(single, Tiny with { Lookback = 30, Horizon = 7 }));
        Assert.Contains("rows are too few for lookback 30 and horizon 7", e.Message);
    }

    [Fact]
    public void PredictForecastsTheKnownIdsAndSaysWhichItSkipped()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("long.csv", LongFile(150, 12)), model = Path.Combine(dir.Path, "m.safetensors");
        var fit = CliRunner.Run("forecast", "--csv", csv, "--series-id", "store", "--column", "sales", "--hidden", "3", "--epochs", "1",
            "--plot", Path.Combine(dir.Path, "p.png"), "--save", model);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Contains("left out 1 series too short", fit.Stdout);
        // A global model also draws its series side by side, beside the main figure.
        string overview = Path.Combine(dir.Path, "p-series.png");
        Assert.Contains($"series plot: {overview}", fit.Stdout);
        Assert.True(new FileInfo(overview).Length > 1000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(overview)[..4]);
        var predict = CliRunner.Run("predict", "--model", model, "--csv", csv);
        Assert.True(predict.ExitCode == 0, predict.Stderr + predict.Stdout);
        Assert.Contains("skipped 1 series the model was not trained on: 'C'", predict.Stdout);
        Assert.Contains("A: 150 rows", predict.Stdout);
        Assert.Contains("B: 150 rows", predict.Stdout);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Recur.Forecasting;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>Intervals, many series, known-future inputs, transforms, backtests, the predictions file and predict's options; tiny models.</summary>
public class ForecastFeatureTests
{
    private static readonly TrainingOptions OneEpoch = new() { Epochs = 1 };

    /// <summary>Monthly rows for <paramref name="series"/> related series (shared season, own level), 2000-01 on.</summary>
    private static string WideMonthly(int rows, int series, int seed = 3)
    {
        var rng = new Random(seed);
        var csv = new StringBuilder("date," + string.Join(",", Enumerable.Range(0, series).Select(k => $"s{k}")) + "\n");
        for (int i = 0; i < rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{new DateTime(2000, 1, 1).AddMonths(i):yyyy-MM-dd}");
            for (int k = 0; k < series; k++)
                csv.Append(CultureInfo.InvariantCulture, $",{(10 + 5 * k) * (1 + 0.3 * Math.Sin(2 * Math.PI * i / 12)) + rng.NextDouble():0.###}");
            csv.Append('\n');
        }
        return csv.ToString();
    }

    [Fact]
    public void AGlobalModelForecastsEverySeriesWithMonotoneQuantilesAndPredictsAnyOfThem()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("wide.csv", WideMonthly(96, 3));
        var data = SeriesSet.Load(csv, new CsvOptions { Columns = ["*"] });
        var fit = Forecaster.Fit(data, new ForecastOptions { Hidden = 4, Training = OneEpoch, Quantiles = [0.9, 0.1, 0.5] });
        var ev = fit.Evaluation;
        Assert.Equal(["s0", "s1", "s2"], ev.Series.Select(s => s.Name));
        Assert.Equal([0.1, 0.5, 0.9], ev.Levels);
        Assert.Equal(12, fit.Model.Spec.Season);
        Assert.Single(ev.Series.Select(s => s.Method).Distinct()); // one method for all series of a global model
        foreach (var s in ev.Series)
        {
            Assert.True(double.IsFinite(s.Model.Mase) && s.Model.Mase > 0);
            for (int i = 0; i < s.Forecast.Point.Length; i++)
                Assert.True(s.Forecast.Quantiles[0][i] <= s.Forecast.Quantiles[1][i] && s.Forecast.Quantiles[1][i] <= s.Forecast.Quantiles[2][i]);
            Assert.InRange(s.ModelQuantiles!.Coverage[0.1], 0, 1);
            Assert.Equal(5, s.Baselines.Count);
        }
        Assert.Equal(ev.Series.Average(s => s.Model.Mase), ev.MeanMase, 12);

        string path = Path.Combine(dir.Path, "m.safetensors");
        fit.Model.Save(path);
        var loaded = Forecaster.Load(path);
        var again = loaded.Evaluate(data, s => fit.Splits[s.Name]);
        Assert.Equal(ev.Series[1].Forecast.Point, again.Series[1].Forecast.Point, (a, b) => Math.Abs(a - b) < 1e-9);
        var predictions = loaded.Predict(SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded)), horizon: 2, quantiles: [0.9]);
        Assert.Equal(3, predictions.Count);
        Assert.All(predictions, p => Assert.Equal(2, p.Values.Length));
        Assert.Equal(new DateTime(2008, 1, 1), predictions[0].Dates![0]);
        Assert.Throws<ArgumentException>(() => loaded.Predict(data, horizon: fit.Model.Spec.Horizon + 1));
        Assert.Throws<ArgumentException>(() => loaded.Predict(data, quantiles: [0.25]));
    }

    [Fact]
    public void ThePredictionsFileHoldsEveryTestForecastWithTheDocumentedHeader()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(150));
        string predictions = Path.Combine(dir.Path, "p.csv");
        var run = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--lookback", "14", "--horizon", "3", "--season", "7", "--hidden", "4",
            "--epochs", "1", "--plot", Path.Combine(dir.Path, "p.png"), "--predictions", predictions, "--backtest", "2", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        Assert.Contains("backtest fold 2/2", run.Stdout);
        var lines = File.ReadAllLines(predictions);
        Assert.Equal("series,origin,step,date,actual,point,q0.1,q0.5,q0.9", lines[0]);
        using var json = JsonDocument.Parse(run.LastLine);
        int origins = json.RootElement.GetProperty("origins").GetInt32();
        Assert.Equal(origins * 3, lines.Length - 1);
        var first = lines[1].Split(',');
        Assert.Equal("y", first[0]);
        int origin = int.Parse(first[1], CultureInfo.InvariantCulture);
        Assert.Equal(new DateTime(2020, 1, 1).AddDays(origin).ToString("yyyy-MM-dd"), first[3]);
        Assert.Equal("1", first[2]);
        // Missing actual values are left empty (every 17th cell of the synthetic series is empty).
        Assert.Contains(lines.Skip(1), l => l.Split(',')[4] == "");
        // The file's errors are the reported ones.
        double mae = lines.Skip(1).Select(l => l.Split(',')).Where(c => c[4] != "")
            .Average(c => Math.Abs(double.Parse(c[5], CultureInfo.InvariantCulture) - double.Parse(c[4], CultureInfo.InvariantCulture)));
        Assert.Equal(json.RootElement.GetProperty("model").GetProperty("mae").GetDouble(), mae, 9);
    }

    [Fact]
    public void ARunThatCannotScaleItsValuesFailsBeforeTrainingAndWritesNoModel()
    {
        using var dir = new TempDirectory();
        var lines = SyntheticSeries.Daily(120).Split('\n');
        lines[50] = lines[50].Split(',')[0] + ",1e200," + lines[50].Split(',')[2];
        string csv = dir.Write("s.csv", string.Join('\n', lines));
        string model = Path.Combine(dir.Path, "m.safetensors");
        var run = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--epochs", "1", "--plot", Path.Combine(dir.Path, "p.png"), "--save", model);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("line 51", run.Stderr);
        Assert.Contains("'1e200'", run.Stderr);
        Assert.DoesNotContain("epoch", run.Stdout);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void KnownFutureInputsAreReadAtTheForecastStepsAndPredictAsksForThem()
    {
        using var dir = new TempDirectory();
        var rng = new Random(5);
        var text = new StringBuilder("date,y,promo\n");
        for (int i = 0; i < 200; i++)
        {
            int promo = rng.Next(4) == 0 ? 1 : 0;
            text.Append(CultureInfo.InvariantCulture, $"{new DateTime(2021, 1, 1).AddDays(i):yyyy-MM-dd},{20 + 6 * promo + rng.NextDouble():0.###},{promo}\n");
        }
        string csv = dir.Write("promo.csv", text.ToString());
        var data = SeriesSet.Load(csv, new CsvOptions { Columns = ["y"], KnownFuture = ["promo"] });
        var fit = Forecaster.Fit(data, new ForecastOptions { Lookback = 14, Horizon = 3, Season = 7, Hidden = 4, Calendar = [], Training = OneEpoch });
        var spec = fit.Model.Spec;
        Assert.Equal(["promo"], spec.KnownFuture);
        Assert.Equal(14 + 3, spec.WindowWidth);
        // The least-squares highway learns the promotion effect from the future inputs: the network beats persistence here.
        Assert.True(fit.Evaluation.Series[0].Model.Mae < fit.Evaluation.Series[0].Baselines["persistence"].Mae);

        string model = Path.Combine(dir.Path, "m.safetensors");
        fit.Model.Save(model);
        var noFuture = CliRunner.Run("predict", "--model", model, "--csv", csv);
        if (spec.Series[0].Method is "network" or "network+holt-winters" or "ensemble")
        {
            Assert.Equal(2, noFuture.ExitCode);
            Assert.Contains("known-future column 'promo'", noFuture.Stderr);
        }
        string future = dir.Write("future.csv", text + "2021-07-20,,1\n2021-07-21,,0\n2021-07-22,,0\n");
        var ok = CliRunner.Run("predict", "--model", model, "--csv", future, "--horizon", "2", "--quantiles", "0.1,0.9", "--json");
        Assert.True(ok.ExitCode == 0, ok.Stderr + ok.Stdout);
        using var json = JsonDocument.Parse(ok.LastLine);
        Assert.Equal(2, json.RootElement.GetProperty("horizon").GetInt32());
        Assert.Equal(["2021-07-20", "2021-07-21"], json.RootElement.GetProperty("dates").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void TransformsAreFittedOnTheTrainingPartAndForecastsComeBackInTheSeriesUnits()
    {
        var y = Enumerable.Range(0, 160).Select(i => Math.Exp(2 + 0.01 * i) * (1 + 0.2 * Math.Sin(2 * Math.PI * i / 12))).ToArray();
        var dates = Enumerable.Range(0, 160).Select(i => new DateTime(2000, 1, 1).AddMonths(i)).ToArray();
        var data = SeriesSet.FromValues("y", y, dates);
        foreach (var transform in new[] { "log", "boxcox", "auto" })
        {
            var fit = Forecaster.Fit(data, new ForecastOptions { Hidden = 4, Training = new TrainingOptions { Epochs = 0 }, Transform = transform });
            var s = fit.Evaluation.Series[0];
            if (transform != "auto") Assert.Equal(transform, fit.Model.Spec.Series[0].Transform.Kind);
            Assert.True(s.Model.Mase < 2, $"{transform}: MASE {s.Model.Mase}");
            Assert.All(s.Forecast.Point, v => Assert.InRange(v, 5, 60));
        }
        Assert.Throws<ArgumentException>(() => Forecaster.Fit(SeriesSet.FromValues("y", [.. y.Select(v => v - 20)], dates),
            new ForecastOptions { Transform = "log", Training = OneEpoch }));
        var boxcox = SeriesTransform.FitBoxCox(y.AsSpan(0, 100));
        Assert.InRange(boxcox.Lambda, -1, 2);
        Assert.Equal(7.5, boxcox.Inverse(boxcox.Forward(7.5)), 9);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(-1)]
    [InlineData(0.5)]
    [InlineData(0.01)]
    public void BoxCoxInverseIsMonotoneAndFiniteBeyondItsRange(double lambda)
    {
        // Found by ForecastFitFuzz: with λ < 0 a quantile past λz + 1 = 0 mapped to 0 while the one below it mapped to 5e6, so a
        // back-transformed interval crossed. The edge beyond the range is 0 below it (λ > 0) and the cap above it (λ < 0).
        var t = new SeriesTransform("boxcox", lambda);
        double previous = double.NegativeInfinity;
        for (double z = -300; z <= 300; z += 0.25)
        {
            double y = t.Inverse(z);
            Assert.True(double.IsFinite(y) && y >= 0 && y <= SeriesSet.MaxMagnitude, $"λ {lambda}: Inverse({z}) = {y}");
            Assert.True(y >= previous, $"λ {lambda}: Inverse({z}) = {y} is below Inverse({z - 0.25}) = {previous}");
            previous = y;
        }
    }

    [Fact]
    public void SplitFractionsAndATestStartDate()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("wide.csv", WideMonthly(96, 1));
        var data = SeriesSet.Load(csv, new CsvOptions { Columns = ["s0"] });
        var o = new ForecastOptions { Hidden = 4, Training = new TrainingOptions { Epochs = 0 } };
        var fractions = Forecaster.Fit(data, o with { TrainFraction = 0.6, ValidationFraction = 0.2 }).Splits["s0"];
        Assert.Equal((57, 76), (fractions.TrainEnd, fractions.ValidationEnd));
        var dated = Forecaster.Fit(data, o with { TestStart = new DateTime(2006, 1, 1) }).Splits["s0"];
        Assert.Equal(72, dated.ValidationEnd);
        Assert.Equal(72 - 9, dated.TrainEnd);
        // Outside the dates: each end names the series' date it passed.
        var late = Assert.Throws<ArgumentException>(() => Forecaster.Fit(data, o with { TestStart = new DateTime(2030, 1, 1) }));
        Assert.Contains("--test-start 2030-01-01 is after the last date of series 's0'", late.Message);
        var early = Assert.Throws<ArgumentException>(() => Forecaster.Fit(data, o with { TestStart = new DateTime(1990, 1, 1) }));
        Assert.Contains("--test-start 1990-01-01 is not after the first date of series 's0'", early.Message);
    }

    [Fact]
    public void MetricsByHand()
    {
        double[] y = [1, 2, 3, 4, 5, double.NaN, 7];
        // MASE scale: seasonal naive (S = 2) on the training part y[0..5) = |3−1|, |4−2|, |5−3| → 2.
        Assert.Equal(2, ForecastMetrics.MaseScale(y, 5, 2));
        var p = ForecastMetrics.Score(y, [5], 2, [6, 6], 2); // y[5] missing: only y[6] = 7 scored
        // Per origin: origin 3 has |4−5| and |5−3| over 2 steps, origin 5 only |6−7|; scaled by 2.
        Assert.Equal([0.75, 0.5], ForecastMetrics.OriginErrors(y, [3, 5], 2, [5, 3, 6, 6], 2));
        Assert.True(double.IsNaN(ForecastMetrics.OriginErrors([1, double.NaN], [1], 1, [1.0], 1)[0]));
        Assert.Equal(1, p.Count);
        Assert.Equal(0.5, p.Mase, 12);
        Assert.Equal(200.0 / 13, p.Smape, 12);
        Assert.Equal(0.9 * 1, ForecastMetrics.Pinball(0.9, 7, 6), 12);
        Assert.Equal(0.1 * 1, ForecastMetrics.Pinball(0.9, 6, 7), 12);
        var q = ForecastMetrics.ScoreQuantiles(y, [5], 2, [0.1, 0.9], [[5, 5], [8, 8]]);
        Assert.Equal(1, q.Coverage[0.1]);
        Assert.Equal([0.0, 1.0], q.Below); // the one scored value, 7, is above q0.1 = 5 and below q0.9 = 8
        // Levels without a central pair: no coverage, each level's share at or below (7 ≤ 7 counts) instead.
        var uneven = ForecastMetrics.ScoreQuantiles([1, 2, 7, 4], [2], 2, [0.3, 0.9], [[7, 3], [9, 9]]);
        Assert.Empty(uneven.Coverage);
        Assert.Equal([0.5, 1.0], uneven.Below);
        var offsets = ConformalIntervals.Offsets([-1, -2, 1, 2, 0, 0], [0.5, -0.5, 1, -1], 2, [0.1, 0.5, 0.9]);
        Assert.All(Enumerable.Range(0, 2), h => Assert.True(offsets[0][h] < offsets[1][h] && offsets[1][h] < offsets[2][h]));
    }
}

using Recur.Forecasting;

namespace Recur.Tests.Forecast;

/// <summary><c>--backtest K --refit</c>: a model per fold, fitted on the rows before the fold's first origin only.</summary>
public class BacktestRefitTests
{
    private static double[] Series(int n) =>
        [.. Enumerable.Range(0, n).Select(i => 10 + 0.02 * i + 3 * Math.Sin(2 * Math.PI * i / 7) + 0.3 * Math.Cos(1.7 * i * i))];

    private static readonly ForecastOptions Options = new()
    {
        Lookback = 14, Horizon = 3, Season = 7, Hidden = 4, Calendar = [], Training = new TrainingOptions { Epochs = 1 },
        Backtest = 2, Refit = true,
    };

    [Fact]
    public void EachFoldIsForecastByAModelFittedOnTheRowsBeforeIt()
    {
        var y = Series(200);
        var refit = Forecaster.Fit(SeriesSet.FromValues("y", y), Options);
        var once = Forecaster.Fit(SeriesSet.FromValues("y", y), Options with { Refit = false });
        var (r, o) = (refit.Evaluation.Series[0], once.Evaluation.Series[0]);
        Assert.Equal(o.Forecast.Origins, r.Forecast.Origins);
        Assert.Equal(2, r.Folds.Count);
        Assert.All(r.Folds, f => Assert.NotNull(f.Method));
        Assert.All(o.Folds, f => Assert.Null(f.Method));
        Assert.Contains(refit.Notes, n => n.Contains("refitted at each of 2 fold origins", StringComparison.Ordinal));
        // The mean of the folds' MASE is what each fold's own model scored; the overall score covers every origin.
        Assert.Equal(r.Forecast.Origins.Length * 3, r.Forecast.Point.Length);
        Assert.True(double.IsFinite(r.Model.Mase) && r.Folds.All(f => double.IsFinite(f.ModelMase)));
        Assert.NotEqual(o.Forecast.Point, r.Forecast.Point);

        // No look-ahead: changing every row from the second fold's first origin on leaves the first fold's forecasts and
        // intervals as they were (its model and its inputs end before them), and changes the second fold's.
        int second = r.Folds[1].FirstOrigin, firstCount = r.Folds[0].LastOrigin - r.Folds[0].FirstOrigin + 1;
        var changed = (double[])y.Clone();
        for (int i = second; i < changed.Length; i++) changed[i] += 5;
        var again = Forecaster.Fit(SeriesSet.FromValues("y", changed), Options).Evaluation.Series[0];
        Assert.Equal(r.Forecast.Point[..(firstCount * 3)], again.Forecast.Point[..(firstCount * 3)]);
        Assert.Equal(r.Forecast.Quantiles[2][..(firstCount * 3)], again.Forecast.Quantiles[2][..(firstCount * 3)]);
        Assert.NotEqual(r.Forecast.Point[(firstCount * 3)..], again.Forecast.Point[(firstCount * 3)..]);
    }

    [Fact]
    public void RefitNeedsAtLeastTwoFolds()
    {
        var e = Assert.Throws<ArgumentException>(() => Forecaster.Fit(SeriesSet.FromValues("y", Series(200)), Options with { Backtest = 1 }));
        Assert.Contains("--refit needs --backtest K with K ≥ 2", e.Message);
    }
}

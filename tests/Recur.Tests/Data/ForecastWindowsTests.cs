using Recur.Forecasting;

namespace Recur.Tests.Data;

public class ForecastWindowsTests
{
    [Fact]
    public void LayoutIsSamplesByLookbackByFeatures()
    {
        double[] y = [0, 1, 2, 3, 4, 5, 6];
        double[] x = [10, 11, 12, 13, 14, 15, 16];
        var w = ForecastWindows.Build(y, [x], [2, 4], lookback: 2, horizon: 3);
        Assert.Equal([2, 2, 2], w.InputShape);
        Assert.Equal([2, 3], w.TargetShape);
        Assert.Equal([0f, 10f, 1f, 11f, /* origin 4: */ 2f, 12f, 3f, 13f], w.Inputs);
        Assert.Equal([2f, 3f, 4f, /* origin 4: */ 4f, 5f, 6f], w.Targets);
        Assert.Equal([2, 4], w.Origins);
    }

    [Fact]
    public void RejectsWindowsOutsideTheSeries()
    {
        double[] y = new double[10];
        Assert.Throws<ArgumentException>(() => ForecastWindows.Build(y, [], [1], 2, 1));
        Assert.Throws<ArgumentException>(() => ForecastWindows.Build(y, [], [9], 2, 2));
        Assert.Throws<ArgumentException>(() => ForecastWindows.Build(y, [new double[9]], [5], 2, 2));
    }

    [Fact]
    public void TrainingWindowsNeverTouchValidationOrTestData()
    {
        var series = CsvSeries.Load(DataFiles.SeattleWeather, "temp_max", ["temp_min", "wind"]);
        var split = ForecastSplit.Chronological(series.Length);
        const int lookback = 60, horizon = 7;
        // Poison everything after the training part: any leak shows up as NaN.
        double[] target = Poisoned(series.Target.Values, split.TrainEnd);
        double[][] features = [.. series.Features.Select(f => Poisoned(f.Values, split.TrainEnd))];

        var train = ForecastWindows.Build(target, features, split.Origins(SeriesPart.Train, lookback, horizon), lookback, horizon);
        Assert.Equal([split.TrainEnd - horizon - lookback + 1, lookback, 3], train.InputShape);
        Assert.DoesNotContain(train.Inputs, float.IsNaN);
        Assert.DoesNotContain(train.Targets, float.IsNaN);

        // Validation windows may read train inputs but never test data.
        target = Poisoned(series.Target.Values, split.ValidationEnd);
        features = [.. series.Features.Select(f => Poisoned(f.Values, split.ValidationEnd))];
        var validation = ForecastWindows.Build(target, features, split.Origins(SeriesPart.Validation, lookback, horizon), lookback, horizon);
        Assert.Equal(split.ValidationCount - horizon + 1, validation.Count);
        Assert.DoesNotContain(validation.Inputs, float.IsNaN);
        Assert.DoesNotContain(validation.Targets, float.IsNaN);
    }

    [Fact]
    public void HourlyFileWindowsOnScaledData()
    {
        var series = CsvSeries.Load(DataFiles.SeattleTemps, "temp");
        var split = ForecastSplit.Chronological(series.Length);
        var scaler = StandardScaler.Fit(series.Target.Values, split);
        double[] scaled = scaler.Transform(series.Target.Values);
        const int lookback = 168, horizon = 24;
        int[] origins = split.Origins(SeriesPart.Test, lookback, horizon);
        var test = ForecastWindows.Build(scaled, [], origins, lookback, horizon);
        Assert.Equal([1730, lookback, 1], test.InputShape);
        Assert.Equal(1730 * lookback, test.Inputs.Length);
        Assert.Equal([1730, horizon], test.TargetShape);
        // The last input of a window is y[t−1]; the first target is y[t].
        int t = origins[0];
        Assert.Equal((float)scaled[t - 1], test.Inputs[lookback - 1]);
        Assert.Equal(series.Target.Values[t], scaler.Inverse(test.Targets[0]), 4);
    }

    private static double[] Poisoned(double[] values, int from)
    {
        double[] copy = [.. values];
        copy.AsSpan(from).Fill(double.NaN);
        return copy;
    }
}

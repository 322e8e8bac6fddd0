using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>The rolling recalibration of intervals and the pooled offsets of a global model, by hand.</summary>
public class IntervalCalibrationTests
{
    private static readonly double[] Levels = [0.1, 0.5, 0.9];
    private static readonly double[][] UnitOffsets = [[-1, -1], [0, 0], [1, 1]];

    [Fact]
    public void RecentResidualsTwiceTheOffsetsDoubleTheInterval()
    {
        // Origins 0..19, H = 2: residuals ±2 on both steps, so 90 % of |r|/offset lie at 2 (the weighted-quantile optimum).
        int[] past = [.. Enumerable.Range(0, 20)];
        var residuals = past.SelectMany((t, _) => new[] { t % 2 == 0 ? 2.0 : -2.0, t % 2 == 0 ? -2.0 : 2.0 }).ToArray();
        var f = ConformalIntervals.RecentScale([20], past, residuals, 2, window: 100, UnitOffsets, Levels, prior: 0);
        Assert.Equal(2, f[0], 12);

        // 39 pairs have their target before origin 20; a prior of as many pseudo-residuals halves the log-step: √2.
        var shrunk = ConformalIntervals.RecentScale([20], past, residuals, 2, window: 100, UnitOffsets, Levels, prior: 39);
        Assert.Equal(Math.Sqrt(2), shrunk[0], 12);
    }

    [Fact]
    public void OnlyTargetsInsideTheWindowBeforeTheOriginCount()
    {
        // Residuals 3 up to target 9, then 0.5: an origin at 20 with a window of 6 steps sees only targets 14..19.
        int[] past = [.. Enumerable.Range(0, 20)];
        var residuals = past.SelectMany(t => new[] { t < 10 ? 3.0 : 0.5, t + 1 < 10 ? -3.0 : -0.5 }).ToArray();
        var f = ConformalIntervals.RecentScale([20, 10, 0], past, residuals, 2, window: 6, UnitOffsets, Levels, prior: 0);
        Assert.Equal(0.5, f[0], 12);
        Assert.Equal(3, f[1], 12);   // targets 4..9: all 3
        Assert.Equal(1, f[2]);        // nothing known before origin 0: the static offsets
    }

    [Fact]
    public void MissingTargetsAndMedianLevelsGiveNoEvidence()
    {
        int[] past = [0, 1, 2];
        double[] residuals = [double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN];
        Assert.Equal([1.0], ConformalIntervals.RecentScale([5], past, residuals, 2, 10, UnitOffsets, Levels, 0));
        Assert.Equal([1.0], ConformalIntervals.RecentScale([5], past, [1, 1, 1, 1, 1, 1], 2, 10, [[0.1, 0.1]], [0.5], 0));
    }

    [Fact]
    public void PooledOffsetsShareTheQuantilesAndKeepEachSeriesScale()
    {
        // Series b's residuals are series a's times 10: the pooled normalised quantiles are the same, the scale tenfold.
        double[] a = [-1, -2, 1, 2, 0.5, -0.5, 0, 1];
        var b = a.Select(v => 10 * v).ToArray();
        var pooled = ConformalIntervals.PooledOffsets([a, b], [a, b], 2, Levels);
        for (int k = 0; k < 3; k++)
            for (int h = 0; h < 2; h++)
                Assert.Equal(10 * pooled[0][k][h], pooled[1][k][h], 9);
        Assert.True(pooled[0][0][0] < 0 && pooled[0][2][0] > 0);
    }

    [Fact]
    public void AFittedModelKeepsItsCalibrationWindowAndOlderFilesLoadWithout()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(160));
        var fit = TestModels.Fit(csv);
        Assert.True(fit.Model.Spec.CalibrationWindow >= fit.Model.Spec.Horizon);
        string path = Path.Combine(dir.Path, "m.safetensors");
        fit.Model.Save(path);
        var loaded = Forecaster.Load(path);
        Assert.Equal(fit.Model.Spec.CalibrationWindow, loaded.Spec.CalibrationWindow);
        Assert.Equal(fit.Model.Spec.CalibrationPrior, loaded.Spec.CalibrationPrior);

        // A file written before the fields existed: same model, static intervals.
        var file = Safetensors.Load(path);
        var meta = file.Metadata.Where(m => !m.Key.StartsWith("calibration_", StringComparison.Ordinal)).ToDictionary();
        string old = Path.Combine(dir.Path, "old.safetensors");
        Safetensors.Save(old, file.Tensors, meta);
        Assert.Equal(0, Forecaster.Load(old).Spec.CalibrationWindow);

        var history = SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded));
        var recalibrated = loaded.Predict(history)[0];
        var fixedWidth = Forecaster.Load(old).Predict(history)[0];
        Assert.Equal(fixedWidth.Values, recalibrated.Values);
        Assert.NotEqual(fixedWidth.Quantiles[0], recalibrated.Quantiles[0]);
        for (int k = 0; k < recalibrated.Quantiles.Length; k++)
            Assert.All(recalibrated.Quantiles[k].Zip(fixedWidth.Quantiles[k], recalibrated.Values),
                v => Assert.Equal(Math.Sign(v.Second - v.Third), Math.Sign(v.First - v.Third)));
    }
}

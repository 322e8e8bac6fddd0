using Recur.Forecasting;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>Learned quantile heads (<c>--intervals learned</c>): monotone by construction, the pinball loss, the model file, predict.</summary>
public class LearnedQuantileTests
{
    [Fact]
    public void MonotoneQuantilesNeverCrossForAnyRawOutputs()
    {
        var rng = new Generator(7);
        foreach (double[] levels in new[] { new[] { 0.05, 0.1, 0.5, 0.9, 0.95 }, new[] { 0.2, 0.3 }, new[] { 0.6, 0.7, 0.99 }, new[] { 0.5 } })
        {
            int Q = levels.Length, N = 16, H = 3, m = QuantileHeads.MedianIndex(levels);
            // Raw outputs up to ±60: softplus must neither overflow nor give a negative step.
            var raw = Tensor.FromArray([.. Enumerable.Range(0, N * Q * H).Select(_ => (float)(30 * rng.NextNormal()))], N, Q, H);
            var point = Tensor.FromArray([.. Enumerable.Range(0, N * H).Select(_ => (float)rng.NextNormal())], N, H);
            var q = QuantileHeads.Monotone(raw, point, m).ToArray();
            Assert.All(q, v => Assert.True(float.IsFinite(v)));
            for (int i = 0; i < N; i++)
                for (int h = 0; h < H; h++)
                {
                    // The median level is the point plus its own raw shift.
                    Assert.Equal(point.ToArray()[i * H + h] + raw.ToArray()[(i * Q + m) * H + h], q[(i * Q + m) * H + h], 4);
                    for (int k = 1; k < Q; k++)
                        Assert.True(q[(i * Q + k) * H + h] >= q[(i * Q + k - 1) * H + h], $"levels {levels[k - 1]} and {levels[k]} cross");
                }
        }
        Assert.Equal(1, QuantileHeads.MedianIndex([0.1, 0.5, 0.9]));
        Assert.Equal(0, QuantileHeads.MedianIndex([0.4, 0.6]));
    }

    [Fact]
    public void UntrainedAndRandomNetworksGiveOrderedQuantiles()
    {
        double[] levels = [0.1, 0.25, 0.5, 0.75, 0.9];
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new Generator(seed);
            var net = new ForecastNet("gru", 2, 6, 1, 5, 4, rng, levels);
            Assert.NotNull(net.Quantile);
            if (seed > 0)   // seed 0: as constructed (zero head weights); the others: random head weights and biases
                foreach (var p in new[] { net.Quantile!.Weight, net.Quantile.Bias! })
                    p.CopyFrom(Tensor.FromArray([.. Enumerable.Range(0, p.Numel).Select(_ => (float)(3 * rng.NextNormal()))], p.Shape));
            var x = Tensor.FromArray([.. Enumerable.Range(0, 8 * 5 * 2).Select(_ => (float)rng.NextNormal())], 8, 5, 2);
            var window = Tensor.FromArray([.. Enumerable.Range(0, 8 * 5).Select(_ => (float)rng.NextNormal())], 8, 5);
            var (point, quantiles) = net.ForwardQuantiles(x, window);
            Assert.Equal(net.Forward(x, window).ToArray(), point.ToArray());
            var q = quantiles!.ToArray();
            Assert.Equal([8, 5, 4], quantiles.Shape);
            for (int i = 0; i < 8; i++)
                for (int h = 0; h < 4; h++)
                    for (int k = 1; k < 5; k++)
                        Assert.True(q[(i * 5 + k) * 4 + h] >= q[(i * 5 + k - 1) * 4 + h]);
        }
    }

    [Fact]
    public void PinballLossAndItsGradientMatchAHandComputation()
    {
        // Two samples, levels 0.1 and 0.9, two steps. ρ_τ(e) = τ·e (e ≥ 0), (τ − 1)·e (e < 0), e = y − q.
        double[] levels = [0.1, 0.9];
        float[] qv = [0.0f, 1.0f, 2.0f, 3.0f, /* sample 2 */ -1.0f, 0.5f, 1.5f, 0.25f];
        float[] yv = [1.0f, 0.0f, 0.0f, 1.0f];
        var q = Tensor.FromArray(qv, 2, 2, 2).RequireGrad();
        var y = Tensor.FromArray(yv, 2, 2);
        var loss = QuantileHeads.PinballLoss(q, y, levels);
        double expected = 0;
        var grad = new double[8];
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 2; k++)
                for (int h = 0; h < 2; h++)
                {
                    int at = (i * 2 + k) * 2 + h;
                    double e = yv[i * 2 + h] - qv[at], tau = levels[k];
                    expected += e >= 0 ? tau * e : (tau - 1) * e;
                    grad[at] = (e > 0 ? -tau : 1 - tau) / 8;     // dρ/dq, averaged over the 8 terms (no e is 0 here)
                }
        Assert.Equal(expected / 8, loss.Item(), 6);
        loss.Backward();
        var g = q.Grad!.ToArray();
        for (int j = 0; j < 8; j++) Assert.Equal(grad[j], g[j], 6);

        // softplus and its derivative (the sigmoid) through the composed form, including past the switch at 20.
        var x = Tensor.FromArray([-30f, -2f, 0f, 1.5f, 19.9f, 25f], 6).RequireGrad();
        var sp = QuantileHeads.Softplus(x);
        sp.Sum().Backward();
        var xs = new[] { -30.0, -2, 0, 1.5, 19.9, 25 };
        for (int j = 0; j < 6; j++)
        {
            Assert.Equal(Math.Log(1 + Math.Exp(xs[j])), sp.ToArray()[j], 5);
            Assert.Equal(1 / (1 + Math.Exp(-xs[j])), x.Grad!.ToArray()[j], 5);
        }
        Assert.Throws<ArgumentException>(() => QuantileHeads.PinballLoss(q, y, [0.5]));
    }

    [Fact]
    public void ALearnedHeadModelSavesLoadsAndPredictsFewerLevels()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(160));
        var fit = TestModels.Fit(csv, new ForecastOptions
        {
            Lookback = 10, Horizon = 3, Season = 7, Hidden = 4, Method = "network", Intervals = "learned", Quantiles = [0.1, 0.5, 0.9],
            Training = new TrainingOptions { Epochs = 2 },
        });
        var model = fit.Model;
        Assert.True(model.Spec.LearnedQuantiles);
        Assert.True(model.LearnsQuantiles("network"));
        Assert.False(model.LearnsQuantiles("persistence"));
        Assert.InRange(model.Spec.Series[0].QuantileScale, 0.1, 10);
        Assert.Contains(fit.Notes, n => n.Contains("intervals: learned"));
        Assert.Contains(model.Net.NamedParameters(), p => p.Name == "quantile.weight" && p.Parameter.Shape.SequenceEqual([9, 4]));

        string path = Path.Combine(dir.Path, "learned.safetensors");
        model.Save(path);
        var loaded = Forecaster.Load(path);
        Assert.True(loaded.Spec.LearnedQuantiles);
        Assert.Equal(model.Spec.Series[0].QuantileScale, loaded.Spec.Series[0].QuantileScale);
        var data = SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded));
        var before = model.Predict(data)[0];
        var after = loaded.Predict(data)[0];
        Assert.Equal(before.Values, after.Values);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(before.Quantiles[k], after.Quantiles[k]);
            for (int h = 0; h < 3; h++) Assert.True(k == 0 || after.Quantiles[k][h] >= after.Quantiles[k - 1][h]);
        }

        // Fewer steps and levels: the same numbers as the full forecast's.
        var few = loaded.Predict(data, horizon: 2, quantiles: [0.9])[0];
        Assert.Equal(after.Values[..2], few.Values);
        Assert.Equal(after.Quantiles[2][..2], few.Quantiles[0]);
        Assert.Throws<ArgumentException>(() => loaded.Predict(data, quantiles: [0.25]));

        // A baseline method keeps the conformal offsets: the same quantiles as a model without the head.
        var state = loaded.Spec.Series[0];
        var s = data.Series[0];
        var y = s.Filled();
        var conformal = new Forecaster(loaded.Spec with { LearnedQuantiles = false }, loaded.Net).ForecastSeries(state, y, [], s.Dates, [120], method: "drift");
        var learned = loaded.ForecastSeries(state, y, [], s.Dates, [120], method: "drift");
        Assert.Equal(conformal.Quantiles[0], learned.Quantiles[0]);
    }

    [Fact]
    public void TheCommandLineChoosesTheIntervalsAndSaysWhichEachSeriesGot()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(150));
        foreach (var (asked, method) in new[] { ((string?)null, "network"), ("conformal", "network"), ("learned", "drift") })
        {
            string model = Path.Combine(dir.Path, $"m-{asked}-{method}.safetensors");
            string[] args = ["forecast", "--csv", csv, "--column", "y", "--lookback", "10", "--horizon", "2", "--season", "7", "--hidden", "4",
                "--epochs", "1", "--method", method, "--plot", Path.Combine(dir.Path, "p.png"), "--save", model, "--json",
                .. asked is null ? Array.Empty<string>() : ["--intervals", asked]];
            var run = CliRunner.Run(args);
            Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
            using var json = System.Text.Json.JsonDocument.Parse(run.LastLine);
            // The default is learned; a baseline method keeps conformal intervals under it.
            string expected = asked == "conformal" || method == "drift" ? "conformal" : "learned";
            Assert.Equal(expected, json.RootElement.GetProperty("series")[0].GetProperty("intervals").GetString());
            Assert.Equal(asked != "conformal", Forecaster.Load(model).Spec.LearnedQuantiles);
        }
        var bad = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--intervals", "normal");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public void ConformalModelsHaveNoHeadLearnedIsTheDefaultAndBadIntervalOptionsAreRefused()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(120));
        var model = TestModels.Fit(csv, new ForecastOptions
        {
            Lookback = 10, Horizon = 2, Season = 7, Hidden = 4, Intervals = "conformal", Training = new TrainingOptions { Epochs = 1 },
        }).Model;
        Assert.False(model.Spec.LearnedQuantiles);
        Assert.Null(model.Net.Quantile);
        Assert.DoesNotContain("intervals", ModelFile.Metadata(model.Spec).Keys);
        Assert.Equal("learned", new ForecastOptions().Intervals);
        var e = Assert.Throws<ArgumentException>(() => TestModels.Fit(csv, new ForecastOptions { Intervals = "bogus", Lookback = 10, Horizon = 2, Season = 7 }));
        Assert.Contains("--intervals", e.Message);
    }

    [Fact]
    public void AValidationSpreadFactorFromUnderTwoWindowsIsShrunkTowardsTheHeadsOwnSpread()
    {
        // Residuals three times the head's spread: the pinball-optimal factor is about 3. From 2 windows on it is taken
        // whole; from 1 window (3 origins of 3 steps: a 50-row yearly series) only half its logarithm.
        double[] levels = [0.1, 0.5, 0.9];
        (double[], double[][]) Part(int origins, int horizon)
        {
            var rng = new Random(5);
            var r = new double[origins * horizon];
            for (int i = 0; i < r.Length; i++) r[i] = 3 * (rng.NextDouble() * 2 - 1) * 1.28;
            var spread = new[] { Enumerable.Repeat(-1.0, r.Length).ToArray(), new double[r.Length], Enumerable.Repeat(1.0, r.Length).ToArray() };
            return (r, spread);
        }
        double Raw(int origins, int horizon)
        {
            var (r, spread) = Part(origins, horizon);
            int end = origins + horizon;
            return ConformalIntervals.RecentScaleBy([end], [.. Enumerable.Range(0, origins)], r, horizon, end + 1,
                (j, k, h) => spread[k][j * horizon + h], levels, prior: 0)[0];
        }
        double raw2 = Raw(6, 3), raw1 = Raw(3, 3);
        Assert.InRange(raw2, 1.5, 10);
        Assert.Equal(raw2, QuantileHeads.ValidationScale([Part(6, 3)], 3, levels), 12);
        Assert.Equal(Math.Sqrt(raw1), QuantileHeads.ValidationScale([Part(3, 3)], 3, levels), 12);
        // Pooled over the series of a global model: two series of 3 origins are 2 windows, taken whole.
        var pooled = QuantileHeads.ValidationScale([Part(3, 3), Part(3, 3)], 3, levels);
        Assert.True(pooled > Math.Sqrt(raw1), $"{pooled} should not be shrunk");
    }
}

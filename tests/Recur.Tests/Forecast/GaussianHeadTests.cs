using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>The distribution head (<c>--intervals gaussian</c>): Φ⁻¹, monotone quantiles, the likelihood, the model file, predict.</summary>
public class GaussianHeadTests
{
    [Fact]
    public void InverseNormalCdfMatchesPyTorch()
    {
        // torch.special.ndtri in float64 (torch 1.13).
        (double P, double Z)[] known =
        [
            (1e-300, -37.0470962993612), (1e-20, -9.262340089798409), (1e-10, -6.361340902404056), (1e-05, -4.264890793922825),
            (0.001, -3.090232306167813), (0.02425, -1.972961051311885), (0.05, -1.6448536269514729), (0.1, -1.2815515655446004),
            (0.25, -0.6744897501960817), (0.4, -0.2533471031357997), (0.5, 0.0), (0.6, 0.2533471031357997), (0.75, 0.6744897501960817),
            (0.9, 1.2815515655446004), (0.95, 1.644853626951472), (0.975, 1.959963984540054), (0.999, 3.090232306167813),
            (1 - 1e-10, 6.361340889697422),
        ];
        foreach (var (p, z) in known)
            Assert.True(Math.Abs(GaussianHead.InverseNormalCdf(p) - z) <= 1e-14 * Math.Max(1, Math.Abs(z)), $"Φ⁻¹({p}) = {GaussianHead.InverseNormalCdf(p)}, expected {z}");
        Assert.Equal(double.NegativeInfinity, GaussianHead.InverseNormalCdf(0));
        Assert.Equal(double.PositiveInfinity, GaussianHead.InverseNormalCdf(1));
        foreach (double bad in new[] { -0.1, 1.5, double.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => GaussianHead.InverseNormalCdf(bad));
    }

    [Fact]
    public void RandomNetworksGiveOrderedQuantilesAroundThePoint()
    {
        double[] levels = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95];
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new Generator(seed);
            var net = new ForecastNet("lstm", 2, 6, 1, 5, 4, rng, levels, gaussian: true);
            Assert.True(net.Gaussian);
            Assert.Equal([4, 6], net.Quantile!.Weight.Shape);
            if (seed > 0)   // seed 0: as constructed (zero head weights); the others: random head weights up to ±60 raw outputs
                foreach (var p in new[] { net.Quantile.Weight, net.Quantile.Bias! })
                    p.CopyFrom(Tensor.FromArray([.. Enumerable.Range(0, p.Numel).Select(_ => (float)(10 * seed * rng.NextNormal()))], p.Shape));
            var x = Tensor.FromArray([.. Enumerable.Range(0, 8 * 5 * 2).Select(_ => (float)rng.NextNormal())], 8, 5, 2);
            var window = Tensor.FromArray([.. Enumerable.Range(0, 8 * 5).Select(_ => (float)rng.NextNormal())], 8, 5);
            var (point, quantiles) = net.ForwardQuantiles(x, window);
            Assert.Equal([8, 7, 4], quantiles!.Shape);
            var q = quantiles.ToArray();
            var pv = point.ToArray();
            Assert.All(q, v => Assert.True(float.IsFinite(v)));
            for (int i = 0; i < 8; i++)
                for (int h = 0; h < 4; h++)
                {
                    Assert.Equal(pv[i * 4 + h], q[(i * 7 + 3) * 4 + h]);     // the median is the point (z = 0)
                    // Symmetric about the point, never collapsed below the σ floor.
                    Assert.Equal(pv[i * 4 + h] - q[(i * 7 + 1) * 4 + h], q[(i * 7 + 5) * 4 + h] - pv[i * 4 + h], 3);
                    Assert.True(q[(i * 7 + 6) * 4 + h] - q[(i * 7) * 4 + h] >= 2 * 1.64f * GaussianHead.MinSigma * 0.99f);
                    for (int k = 1; k < 7; k++)
                        Assert.True(q[(i * 7 + k) * 4 + h] >= q[(i * 7 + k - 1) * 4 + h], $"levels {levels[k - 1]} and {levels[k]} cross");
                }
        }
    }

    [Fact]
    public void TheNllAndItsGradientMatchPyTorch()
    {
        // torch.nn.functional.gaussian_nll_loss(mu, y, (softplus(s) + 1e-4)**2, full=False) in float64, and its gradients.
        var mu = Tensor.FromArray([0.5f, -1.0f, 0.0f, 2.0f, 0.25f, -0.75f], 2, 3).RequireGrad();
        var s = Tensor.FromArray([-1.0f, 0.3f, 2.0f, 0.0f, -4.0f, 1.2f], 2, 3).RequireGrad();
        var y = Tensor.FromArray([0.0f, -0.5f, 1.5f, 1.0f, 0.3f, -2.0f], 2, 3);
        var loss = GaussianHead.NllLoss(mu, GaussianHead.Sigma(s), y);
        Assert.Equal(0.38315764071381925, loss.Item(), 5);
        loss.Backward();
        double[] dMu = [0.848646763584724, -0.11414059036127729, -0.05525780000829643, 0.3467947591336811, -25.020526664537726, 0.09728436929338989];
        double[] dS = [-0.22113285047776865, 0.07368064726317963, 0.03469307852976475, -0.12991620991629743, -1.0686902833266865, 0.023664799618787768];
        for (int j = 0; j < 6; j++)
        {
            Assert.Equal(dMu[j], mu.Grad!.ToArray()[j], 1e-4 * Math.Max(1, Math.Abs(dMu[j])));
            Assert.Equal(dS[j], s.Grad!.ToArray()[j], 1e-4 * Math.Max(1, Math.Abs(dS[j])));
        }
        Assert.Throws<ArgumentException>(() => GaussianHead.NllLoss(mu, GaussianHead.Sigma(s), Tensor.Zeros(3, 2)));
        Assert.Throws<ArgumentException>(() => GaussianHead.Quantiles(mu, Tensor.Zeros(2, 2), [0.1, 0.9]));
    }

    [Fact]
    public void TheBiasStartsSigmaAtEachStepsResidualRms()
    {
        // Two steps: residuals 3, −4 (RMS √12.5) and 0, 0 (floored at 1e-3).
        float[] residuals = [3, 0, -4, 0];
        var sigma = GaussianHead.Sigma(Tensor.FromArray(GaussianHead.InitialBias(residuals, 2), 2)).ToArray();
        Assert.Equal(Math.Sqrt(12.5), sigma[0], 5);
        Assert.Equal(1e-3, sigma[1], 6);
    }

    [Fact]
    public void AGaussianModelTrainsSavesLoadsAndPredicts()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(160));
        var fit = TestModels.Fit(csv, new ForecastOptions
        {
            Lookback = 10, Horizon = 3, Season = 7, Hidden = 4, Method = "network", Intervals = "gaussian", Quantiles = [0.1, 0.5, 0.9],
            Training = new TrainingOptions { Epochs = 2 },
        });
        var model = fit.Model;
        Assert.True(model.Spec.LearnedQuantiles);
        Assert.True(model.Spec.Gaussian);
        Assert.True(model.Net.Gaussian);
        Assert.True(model.LearnsQuantiles("network"));
        Assert.Contains(fit.Notes, n => n.Contains("intervals: gaussian"));
        Assert.Contains(model.Net.NamedParameters(), p => p.Name == "quantile.weight" && p.Parameter.Shape.SequenceEqual([3, 4]));
        Assert.True(double.IsFinite(fit.Training.BestValidationLoss));

        string path = Path.Combine(dir.Path, "gaussian.safetensors");
        model.Save(path);
        Assert.Equal("gaussian", Safetensors.ReadMetadata(path)["intervals"]);
        var loaded = Forecaster.Load(path);
        Assert.True(loaded.Spec.Gaussian);
        Assert.Equal(model.Spec.Series[0].QuantileScale, loaded.Spec.Series[0].QuantileScale);
        var data = SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded));
        var before = model.Predict(data)[0];
        var after = loaded.Predict(data)[0];
        Assert.Equal(before.Values, after.Values);
        for (int k = 0; k < 3; k++) Assert.Equal(before.Quantiles[k], after.Quantiles[k]);
        for (int h = 0; h < 3; h++)
        {
            // Symmetric about the point (no transform), so the median is the point.
            Assert.Equal(after.Values[h], after.Quantiles[1][h], 9);
            Assert.True(after.Quantiles[0][h] < after.Quantiles[1][h] && after.Quantiles[1][h] < after.Quantiles[2][h]);
        }
    }

    [Fact]
    public void AHeadOfTheOtherKindsShapeIsRefused()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(120));
        foreach (var (kind, other) in new[] { ("gaussian", "learned"), ("learned", "gaussian") })
        {
            string path = Path.Combine(dir.Path, $"{kind}.safetensors"), bad = Path.Combine(dir.Path, $"{kind}-as-{other}.safetensors");
            TestModels.Fit(csv, new ForecastOptions
            {
                Lookback = 10, Horizon = 2, Season = 7, Hidden = 4, Intervals = kind, Training = new TrainingOptions { Epochs = 1 },
            }).Model.Save(path);
            var file = Safetensors.Load(path);
            Safetensors.Save(bad, file.Tensors, new Dictionary<string, string>(file.Metadata) { ["intervals"] = other });
            var e = Assert.Throws<InvalidDataException>(() => Forecaster.Load(bad));
            // Gaussian: [H, hidden] = [2, 4]; learned with three levels: [Q·H, hidden] = [6, 4].
            string expected = other == "gaussian" ? "has shape [6, 4], expected [2, 4]" : "has shape [2, 4], expected [6, 4]";
            Assert.Contains($"tensor 'quantile.weight' {expected}", e.Message);
            Assert.Contains($"intervals {other} with 3 levels", e.Message);
        }
        // A gaussian head without levels (and so without interval offsets) has no quantile to give.
        var gaussian = Safetensors.Load(Path.Combine(dir.Path, "gaussian.safetensors"));
        string empty = Path.Combine(dir.Path, "no-levels.safetensors");
        string series = System.Text.RegularExpressions.Regex.Replace(gaussian.Metadata["series"], "\"offsets\":\\[\\[.*?\\]\\]", "\"offsets\":[]");
        Assert.Contains("\"offsets\":[]", series);
        Safetensors.Save(empty, gaussian.Tensors, new Dictionary<string, string>(gaussian.Metadata) { ["quantiles"] = "[]", ["series"] = series });
        Assert.Contains("metadata 'intervals' is gaussian but 'quantiles' lists no level", Assert.Throws<InvalidDataException>(() => Forecaster.Load(empty)).Message);
    }

    [Fact]
    public void TheCommandLineFitsAGaussianHeadAndPredictsWithIt()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(150));
        string model = Path.Combine(dir.Path, "g.safetensors");
        var run = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--lookback", "10", "--horizon", "2", "--season", "7", "--hidden", "4",
            "--epochs", "1", "--method", "network", "--intervals", "gaussian", "--plot", Path.Combine(dir.Path, "p.png"), "--save", model, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        using var json = System.Text.Json.JsonDocument.Parse(run.LastLine);
        Assert.Equal("gaussian", json.RootElement.GetProperty("series")[0].GetProperty("intervals").GetString());
        var predict = CliRunner.Run("predict", "--model", model, "--csv", csv, "--json");
        Assert.True(predict.ExitCode == 0, predict.Stderr + predict.Stdout);
        using var forecast = System.Text.Json.JsonDocument.Parse(predict.LastLine);
        var levels = forecast.RootElement.GetProperty("series")[0].GetProperty("quantiles");
        Assert.Equal(3, levels.GetArrayLength());
        for (int h = 0; h < 2; h++)
            Assert.True(levels[0].GetProperty("values")[h].GetDouble() < levels[2].GetProperty("values")[h].GetDouble());
    }
}

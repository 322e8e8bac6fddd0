using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>The hybrid method: a network that learns the correction to damped Holt-Winters (<see cref="ForecastAnchor.HoltWinters"/>).</summary>
public class HybridTests
{
    [Fact]
    public void CutAnchorsOnHoltWintersAndReadsItsOneStepErrors()
    {
        // z: a line with a kink; Holt-Winters without a season, scaled by mean 1, std 2.
        double[] z = [0, 1, 2, 3, 4, 6, 8, 10, 12, 14];
        var hw = new HoltWinters(1, 0.5, 0.3, 0, 0.9);
        var state = TestModels.State(horizon: 2, scaler: new StandardScaler(1, 2)) with { HoltWinters = hw };
        var spec = new ForecastSpec
        {
            Features = [], Cell = "gru", Hidden = 3, Layers = 1, Lookback = 3, Horizon = 2, Season = 1,
            Anchor = ForecastAnchor.HoltWinters, Calendar = [], DateFormat = "", Series = [state],
        };
        var values = z;   // identity transform
        var scaled = ScaledSeries.From(spec, state, values, [], null);
        var batch = ForecastBatch.Cut(spec, scaled, [5, 8], withTargets: true);

        var forecast = hw.Forecast(z, [5, 8], 2);
        var errors = hw.OneStepErrors(z);
        // Anchors: the Holt-Winters forecasts in scaled units; targets: the scaled values minus them.
        Assert.Equal([.. forecast.Select(f => (float)((f - 1) / 2))], batch.Anchors);
        Assert.Equal([(float)((z[5] - 1) / 2 - (forecast[0] - 1) / 2), (float)((z[6] - 1) / 2 - (forecast[1] - 1) / 2),
            (float)((z[8] - 1) / 2 - (forecast[2] - 1) / 2), (float)((z[9] - 1) / 2 - (forecast[3] - 1) / 2)], batch.Targets!);
        // The window: one-step errors of rows t−3 … t−1, divided by the std; the line's first steps are predicted exactly.
        Assert.Equal([.. new[] { 2, 3, 4, 5, 6, 7 }.Select(r => (float)(errors[r] / 2))], batch.Window);
        Assert.Equal(0, errors[0]);
        Assert.Equal(1 - (0 + 0.9 * 1), errors[1], 12);      // ℓ₀ = 0, b₀ = 1: ŷ₁ = ℓ₀ + φb₀
        Assert.Throws<ArgumentException>(() => ForecastBatch.Cut(spec, scaled, [0], withTargets: false));
    }

    [Fact]
    public void AnUntrainedHybridForecastsHoltWintersAndTheFileKeepsIt()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(160));
        // No gradient step and no highway fit: both read-outs are zero, so the hybrid is exactly its Holt-Winters anchor.
        var fit = TestModels.Fit(csv, new ForecastOptions
        {
            Lookback = 10, Horizon = 3, Season = 7, Hidden = 4, Method = "hybrid",
            Training = new TrainingOptions { Epochs = 0, FitHighway = false },
        });
        var model = fit.Model;
        Assert.Equal(ForecastAnchor.HoltWinters, model.Spec.Anchor);
        var state = model.Spec.Series[0];
        Assert.Equal("hybrid", state.Method);
        var s = SeriesSet.Load(csv, new CsvOptions { Columns = ["y"] }).Series[0];
        var y = s.Filled();
        int[] origins = [100, 120, 157];
        var hybrid = model.ForecastSeries(state, y, [], s.Dates, origins);
        var holtWinters = model.ForecastSeries(state, y, [], s.Dates, origins, method: "holt-winters");
        for (int i = 0; i < hybrid.Point.Length; i++)
            Assert.Equal(holtWinters.Point[i], hybrid.Point[i], 1e-5 * Math.Abs(holtWinters.Point[i]));

        // Saved and loaded: anchor and method kept, predict the same.
        string path = Path.Combine(dir.Path, "hybrid.safetensors");
        model.Save(path);
        var loaded = Forecaster.Load(path);
        Assert.Equal(ForecastAnchor.HoltWinters, loaded.Spec.Anchor);
        var data = SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded));
        Assert.Equal(model.Predict(data)[0].Values, loaded.Predict(data)[0].Values);
    }

    [Fact]
    public void AModelFileWhoseHybridHasAnotherAnchorIsRefused()
    {
        using var dir = new TempDirectory();
        var spec = new ForecastSpec
        {
            Features = [], Cell = "gru", Hidden = 3, Layers = 1, Lookback = 4, Horizon = 2, Season = 1,
            Anchor = ForecastAnchor.Last, Calendar = [], DateFormat = "", Series = [TestModels.State(horizon: 2, method: "hybrid")],
        };
        string path = Path.Combine(dir.Path, "bad.safetensors");
        var model = Forecaster.Create(spec, new Generator(1));
        // Save runs the loader's checks first and writes nothing ...
        var refused = Assert.Throws<InvalidOperationException>(() => model.Save(path));
        Assert.Contains("method hybrid does not go with anchor last", refused.Message);
        Assert.False(File.Exists(path));
        // ... and a file written some other way is refused on load.
        Safetensors.Save(path, [.. model.Net.NamedParameters().Select(p => new NamedTensorData(p.Name, p.Parameter.Shape.AsSpan().ToArray(), p.Parameter.ToArray()))],
            ModelFile.Metadata(spec));
        var e = Assert.Throws<InvalidDataException>(() => Forecaster.Load(path));
        Assert.Contains("method hybrid does not go with anchor last", e.Message);
    }

    [Fact]
    public void TransformAutoKeepsTheSimplestTransformUnlessAnotherIsClearlyBetterOnValidation()
    {
        using var dir = new TempDirectory();
        // A multiplicative monthly-like series: growth times a season, with multiplicative noise.
        var rng = new Random(3);
        var lines = new List<string> { "date,y" };
        for (int i = 0; i < 150; i++)
            lines.Add(FormattableString.Invariant($"{new DateTime(2000, 1, 1).AddDays(i):yyyy-MM-dd},{50 * Math.Exp(0.01 * i) * (1 + 0.3 * Math.Sin(2 * Math.PI * i / 7)) * Math.Exp(0.05 * (rng.NextDouble() - 0.5)):0.###}"));
        string csv = dir.Write("mult.csv", string.Join("\n", lines) + "\n");
        ForecastOptions Options(string transform) => new()
        {
            Lookback = 14, Horizon = 3, Season = 7, Hidden = 4, Transform = transform, Method = "holt-winters",
            Training = new TrainingOptions { Epochs = 1 },
        };
        var forced = new[] { "none", "log", "boxcox" }.ToDictionary(t => t, t => TestModels.Fit(csv, Options(t)).ValidationMase);
        var auto = TestModels.Fit(csv, Options("auto"));
        // The rule: walk none → log → Box-Cox, taking the next only when it is more than 2 % lower.
        string expected = "none";
        foreach (var t in new[] { "log", "boxcox" })
            if (forced[t] < forced[expected] * (1 - ForecastJob.TransformMargin)) expected = t;
        Assert.Equal(expected, auto.Model.Spec.Series[0].Transform.Kind);
        Assert.Equal(forced[expected], auto.ValidationMase, 12);
        Assert.NotEqual("none", expected);   // the multiplicative series needs a transform
        Assert.Contains(auto.Notes, n => n.StartsWith("transform auto: validation MASE of the method chosen under each: none ", StringComparison.Ordinal));
    }
}

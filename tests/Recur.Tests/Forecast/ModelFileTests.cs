using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

public class ModelFileTests
{
    private static Forecaster Model(string cell = "lstm", int layers = 2) => Forecaster.Create(new ForecastSpec
    {
        ValueColumn = "temp_max",
        Features = ["wind", "temp_min"],
        Cell = cell,
        Hidden = 5,
        Layers = layers,
        Lookback = 12,
        Horizon = 3,
        Season = 7,
        Anchor = ForecastAnchor.Seasonal,
        Calendar = ["day_of_week", "day_of_year"],
        Step = new DateStep(DateStepUnit.Duration, TimeSpan.FromDays(1), 0),
        DateFormat = "yyyy/MM/dd",
        Quantiles = [0.1, 0.9],
        Series = [new SeriesState
        {
            Name = "temp_max",
            Transform = new SeriesTransform("boxcox", 0.25),
            Scaler = new StandardScaler(16.4, 7.25),
            InputScalers = [new StandardScaler(3.1, 1.4), new StandardScaler(8.2, 5.0)],
            TrainMean = 16.1,
            HoltWinters = new HoltWinters(7, 0.3, 0.05, 0.2, 0.9),
            Method = "ensemble",
            Offsets = [[-1.2, -1.5, -1.7], [1.1, 1.4, 1.8]],
        }],
    }, new Generator(7));

    [Fact]
    public void SaveThenLoadGivesTheSameSettingsAndWeights()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        var model = Model();
        model.Net.Highway.Weight.CopyFrom(Tensor.Full(0.5f, 3, 24)); // not the zero it starts at; width 12 + 3 steps × 4 calendar channels
        ModelFile.Save(path, model);
        var loaded = ModelFile.Load(path);

        Assert.Equal(model.Spec.ValueColumn, loaded.Spec.ValueColumn);
        Assert.Equal(model.Spec.Features, loaded.Spec.Features);
        Assert.Equal(model.Spec.Calendar, loaded.Spec.Calendar);
        Assert.Equal(model.Spec.Quantiles, loaded.Spec.Quantiles);
        Assert.Equal(model.Spec.Step, loaded.Spec.Step);
        var (a, b) = (model.Spec.Series[0], loaded.Spec.Series[0]);
        Assert.Equal(a.InputScalers, b.InputScalers);
        Assert.Equal(a.Offsets, b.Offsets);
        Assert.Equal(a with { InputScalers = [], Offsets = [] }, b with { InputScalers = [], Offsets = [] });
        Assert.Equal(model.Spec with { Features = [], Calendar = [], Quantiles = [], Series = [], KnownFuture = [] },
            loaded.Spec with { Features = [], Calendar = [], Quantiles = [], Series = [], KnownFuture = [] });
        foreach (var ((name, expected), (loadedName, actual)) in model.Net.NamedParameters().Zip(loaded.Net.NamedParameters()))
        {
            Assert.Equal(name, loadedName);
            Assert.Equal(expected.ToArray(), actual.ToArray());
        }
    }

    [Fact]
    public void TheFileHoldsPyTorchNamesAndTheSettingsAsMetadata()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        ModelFile.Save(path, Model("gru", 1));
        var file = Safetensors.Load(path);
        Assert.Equal(["head.bias", "head.weight", "highway.bias", "highway.weight", "rnn.bias_hh_l0", "rnn.bias_ih_l0", "rnn.weight_hh_l0", "rnn.weight_ih_l0"],
            file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal([15, 1 + 2 + 4], file["rnn.weight_ih_l0"].Shape);
        Assert.Equal("recur.forecast", file.Metadata["format"]);
        Assert.Equal("gru", file.Metadata["cell"]);
        Assert.Equal("7", file.Metadata["input_size"]);
        Assert.Contains("\"scaler\":{\"mean\":16.4,\"std\":7.25}", file.Metadata["series"]);
        Assert.Equal("[\"wind\",\"temp_min\"]", file.Metadata["features"]);
        Assert.Equal("[0.1,0.9]", file.Metadata["quantiles"]);
        Assert.Equal("[\"day_of_week\",\"day_of_year\"]", file.Metadata["calendar"]);
        Assert.Equal("seasonal", file.Metadata["anchor"]);
        Assert.Equal("{\"unit\":\"Duration\",\"seconds\":86400,\"months\":0}", file.Metadata["step"]);
    }

    [Fact]
    public void AFailedSaveLeavesTheOldFile()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("m.safetensors", "old");
        var model = Model();
        model.Net.Head.Bias!.CopyFrom(Tensor.Zeros(3));
        Assert.ThrowsAny<IOException>(() => ModelFile.Save(Path.Combine(dir.Path, "missing", "m.safetensors"), model));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["m.safetensors"], dir.Files());
    }

    [Fact]
    public void NonFiniteWeightsAreRejected()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        var model = Model();
        model.Net.Head.Bias!.CopyFrom(Tensor.From(0, float.NaN, 0));
        // Never written (a run that produced NaN saves nothing) …
        var saving = Assert.Throws<ArithmeticException>(() => ModelFile.Save(path, model));
        Assert.Contains("head.bias", saving.Message);
        Assert.False(File.Exists(path));
        // … and never loaded, should such a file come from elsewhere.
        var file = Safetensors.Load(WriteGood(dir));
        Safetensors.Save(path, [.. file.Tensors.Select(t => t.Name == "head.bias" ? t with { Data = [0, float.NaN, 0] } : t)], file.Metadata);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("head.bias", e.Message);
    }

    [Fact]
    public void WeightsThatOverflowAreRefusedAtPredictionNotPrintedAsInfinity()
    {
        // Found by ModelFileFuzz: finite weights can still overflow float arithmetic; predict printed -Infinity as a quantile.
        using var dir = new TempDirectory();
        string csv = dir.Write("d.csv", SyntheticSeries.Daily(120)), path = Path.Combine(dir.Path, "m.safetensors");
        TestModels.Fit(csv).Model.Save(path);
        var file = Safetensors.Load(path);
        Safetensors.Save(path, [.. file.Tensors.Select(t => t with { Data = [.. t.Data.Select(_ => 3e38f)] })], file.Metadata);
        var model = ModelFile.Load(path); // every weight finite: the file itself is well formed
        var data = SeriesSet.Load(csv, Predictor.CsvOptionsFor(model));
        var e = Assert.Throws<InvalidDataException>(() => model.Predict(data));
        Assert.Contains("not finite", e.Message);
    }

    private static string WriteGood(TempDirectory dir)
    {
        string path = Path.Combine(dir.Path, "good.safetensors");
        ModelFile.Save(path, Model());
        return path;
    }
}

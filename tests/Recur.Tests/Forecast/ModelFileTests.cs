using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

public class ModelFileTests
{
    private static Forecaster Model(string cell = "lstm", int layers = 2) => Forecaster.Create(new ForecastSpec
    {
        Column = "temp_max",
        Features = ["wind", "temp_min"],
        Cell = cell,
        Hidden = 5,
        Layers = layers,
        Lookback = 12,
        Horizon = 3,
        Season = 7,
        Anchor = ForecastAnchor.Seasonal,
        TargetScaler = new StandardScaler(16.4, 7.25),
        FeatureScalers = [new StandardScaler(3.1, 1.4), new StandardScaler(8.2, 5.0)],
        Calendar = ["day_of_week", "day_of_year"],
        Step = TimeSpan.FromDays(1),
        DateFormat = "yyyy/MM/dd",
    }, new Generator(7));

    [Fact]
    public void SaveThenLoadGivesTheSameSettingsAndWeights()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        var model = Model();
        model.Net.Highway.Weight.CopyFrom(Tensor.Full(0.5f, 3, 12)); // not the zero it starts at
        ModelFile.Save(path, model);
        var loaded = ModelFile.Load(path);

        Assert.Equal(model.Spec.Column, loaded.Spec.Column);
        Assert.Equal(model.Spec.Features, loaded.Spec.Features);
        Assert.Equal(model.Spec.FeatureScalers, loaded.Spec.FeatureScalers);
        Assert.Equal(model.Spec.Calendar, loaded.Spec.Calendar);
        Assert.Equal(model.Spec with { Features = [], FeatureScalers = [], Calendar = [] },
            loaded.Spec with { Features = [], FeatureScalers = [], Calendar = [] });
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
        Assert.Equal("16.4", file.Metadata["target_mean"]);
        Assert.Equal("[\"wind\",\"temp_min\"]", file.Metadata["features"]);
        Assert.Equal("[3.1,8.2]", file.Metadata["feature_means"]);
        Assert.Equal("[\"day_of_week\",\"day_of_year\"]", file.Metadata["calendar"]);
        Assert.Equal("seasonal", file.Metadata["anchor"]);
        Assert.Equal("86400", file.Metadata["step_seconds"]);
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
        ModelFile.Save(path, model);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("head.bias", e.Message);
    }
}

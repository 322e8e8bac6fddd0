using System.Buffers.Binary;
using System.Text;
using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>
/// Every bad input to <c>recur forecast</c> and <c>recur predict</c>: exit code 2, one line on stderr, no stack
/// trace, and the files named by <c>--save</c> and <c>--plot</c> left as they were.
/// </summary>
public class ForecastBadInputTests
{
    private static readonly byte[] Old = "old contents"u8.ToArray();

    private static void AssertOneLineError(CliResult run, params string[] expected)
    {
        Assert.Equal(2, run.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.DoesNotContain("Exception", run.Stderr);
        foreach (var e in expected) Assert.Contains(e, line);
        Assert.DoesNotContain("{\"", run.Stdout); // no JSON result
    }

    /// <summary>Runs forecast on <paramref name="csv"/> with existing --plot and --save targets, and checks they survive.</summary>
    private static CliResult ForecastKeepingTargets(TempDirectory dir, string csv, string column, params string[] extra)
    {
        string plot = dir.WriteBytes("keep.png", Old), model = dir.WriteBytes("keep.safetensors", Old);
        var run = CliRunner.Run(["forecast", "--csv", csv, "--column", column, "--epochs", "1", "--hidden", "4",
            "--plot", plot, "--save", model, "--json", .. extra]);
        Assert.Equal(Old, File.ReadAllBytes(plot));
        Assert.Equal(Old, File.ReadAllBytes(model));
        Assert.Equal(["keep.png", "keep.safetensors"], dir.Files().Where(f => f.StartsWith("keep") || f.StartsWith(".keep")).Order());
        return run;
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "nope.csv");
        AssertOneLineError(ForecastKeepingTargets(dir, missing, "y"), "not found", "nope.csv");
    }

    [Fact]
    public void UnknownColumnListsTheAvailableOnes()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(120));
        AssertOneLineError(ForecastKeepingTargets(dir, csv, "temperature"), "no column 'temperature'", "available columns: 'date', 'y', 'x'");
    }

    [Fact]
    public void UnknownFeatureColumn()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(120));
        AssertOneLineError(ForecastKeepingTargets(dir, csv, "y", "--features", "x,wind"), "no column 'wind'", "available columns: 'date', 'y', 'x'");
    }

    [Fact]
    public void NonNumericCellNamesRowAndColumn()
    {
        using var dir = new TempDirectory();
        var lines = SyntheticSeries.Daily(120).Split('\n');
        lines[40] = lines[40].Split(',')[0] + ",warm," + lines[40].Split(',')[2];
        string csv = dir.Write("s.csv", string.Join('\n', lines));
        AssertOneLineError(ForecastKeepingTargets(dir, csv, "y"), "line 41", "column 'y'", "'warm' is not a number");
    }

    [Fact]
    public void TooFewRowsForLookbackHorizonAndSplit()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(50));
        AssertOneLineError(ForecastKeepingTargets(dir, csv, "y", "--lookback", "60", "--horizon", "7"),
            "50 rows are too few for lookback 60 and horizon 7");
    }

    [Fact]
    public void TooFewRowsEvenForTheDefaults()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(8));
        AssertOneLineError(ForecastKeepingTargets(dir, csv, "y"), "8 rows are too few");
    }

    [Fact]
    public void SeasonLongerThanTheHistoryBeforeTheTestPart()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(120));
        AssertOneLineError(ForecastKeepingTargets(dir, csv, "y", "--lookback", "10", "--horizon", "2", "--season", "365"),
            "season 365 is longer than");
    }

    [Fact]
    public void EveryValueMissing()
    {
        using var dir = new TempDirectory();
        AssertOneLineError(ForecastKeepingTargets(dir, DataFiles.Fixture("all_missing.csv"), "temp"), "all", "missing");
    }

    [Theory]
    [InlineData("--layers", "0")]
    [InlineData("--lookback", "0")]
    [InlineData("--horizon", "0")]
    [InlineData("--lr", "0")]
    [InlineData("--layers", "65")]      // beyond what a model file holds: refused before training, not at the save
    [InlineData("--hidden", "4097")]
    [InlineData("--lookback", "2000000000")]
    public void BadNumbers(string option, string value)
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(120));
        AssertOneLineError(ForecastKeepingTargets(dir, csv, "y", option, value), option);
    }

    [Fact]
    public void RefitWithoutFolds()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(120));
        AssertOneLineError(ForecastKeepingTargets(dir, csv, "y", "--refit"), "--refit", "--backtest");
    }

    [Fact]
    public void PlotFolderThatDoesNotExistFailsBeforeTraining()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(120));
        var run = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--plot", Path.Combine(dir.Path, "no", "p.png"));
        AssertOneLineError(run, "--plot", "does not exist");
        Assert.DoesNotContain("epoch", run.Stdout);
    }

    [Fact]
    public void OutputPathsThatAreFoldersOrMissingFoldersFailBeforeAnyWork()
    {
        using var dir = new TempDirectory();
        // recur sine: the 6000 iterations are not run for a figure that cannot be written.
        var sine = CliRunner.Run("sine", "--plot", dir.Path);
        AssertOneLineError(sine, "--plot", "is a folder");
        Assert.DoesNotContain("iteration", sine.Stdout);
        AssertOneLineError(CliRunner.Run("sine", "--plot", Path.Combine(dir.Path, "no", "s.png")), "--plot", "does not exist");
        // recur forecast --save, recur export --out.
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(120));
        var save = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--plot", Path.Combine(dir.Path, "p.png"), "--save", dir.Path);
        AssertOneLineError(save, "--save", "is a folder");
        Assert.DoesNotContain("epoch", save.Stdout);
        var model = Path.Combine(dir.Path, "m.safetensors");
        Assert.Equal(0, CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--epochs", "1", "--hidden", "2", "--plot", Path.Combine(dir.Path, "p.png"), "--save", model).ExitCode);
        AssertOneLineError(CliRunner.Run("export", model, "--out", dir.Path), "--out", "is a folder");
    }

    [Fact]
    public void ExportWithoutOutWritesTheModelsNameAsOnnx()
    {
        using var dir = new TempDirectory();
        var (model, _) = SavedModel(dir);
        var run = CliRunner.Run("export", model);
        Assert.Equal(0, run.ExitCode);
        string onnx = Path.Combine(dir.Path, "m.onnx");
        Assert.Contains("→ " + onnx, run.Stdout);
        Assert.True(new FileInfo(onnx).Length > 0);
        // A model file already named .onnx is not overwritten by its own export.
        string named = Path.Combine(dir.Path, "n.onnx");
        File.Copy(model, named);
        AssertOneLineError(CliRunner.Run("export", named), "already ends in .onnx", "--out");
        Assert.Equal(new FileInfo(model).Length, new FileInfo(named).Length);
    }

    // ---- predict ----------------------------------------------------------------------------------------

    /// <summary>A small trained model saved in <paramref name="dir"/> (trained in-process: no CLI needed).</summary>
    private static (string Model, string Csv) SavedModel(TempDirectory dir)
    {
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(120));
        string model = Path.Combine(dir.Path, "m.safetensors");
        TestModels.Fit(csv).Model.Save(model);
        return (model, csv);
    }

    [Fact]
    public void PredictMissingModelFile()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("s.csv", SyntheticSeries.Daily(30));
        AssertOneLineError(CliRunner.Run("predict", "--model", Path.Combine(dir.Path, "none.safetensors"), "--csv", csv), "not found");
    }

    [Fact]
    public void PredictTruncatedModelFile()
    {
        using var dir = new TempDirectory();
        var (model, csv) = SavedModel(dir);
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length - 10)]);
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--csv", csv), "not a valid safetensors file");
    }

    [Fact]
    public void PredictCorruptModelFile()
    {
        using var dir = new TempDirectory();
        var (model, csv) = SavedModel(dir);
        var bytes = File.ReadAllBytes(model);
        Encoding.ASCII.GetBytes("#corrupt").CopyTo(bytes, 8); // the header's JSON no longer parses
        File.WriteAllBytes(model, bytes);
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--csv", csv), "not a valid safetensors file");

        var huge = File.ReadAllBytes(model);
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue / 2); // a header length past the end
        File.WriteAllBytes(model, huge);
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--csv", csv), "not a valid safetensors file");
    }

    [Fact]
    public void PredictModelFileWithAWrongShape()
    {
        using var dir = new TempDirectory();
        var (model, csv) = SavedModel(dir);
        var file = Safetensors.Load(model);
        var tensors = file.Tensors.Select(t => t.Name == "head.weight" ? t with { Shape = [t.Shape[1], t.Shape[0]] } : t).ToList();
        Safetensors.Save(model, tensors, file.Metadata);
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--csv", csv), "head.weight", "expected [2, 4]");
    }

    [Theory]
    [InlineData("hidden_size", "5", "rnn.weight_ih_l0")]
    [InlineData("hidden_size", "many", "hidden_size")]
    [InlineData("hidden_size", null, "metadata 'hidden_size' is missing")]
    [InlineData("format", "something.else", "not a recur forecast model")]
    [InlineData("cell", "transformer", "cell")]
    [InlineData("series", "[]", "series")]
    [InlineData("series", "{\"name\": 1}", "metadata 'series'")]
    [InlineData("features", "[\"x\"]", "features")]
    [InlineData("calendar", "[\"day_of_month\"]", "day_of_month")]
    [InlineData("format_version", "99", "format_version")]
    public void PredictModelFileWithWrongMetadata(string key, string? value, string expected)
    {
        using var dir = new TempDirectory();
        var (model, csv) = SavedModel(dir);
        var file = Safetensors.Load(model);
        var metadata = file.Metadata.ToDictionary();
        if (value is null) metadata.Remove(key);
        else metadata[key] = value;
        Safetensors.Save(model, file.Tensors, metadata);
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--csv", csv), expected);
    }

    [Fact]
    public void PredictOnAFileShorterThanTheLookback()
    {
        using var dir = new TempDirectory();
        var (model, _) = SavedModel(dir);
        string shortCsv = dir.Write("short.csv", SyntheticSeries.Daily(7));
        // The rows the model reads: its lookback, or two seasons when validation picked the hybrid.
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--csv", shortCsv), "7 rows are too few", "the model reads the last");
    }

    [Fact]
    public void PredictOnAFileWithoutTheColumn()
    {
        using var dir = new TempDirectory();
        var (model, _) = SavedModel(dir);
        string other = dir.Write("other.csv", "date,z\n2020-01-01,1\n2020-01-02,2\n");
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--csv", other), "no column 'y'", "available columns: 'date', 'z'");
    }

    [Fact]
    public void PredictOnAFileWhoseRowsStepDifferently()
    {
        using var dir = new TempDirectory();
        var (model, _) = SavedModel(dir);
        var hourly = new System.Text.StringBuilder("date,y,x\n");
        for (int i = 0; i < 30; i++) hourly.Append($"{new DateTime(2020, 1, 1).AddHours(i):yyyy-MM-dd HH:mm},{i},0\n");
        string csv = dir.Write("hourly.csv", hourly.ToString());
        AssertOneLineError(CliRunner.Run("predict", "--model", model, "--csv", csv), "1 hour apart", "1 day apart");
    }
}

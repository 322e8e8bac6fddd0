using System.Text.Json;
using Recur.Forecasting;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary><c>recur forecast</c> and <c>recur predict</c> end to end on a small synthetic series, as a user runs them.</summary>
public class ForecastCommandTests
{
    private const int Rows = 200, Lookback = 14, Horizon = 3, Season = 7;

    private static string[] ForecastArgs(string csv, string dir) =>
    [
        "forecast", "--csv", csv, "--column", "y", "--lookback", $"{Lookback}", "--horizon", $"{Horizon}", "--season", $"{Season}",
        "--hidden", "8", "--epochs", "3", "--plot", Path.Combine(dir, "plot.png"), "--save", Path.Combine(dir, "model.safetensors"), "--json",
    ];

    // The daily synthetic series (150 rows) with its values multiplied by factor.
    private static string ScaledDaily(double factor) => string.Join("\n", SyntheticSeries.Daily(150).Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select((l, i) =>
        {
            var c = l.Split(',');
            return i == 0 || c[1] == "" ? l : $"{c[0]},{double.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture) * factor:R},{c[2]}";
        })) + "\n";

    [Fact]
    public void NaValuesReadACodeAsMissingInForecastAndPredict()
    {
        using var dir = new TempDirectory();
        // The daily series with NOAA's -9999 for a few missing readings.
        var lines = ScaledDaily(1).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 20; i < lines.Length; i += 31)
        {
            var c = lines[i].Split(',');
            if (c[1] != "") lines[i] = $"{c[0]},-9999,{c[2]}";
        }
        string csv = dir.Write("coded.csv", string.Join("\n", lines) + "\n");
        string model = Path.Combine(dir.Path, "m.safetensors");
        var hint = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--epochs", "1", "--hidden", "2", "--plot", Path.Combine(dir.Path, "p.png"));
        Assert.True(hint.ExitCode == 0, hint.Stderr + hint.Stdout);
        Assert.Contains("--na-values=-9999 reads it as missing", hint.Stdout);

        var fit = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--epochs", "1", "--hidden", "2", "--plot", Path.Combine(dir.Path, "p.png"),
            "--save", model, "--na-values", "-9999");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Contains("cell(s) read as missing (--na-values '-9999')", fit.Stdout);
        Assert.DoesNotContain("a missing-value code?", fit.Stdout);
        var predict = CliRunner.Run("predict", "--model", model, "--csv", csv, "--na-values=-9999", "--json");
        Assert.True(predict.ExitCode == 0, predict.Stderr + predict.Stdout);
        var json = JsonDocument.Parse(predict.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.True(json.GetProperty("missing_filled").GetInt32() > 0);
        Assert.All(json.GetProperty("forecast").EnumerateArray(), f => Assert.InRange(f.GetDouble(), -1000, 1000));
    }

    [Fact]
    public void MicroUnitSeriesPrintTheirErrorsAndForecastsNotZeros()
    {
        using var dir = new TempDirectory();
        // The daily synthetic series in millionths (a sensor in amperes, say): its errors are about 1e-7.
        string csv = dir.Write("micro.csv", ScaledDaily(1e-6));
        string model = Path.Combine(dir.Path, "m.safetensors");
        var fit = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--epochs", "1", "--hidden", "2", "--plot", Path.Combine(dir.Path, "p.png"), "--save", model);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var modelRow = fit.Stdout.Split('\n').First(l => l.Contains("model ("));
        Assert.DoesNotContain("0.000 │ 0.000", modelRow);   // RMSE and MAE
        Assert.Matches(@"\d\.\d+E-0\d", modelRow);
        var predict = CliRunner.Run("predict", "--model", model, "--csv", csv);
        Assert.True(predict.ExitCode == 0, predict.Stderr + predict.Stdout);
        Assert.Matches(@"│ \d(\.\d+)?E-06", predict.Stdout);
    }

    [Fact]
    public void HugeValuesPrintInExponentFormInsteadOfWrappingTheTable()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("huge.csv", ScaledDaily(1e12));
        var fit = CliRunner.Run("forecast", "--csv", csv, "--column", "y", "--epochs", "1", "--hidden", "2", "--plot", Path.Combine(dir.Path, "p.png"));
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var modelRow = fit.Stdout.Split('\n').First(l => l.Contains("model ("));
        Assert.Matches(@"\d\.\d+E\+1\d", modelRow);
    }

    [Fact]
    public void ForecastReportsTheProtocolAndPredictContinuesTheFile()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(Rows));
        var run = CliRunner.Run(ForecastArgs(csv, dir.Path));
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        Assert.Contains("epoch 1/3", run.Stdout);

        using var json = JsonDocument.Parse(run.LastLine);
        var root = json.RootElement;
        // The protocol, computed here from the data layer alone (no model code).
        var series = CsvSeries.Load(csv, "y");
        var y = series.Target.Values; // gaps filled linearly
        var raw = SeriesSet.Load(csv, new CsvOptions { Columns = ["y"] }).Series[0].Values; // gaps NaN: not scored
        var origins = ForecastSplit.Chronological(Rows).Origins(SeriesPart.Test, Lookback, Horizon);
        double scale = ForecastMetrics.MaseScale(raw, ForecastSplit.Chronological(Rows).TrainEnd, Season);
        var persistence = ForecastMetrics.Score(raw, origins, Horizon, Baselines.Persistence(y, origins, Horizon), scale);
        var seasonal = ForecastMetrics.Score(raw, origins, Horizon, Baselines.SeasonalNaive(y, origins, Horizon, Season), scale);
        Assert.Equal(persistence.Mase, root.GetProperty("persistence").GetProperty("mase").GetDouble(), 12);
        Assert.Equal(Rows, root.GetProperty("rows").GetInt32());
        Assert.Equal(Enumerable.Range(0, Rows).Count(i => i % 17 == 5), root.GetProperty("missing_filled").GetInt32());
        Assert.Equal(origins.Length, root.GetProperty("origins").GetInt32());
        Assert.Equal(persistence.Rmse, root.GetProperty("persistence").GetProperty("rmse").GetDouble(), 12);
        Assert.Equal(persistence.Mae, root.GetProperty("persistence").GetProperty("mae").GetDouble(), 12);
        Assert.Equal(seasonal.Rmse, root.GetProperty("seasonal_naive").GetProperty("rmse").GetDouble(), 12);
        Assert.Equal(seasonal.Mae, root.GetProperty("seasonal_naive").GetProperty("mae").GetDouble(), 12);
        double modelRmse = root.GetProperty("model").GetProperty("rmse").GetDouble();
        Assert.True(double.IsFinite(modelRmse) && modelRmse > 0);
        Assert.True(root.GetProperty("model").GetProperty("mae").GetDouble() <= modelRmse);
        Assert.True(root.GetProperty("train_seconds").GetDouble() > 0);

        var png = File.ReadAllBytes(Path.Combine(dir.Path, "plot.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        // The saved model is the one scored: it reproduces the reported test RMSE.
        string modelPath = Path.Combine(dir.Path, "model.safetensors");
        var model = ModelFile.Load(modelPath);
        var forecasts = model.ForecastSeries(model.Spec.Series[0], y, [], [.. series.Dates!.Values], origins).Point;
        Assert.Equal(modelRmse, ForecastMetrics.Score(raw, origins, Horizon, forecasts, scale).Rmse, 5);

        // predict on the file cut at the last test origin forecasts what forecast did from that origin.
        int t = origins[^1];
        string cut = dir.Write("cut.csv", string.Join('\n', File.ReadAllLines(csv)[..(t + 1)]) + "\n");
        var predict = CliRunner.Run("predict", "--model", modelPath, "--csv", cut, "--json");
        Assert.True(predict.ExitCode == 0, predict.Stderr + predict.Stdout);
        using var p = JsonDocument.Parse(predict.LastLine);
        Assert.Equal("y", p.RootElement.GetProperty("column").GetString());
        Assert.Equal(Horizon, p.RootElement.GetProperty("horizon").GetInt32());
        var values = p.RootElement.GetProperty("forecast").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(forecasts[^Horizon..], values, (a, b) => Math.Abs(a - b) < 1e-5);
        var lastDate = series.Dates.Values[t - 1];
        Assert.Equal([.. Enumerable.Range(1, Horizon).Select(k => lastDate.AddDays(k).ToString("yyyy-MM-dd"))],
            p.RootElement.GetProperty("dates").EnumerateArray().Select(d => d.GetString()!).ToArray());

        // Without --json: a table of the dated values after the whole file's last row (2020-07-18).
        var table = CliRunner.Run("predict", "--model", modelPath, "--csv", csv);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("2020-07-19", table.Stdout);
        Assert.Contains("2020-07-21", table.Stdout);
        Assert.DoesNotContain("2020-07-22", table.Stdout);
        Assert.DoesNotContain("{", table.Stdout);

        // --out writes the same forecasts as CSV (atomically, no temporary file left); --plot draws them after the history.
        string outCsv = Path.Combine(dir.Path, "next.csv"), plot = Path.Combine(dir.Path, "next.png");
        var saved = CliRunner.Run("predict", "--model", modelPath, "--csv", cut, "--out", outCsv, "--plot", plot, "--json");
        Assert.True(saved.ExitCode == 0, saved.Stderr + saved.Stdout);
        var lines = File.ReadAllLines(outCsv);
        Assert.Equal("series,step,date,point,q0.1,q0.5,q0.9", lines[0]);
        Assert.Equal(1 + Horizon, lines.Length);
        for (int h = 0; h < Horizon; h++)
        {
            var f = lines[1 + h].Split(',');
            Assert.Equal(["y", (h + 1).ToString(), lastDate.AddDays(h + 1).ToString("yyyy-MM-dd")], f[..3]);
            Assert.Equal(values[h], double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), 1e-9);
            Assert.True(double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture) <= double.Parse(f[6], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(0x89, File.ReadAllBytes(plot)[0]); // PNG
        using var savedJson = JsonDocument.Parse(saved.LastLine);
        Assert.Equal(outCsv, savedJson.RootElement.GetProperty("out_file").GetString());
        Assert.Equal(plot, savedJson.RootElement.GetProperty("plot").GetString());
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(Recur.IO.AtomicFile.TempSuffix, StringComparison.Ordinal));
        // A folder that does not exist is refused before any work.
        var bad = CliRunner.Run("predict", "--model", modelPath, "--csv", cut, "--out", Path.Combine(dir.Path, "no", "x.csv"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--out", bad.Stderr);
    }

    [Fact]
    public void TheSameSeedGivesTheSameNumbers()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(Rows));
        var options = new ForecastOptions
        {
            Lookback = Lookback, Horizon = Horizon, Season = Season, Hidden = 8,
            Training = new TrainingOptions { Epochs = 2 },
        };
        double Rmse(long seed) => TestModels.Fit(csv, options with { Seed = seed }).Training.BestValidationLoss;
        Assert.Equal(Rmse(3), Rmse(3));
        Assert.NotEqual(Rmse(3), Rmse(4));
    }
}

using System.Globalization;
using Recur.Cli.Commands;
using Recur.Forecasting;
using Recur.Nn;

namespace Recur.Onnx.Tests;

/// <summary>
/// <c>recur export</c> of forecasters, run in ONNX Runtime against <c>recur predict</c> (Forecaster.Predict on a CSV) for every
/// method, every transform, known-future and calendar inputs, global models of several series and several history lengths.
/// The CSV holds values that are exact float32 numbers, so the file's float32 inputs and predict's doubles are the same numbers;
/// what differs is the network's float32 arithmetic in ONNX Runtime against Recur's (the rest of the graph is float64, as
/// predict is), and the forecast's rounding to float32 at the end: both well inside 1e-5·max(1, |y|).
/// </summary>
public class ForecasterExportTests
{
    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"recur-onnx-{Guid.NewGuid():N}-{name}");

    private static readonly double[] Levels = [0.1, 0.5, 0.9];
    private const int L = 12, H = 9, Season = 7;

    /// <summary>A model's settings for a test: per series its method, transform and Holt-Winters season.</summary>
    /// <param name="Calibration">The model's <see cref="ForecastSpec.CalibrationWindow"/> (0: static intervals).</param>
    /// <param name="Gaps">Missing values in the histories given to predict and the file (never the last row).</param>
    /// <param name="Embedding">The series embedding of a global model (<see cref="ForecastSpec.SeriesEmbedding"/>).</param>
    /// <param name="Learned">Learned quantiles (<see cref="ForecastSpec.LearnedQuantiles"/>), each series its own spread scale.</param>
    /// <param name="Gaussian">With <paramref name="Learned"/>: the distribution head (<see cref="ForecastSpec.Gaussian"/>) instead of the pinball heads.</param>
    internal sealed record Setup(string[] Methods, SeriesTransform[] Transforms, int Features = 1, int Known = 0, int Calendar = 0,
        string Cell = "gru", ForecastAnchor Anchor = ForecastAnchor.Last, int[]? HwSeasons = null, int Calibration = 0, bool Gaps = false,
        int Lookback = L, int Horizon = H, int SeasonLength = Season, double[]? Levels = null, int Hidden = 5, int Layers = 2, bool Embedding = false,
        bool Learned = false, bool Gaussian = false)
    {
        public double[] Quantiles => Levels ?? ForecasterExportTests.Levels;

        public int Count => Methods.Length;

        public string[] Names => Count == 1 ? ["y"] : [.. Enumerable.Range(0, Count).Select(i => $"s{i}")];
    }

    /// <summary>Generated data: per series values (n rows) and inputs and dates over n + H rows, each an exact float32.</summary>
    private sealed record Data(double[][] Values, double[][][] Inputs, DateTime[] Dates);

    private static double F32(double v) => (float)v;

    private static Data Generate(Setup setup, int n, int seed, bool gaps = false)
    {
        int H = setup.Horizon, Season = setup.SeasonLength;
        var rng = new Generator(seed);
        int rows = n + H, inputs = setup.Features + setup.Known;
        var values = new double[setup.Count][];
        var ins = new double[setup.Count][][];
        for (int i = 0; i < setup.Count; i++)
        {
            values[i] = [.. Enumerable.Range(0, n).Select(t => F32(20 + 5 * i + 6 * Math.Sin(2 * Math.PI * t / Season + i) + 0.05 * t + rng.NextNormal()))];
            ins[i] = [.. Enumerable.Range(0, inputs).Select(c => Enumerable.Range(0, rows)
                .Select(t => F32(c < setup.Features ? 3 + c + Math.Cos(t / 3.0 + i) : (t + c) % Season == 5 ? 1 + 0.5 * c : 0.25 * rng.NextNormal())).ToArray())];
            if (!gaps) continue;
            // A leading gap, a run of two, single ones near the end (recur predict fills them linearly); inputs only in the history.
            foreach (int t in new[] { 0, 5, 6, n / 2 + i, n - 3 }.Where(t => t < n - 1)) values[i][t] = double.NaN;
            foreach (var c in ins[i])
                foreach (int t in new[] { 1 + i, n / 3, n - 2 }.Where(t => t < n)) c[t] = double.NaN;
        }
        return new Data(values, ins, [.. Enumerable.Range(0, rows).Select(t => new DateTime(2021, 1, 1).AddDays(t))]);
    }

    /// <summary>A forecaster with the setup's per-series state fitted on <paramref name="data"/> and a perturbed network.</summary>
    internal static Forecaster Build(Setup setup, int seed = 21)
    {
        int L = setup.Lookback, H = setup.Horizon, Season = setup.SeasonLength;
        var Levels = setup.Quantiles;
        var data = Generate(setup, 60, seed + 1);
        var names = setup.Names;
        var featureNames = Enumerable.Range(0, setup.Features).Select(f => $"f{f}").ToArray();
        var knownNames = Enumerable.Range(0, setup.Known).Select(k => $"k{k}").ToArray();
        var series = new SeriesState[setup.Count];
        for (int i = 0; i < setup.Count; i++)
        {
            var t = setup.Transforms[i];
            var z = t.Forward(data.Values[i]);
            var scaler = StandardScaler.Fit(z);
            int m = setup.HwSeasons?[i] ?? Season;
            series[i] = new SeriesState
            {
                Name = names[i],
                Transform = t,
                Scaler = scaler,
                InputScalers = [.. data.Inputs[i].Select(c => StandardScaler.Fit(c.AsSpan(0, 60)))],
                TrainMean = scaler.Mean,
                HoltWinters = m > 1 ? new HoltWinters(m, 0.3 + 0.05 * i, 0.1, 0.15, 0.9) : new HoltWinters(1, 0.5, 0.2, 0, 0.85),
                Method = setup.Methods[i],
                Offsets = [.. Levels.Select(q => Enumerable.Range(0, H).Select(h => 2.5 * (q - 0.5) * (1 + 0.1 * h + 0.05 * i)).ToArray())],
                QuantileScale = setup.Learned ? 0.8 + 0.15 * i : 1,
            };
        }
        var spec = new ForecastSpec
        {
            ValueColumn = "y",
            SeriesIdColumn = setup.Count > 1 ? "id" : null,
            Features = featureNames,
            KnownFuture = knownNames,
            Cell = setup.Cell,
            Hidden = setup.Hidden,
            Layers = setup.Layers,
            Lookback = L,
            Horizon = H,
            Season = Season,
            Anchor = setup.Anchor,
            Calendar = [.. new[] { "day_of_week", "day_of_year" }.Take(setup.Calendar)],
            Step = new DateStep(DateStepUnit.Duration, TimeSpan.FromDays(1), 0),
            DateFormat = "yyyy-MM-dd",
            Quantiles = Levels,
            Series = series,
            CalibrationWindow = setup.Calibration,
            SeriesEmbedding = setup.Embedding && setup.Count > 1,
            CalibrationPrior = setup.Calibration > 0 ? H * H / 2.0 : 0,
            LearnedQuantiles = setup.Learned,
            Gaussian = setup.Learned && setup.Gaussian,
        };
        var rng = new Generator(seed);
        var model = Forecaster.Create(spec, rng);
        foreach (var p in model.Net.Parameters()) p.CopyFrom(p + Tensor.Randn(rng, p.Shape) * 0.3f);
        return model;
    }

    private static string Num(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The data as the CSV recur predict reads: a long file (id column) for several series; H trailing rows without a value.</summary>
    private static void WriteCsv(string path, ForecastSpec spec, Data data)
    {
        bool many = spec.Series.Length > 1;
        var header = (many ? "id,date,y" : "date,y") + string.Concat(spec.Features.Concat(spec.KnownFuture).Select(c => "," + c));
        var lines = new List<string> { header };
        for (int i = 0; i < spec.Series.Length; i++)
            for (int t = 0; t < data.Dates.Length; t++)
                lines.Add((many ? spec.Series[i].Name + "," : "") + $"{data.Dates[t]:yyyy-MM-dd}," + (t < data.Values[i].Length ? Num(data.Values[i][t]) : "")
                          + string.Concat(data.Inputs[i].Select(c => "," + Num(c[t]))));
        File.WriteAllLines(path, lines);
    }

    /// <summary>
    /// The file's inputs for the rows <paramref name="order"/> (series indices), from the same data: the input columns over every
    /// row (<paramref name="full"/>) or only over the rows the graph reads.
    /// </summary>
    private static Ort.Value[] OrtInputs(ForecastSpec spec, Data data, int[] order, bool full)
    {
        int L = spec.Lookback, H = spec.Horizon;
        int n = data.Values[0].Length, N = order.Length, F = spec.Features.Length, K = spec.KnownFuture.Length, C = 2 * spec.Calendar.Length;
        var inputs = new List<Ort.Value> { new("history", [.. order.SelectMany(i => data.Values[i].Select(v => (float)v))], null, [N, n]) };
        if (spec.Series.Length > 1) inputs.Add(new("series", null, [.. order.Select(i => (long)i)], [N]));
        float[] Rows(int from, int count, Func<int, int, IEnumerable<double>> at) =>
            [.. order.SelectMany(i => Enumerable.Range(from, count).SelectMany(t => at(i, t).Select(v => (float)v)))];
        // The rows the graph reads: the lookback, and with recalibrated intervals the W + H − 1 origins before the forecast's.
        int read = L + (spec.CalibrationWindow > 0 ? spec.CalibrationWindow + H - 1 : 0);
        int past = full ? n : Math.Min(n, read), from = n - past;
        if (F > 0) inputs.Add(new("features", Rows(from, past, (i, t) => data.Inputs[i].Take(F).Select(c => c[t])), null, [N, past, F]));
        if (K > 0) inputs.Add(new("known_future", Rows(from, past + H, (i, t) => data.Inputs[i].Skip(F).Select(c => c[t])), null, [N, past + H, K]));
        if (C > 0)
        {
            var channels = CalendarFeatures.Channels(spec.Calendar, data.Dates);
            inputs.Add(new("calendar", Rows(from, past + H, (_, t) => channels.Select(c => c[t])), null, [N, past + H, C]));
        }
        return [.. inputs];
    }

    /// <summary>Saves, exports and checks the file against recur predict at each history length; returns the export's info.</summary>
    /// <param name="networkSlack">
    /// 0: every element within 1e-5·max(1, |y|). Else also + slack·std·|dy/dz| for a series whose method reads the network: the
    /// network's float32 arithmetic differs between ONNX Runtime's kernels and Recur's by about 1e-6 in its scaled units, which
    /// the series' scaling (std, of the transformed values) and the inverse transform (dy/dz: 1, y, or y^(1−λ) for Box-Cox)
    /// carry into the series' units: a strong Box-Cox (λ = 1.7) can take that past 1e-5·|y| on small values.
    /// </param>
    internal static OnnxModelInfo CheckAgainstPredict(Forecaster model, Setup setup, int[] lengths, double networkSlack = 0)
    {
        string path = Temp("model.safetensors"), onnx = Temp("model.onnx"), csv = Temp("data.csv");
        try
        {
            model.Save(path);
            var info = ExportCommand.Export(path, onnx);
            var loaded = Forecaster.Load(path);
            var bytes = File.ReadAllBytes(onnx);
            var order = Enumerable.Range(0, setup.Count).Reverse().ToArray();   // rows not in the model's order: the series input picks
            foreach (var (n, run) in lengths.Select((n, i) => (n, i)))
            {
                var data = Generate(setup, n, 100 + n, setup.Gaps);
                WriteCsv(csv, loaded.Spec, data);
                var predicted = loaded.Predict(SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded)));
                // Input columns with gaps go whole: a gap at the first row given would be filled from one side only.
                var got = Ort.Run(bytes, OrtInputs(loaded.Spec, data, order, full: run % 2 == 0 || setup.Gaps));
                var byName = order.Select(i => predicted.Single(p => p.Series == loaded.Spec.Series[i].Name)).ToArray();
                string what = $"{string.Join("/", setup.Methods)} {string.Join("/", setup.Transforms.Select(t => $"{t.Kind}({t.Lambda})"))} at {n} rows";
                int H = loaded.Spec.Horizon, Q = loaded.Spec.Quantiles.Length;
                double[] forecast = [.. byName.SelectMany(p => p.Values)], quantiles = [.. byName.SelectMany(p => p.Quantiles.SelectMany(q => q))];
                if (networkSlack == 0)
                    Ort.AssertClose($"forecast of {what}", [.. forecast.Select(v => (float)v)], [order.Length, H], got["forecast"]);
                else
                    AssertPropagated($"forecast of {what}", forecast, got["forecast"], i => loaded.Spec.Series[order[i / H]], networkSlack);
                if (Q == 0)
                    Assert.False(got.ContainsKey("quantiles"));
                else if (networkSlack == 0)
                    Ort.AssertClose($"quantiles of {what}", [.. quantiles.Select(v => (float)v)], [order.Length, Q, H], got["quantiles"]);
                else
                    AssertPropagated($"quantiles of {what}", quantiles, got["quantiles"], i => loaded.Spec.Series[order[i / (Q * H)]], networkSlack);
            }
            return info;
        }
        finally
        {
            foreach (var f in new[] { path, onnx, csv }) File.Delete(f);
        }
    }

    /// <summary>|Δ| ≤ 1e-5·max(1, |y|) + slack·std·|dy/dz| elementwise, the second term only for series that read the network.</summary>
    private static void AssertPropagated(string what, double[] expected, (float[] Data, int[] Shape) actual, Func<int, SeriesState> seriesOf, double slack)
    {
        Assert.Equal(expected.Length, actual.Data.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            var s = seriesOf(i);
            double y = expected[i];
            double slope = s.Transform.Kind == "none" ? 1 : s.Transform.Lambda == 0 ? Math.Abs(y) : Math.Pow(Math.Abs(y), 1 - s.Transform.Lambda);
            double tolerance = 1e-5 * Math.Max(1, Math.Abs(y)) + (ForecastMethods.UsesNetwork(s.Method) ? slack * s.Scaler.Std * slope : 0);
            Assert.True(Math.Abs(actual.Data[i] - y) <= tolerance, $"{what}: element {i}: {actual.Data[i]} vs expected {y} (tolerance {tolerance:E2}, {s.Method}, {s.Transform.Kind} λ {s.Transform.Lambda}, std {s.Scaler.Std:G4})");
        }
    }

    private static readonly SeriesTransform BoxCox = new("boxcox", 0.5);

    public static TheoryData<string, string> MethodsAndTransforms()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in ForecastMethods.Names)
            foreach (var t in new[] { "none", "log", "boxcox" })
                data.Add(m, t);
        return data;
    }

    [Theory]
    [MemberData(nameof(MethodsAndTransforms))]
    public void EveryMethodAndTransformMatchesRecurPredict(string method, string transform)
    {
        int k = ForecastMethods.Names.ToList().IndexOf(method);
        var t = transform switch { "log" => SeriesTransform.Log, "boxcox" => BoxCox, _ => SeriesTransform.None };
        // Vary the rest with the method: cell, anchor, known-future and calendar inputs.
        // Vary the rest with the method: cell, anchor, known-future and calendar inputs; intervals recalibrated on recent
        // residuals (as fitted models do) except with the log transform; gaps in the histories with the Box-Cox one.
        var setup = new Setup([method], [t], Features: k % 2, Known: k % 3 == 0 ? 1 : 0, Calendar: k % 2 == 0 ? 1 : 0,
            Cell: new[] { "gru", "lstm", "rnn" }[k % 3],
            Anchor: ForecastMethods.IsHybrid(method) ? ForecastAnchor.HoltWinters : k % 2 == 0 ? ForecastAnchor.Seasonal : ForecastAnchor.Last,
            Calibration: transform == "log" ? 0 : 10, Gaps: transform == "boxcox");
        var info = CheckAgainstPredict(Build(setup), setup, [L + 3, 30, 77]);
        Assert.Equal("history: float32[batch, time]", info.Inputs[0].ToString());
        Assert.Equal([$"forecast: float32[batch, {H}]", $"quantiles: float32[batch, 3, {H}]"], info.Outputs.Select(o => o.ToString()));
    }

    [Fact]
    public void AGlobalModelOfSeveralSeriesMatchesRecurPredict()
    {
        // Every method at once, each series its own transform and Holt-Winters season (a short series fits none: m = 1).
        var setup = new Setup(
            ["ensemble", "holt-winters", "drift", "network", "network+holt-winters", "seasonal naive", "mean", "persistence"],
            [SeriesTransform.None, SeriesTransform.Log, BoxCox, SeriesTransform.None, new SeriesTransform("boxcox", 1.3), SeriesTransform.Log, BoxCox, SeriesTransform.None],
            Features: 2, Known: 2, Calendar: 2, Cell: "lstm", Anchor: ForecastAnchor.Seasonal, HwSeasons: [7, 1, 7, 7, 1, 7, 7, 7],
            Calibration: 14, Gaps: true, Embedding: true);
        var info = CheckAgainstPredict(Build(setup, seed: 5), setup, [20, 41, 66]);
        Assert.Equal(["history: float32[batch, time]", "series: int64[batch]", "features: float32[batch, feature_rows, 2]",
            "known_future: float32[batch, known_rows, 2]", "calendar: float32[batch, calendar_rows, 4]"], info.Inputs.Select(i => i.ToString()));
    }

    [Fact]
    public void AGlobalHybridModelMatchesRecurPredict()
    {
        // The hybrid's network reads each series' Holt-Winters one-step errors and adds its forecast: series with and without a
        // season (m = 1) in one batch, beside baselines, every transform, gaps, recalibrated intervals.
        var setup = new Setup(["hybrid", "hybrid", "holt-winters", "mean", "hybrid"],
            [SeriesTransform.None, SeriesTransform.Log, BoxCox, SeriesTransform.None, new SeriesTransform("boxcox", 1.3)],
            Features: 1, Known: 1, Calendar: 1, Cell: "gru", Anchor: ForecastAnchor.HoltWinters, HwSeasons: [7, 1, 7, 7, 1],
            Calibration: 8, Gaps: true, Embedding: true);
        var info = CheckAgainstPredict(Build(setup, seed: 8), setup, [20, 47]);
        Assert.Equal("forecast: float32[batch, 9]", info.Outputs[0].ToString());
    }

    [Fact]
    public void LearnedQuantilesOfAGlobalModelMatchRecurPredict()
    {
        // The network's quantile head for the series whose method reads the network (scaled by their own factor, recalibrated on
        // the recent residuals in units of the head's spread), conformal offsets for the baselines, in one batch.
        var setup = new Setup(["network", "holt-winters", "network+holt-winters", "ensemble", "mean"],
            [SeriesTransform.None, SeriesTransform.Log, BoxCox, SeriesTransform.None, SeriesTransform.Log],
            Features: 1, Known: 1, Calendar: 1, Cell: "gru", Anchor: ForecastAnchor.Seasonal, HwSeasons: [7, 1, 7, 7, 7],
            Calibration: 10, Gaps: true, Embedding: true, Learned: true, Levels: [0.05, 0.1, 0.5, 0.9]);
        var info = CheckAgainstPredict(Build(setup, seed: 11), setup, [25, 52]);
        Assert.Equal("quantiles: float32[batch, 4, 9]", info.Outputs[1].ToString());

        // A learned hybrid alone, static intervals (no calibration window).
        var hybrid = new Setup(["hybrid"], [SeriesTransform.None], Anchor: ForecastAnchor.HoltWinters, Learned: true);
        CheckAgainstPredict(Build(hybrid, seed: 12), hybrid, [30, 41]);
    }

    [Fact]
    public void ARowNeedsOnlyTheHistoryItsOwnMethodReads()
    {
        // Holt-Winters with season 7 needs 14 rows and seasonal naive 7, but the persistence, network and mean rows of the same
        // batch are forecast from 3 (the lookback), as recur predict forecasts those series of a file without the others.
        var setup = new Setup(["persistence", "holt-winters", "network", "mean", "seasonal naive"], [.. Enumerable.Repeat(SeriesTransform.None, 5)],
            Features: 1, Known: 1, Lookback: 3, Horizon: 4, SeasonLength: 7, HwSeasons: [7, 7, 7, 7, 7], Calibration: 3);
        var model = Build(setup);
        string path = Temp("short.safetensors"), onnx = Temp("short.onnx"), csv = Temp("short.csv");
        try
        {
            model.Save(path);
            ExportCommand.Export(path, onnx);
            var loaded = Forecaster.Load(path);
            int[] rows = [0, 2, 3];                                                    // the series that 3 to 6 rows can forecast
            foreach (int n in new[] { 3, 4, 6 })
            {
                var data = Generate(setup, n, 7 + n);
                var spec = loaded.Spec with { Series = [.. rows.Select(i => loaded.Spec.Series[i])] };
                WriteCsv(csv, spec, data with { Values = [.. rows.Select(i => data.Values[i])], Inputs = [.. rows.Select(i => data.Inputs[i])] });
                var predicted = loaded.Predict(SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded)));
                Assert.Equal(rows.Length, predicted.Count);
                var got = Ort.Run(File.ReadAllBytes(onnx), OrtInputs(loaded.Spec, data, rows, full: true));
                var want = rows.Select(i => predicted.Single(p => p.Series == loaded.Spec.Series[i].Name)).ToArray();
                Ort.AssertClose($"short history of {n} rows", [.. want.SelectMany(p => p.Values.Select(v => (float)v))], [rows.Length, 4], got["forecast"]);
                Ort.AssertClose($"quantiles at {n} rows", [.. want.SelectMany(p => p.Quantiles.SelectMany(q => q.Select(v => (float)v)))], [rows.Length, 3, 4], got["quantiles"]);
            }
        }
        finally
        {
            foreach (var f in new[] { path, onnx, csv }) File.Delete(f);
        }
    }

    public static TheoryData<string> FitMethods() => [.. ForecastMethods.Names.Prepend("auto")];

    [Theory]
    [MemberData(nameof(FitMethods))]
    public void AFittedModelMatchesRecurPredict(string method) => FitExportAndCheck(method, "conformal");

    [Theory]
    [InlineData("auto")]
    [InlineData("network")]
    public void AFittedModelWithLearnedQuantilesMatchesRecurPredict(string method) => FitExportAndCheck(method, "learned");

    [Fact]
    public void AFittedModelWithAGaussianHeadMatchesRecurPredict() => FitExportAndCheck("network", "gaussian");

    private static void FitExportAndCheck(string method, string intervals)
    {
        // A real fit (one epoch) of three related series with a known-future column, the transform chosen on validation, and
        // the method forced (recur forecast --method) or chosen per series (auto).
        string csv = Temp("fit.csv"), path = Temp("fit.safetensors"), onnx = Temp("fit.onnx");
        try
        {
            var rng = new Generator(9);
            var lines = new List<string> { "id,date,y,promo" };
            int rows = 150;
            for (int s = 0; s < 3; s++)
                for (int i = 0; i < rows + 4; i++)
                {
                    double promo = (i + s) % 9 == 0 ? 1 : 0;
                    string y = i < rows ? Num(F32(30 + 10 * s + 6 * Math.Sin(i / (2.0 + s)) + 4 * promo + 0.03 * i * s + rng.NextNormal())) : "";
                    lines.Add(FormattableString.Invariant($"{"abc"[s]},{new DateTime(2020, 1, 1).AddDays(i):yyyy-MM-dd},{y},{promo}"));
                }
            File.WriteAllLines(csv, lines);
            var data = SeriesSet.Load(csv, new CsvOptions { Columns = ["y"], SeriesId = "id", KnownFuture = ["promo"], KeepTrailingMissing = true });
            var options = new ForecastOptions
            {
                Lookback = 14, Horizon = 4, Season = 7, Transform = "auto", Hidden = 8, Method = method, Intervals = intervals, Training = new TrainingOptions { Epochs = 1 },
            };
            var model = Forecaster.Fit(data, options).Model;
            Assert.Equal(intervals != "conformal", model.Spec.LearnedQuantiles);
            Assert.Equal(intervals == "gaussian", model.Spec.Gaussian);
            if (method != "auto") Assert.All(model.Spec.Series, s => Assert.Equal(method, s.Method));
            model.Save(path);
            var info = ExportCommand.Export(path, onnx);
            Assert.Contains(info.Inputs, i => i.Name == "known_future");

            var loaded = Forecaster.Load(path);
            var spec = loaded.Spec;
            var predicted = loaded.Predict(SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded)));
            int N = spec.Series.Length, Lb = spec.Lookback, Hz = spec.Horizon, C = 2 * spec.Calendar.Length;
            var history = spec.Series.SelectMany(s => data.Series.Single(x => x.Name == s.Name).Values.Take(rows).Select(v => (float)v)).ToArray();
            // The input columns as whole columns of the file: every row, the H future ones included.
            var inputs = new List<Ort.Value>
            {
                new("history", history, null, [N, rows]),
                new("series", null, [.. Enumerable.Range(0, N).Select(i => (long)i)], [N]),
                new("known_future", [.. spec.Series.SelectMany(s => data.Series.Single(x => x.Name == s.Name).Inputs[0].Take(rows + Hz).Select(v => (float)v))], null, [N, rows + Hz, 1]),
            };
            if (C > 0)
            {
                var channels = CalendarFeatures.Channels(spec.Calendar, [.. Enumerable.Range(0, rows + Hz).Select(i => new DateTime(2020, 1, 1).AddDays(i))]);
                inputs.Add(new("calendar", [.. Enumerable.Range(0, N).SelectMany(_ => Enumerable.Range(0, rows + Hz).SelectMany(t => channels.Select(c => (float)c[t])))], null, [N, rows + Hz, C]));
            }
            var got = Ort.Run(File.ReadAllBytes(onnx), [.. inputs]);
            var want = spec.Series.Select(s => predicted.Single(p => p.Series == s.Name)).ToArray();
            Ort.AssertClose($"fitted model ({string.Join(", ", spec.Series.Select(s => $"{s.Method}/{s.Transform.Kind}"))}) vs recur predict",
                [.. want.SelectMany(p => p.Values.Select(v => (float)v))], [N, Hz], got["forecast"]);
            Ort.AssertClose("fitted quantiles", [.. want.SelectMany(p => p.Quantiles.SelectMany(q => q.Select(v => (float)v)))], [N, spec.Quantiles.Length, Hz], got["quantiles"]);
        }
        finally
        {
            foreach (var f in new[] { csv, path, onnx }) File.Delete(f);
        }
    }
    [Fact]
    public void TheDocsCSharpExampleMatchesRecurPredict()
    {
        // docs/ONNX.md's C# example, statement for statement, on a file shaped like seattle-weather.csv (two series, two features).
        string csv = Temp("weather.csv"), path = Temp("weather.safetensors"), onnx = Temp("weather.onnx");
        try
        {
            var rng = new Generator(3);
            var lines = new List<string> { "date,precipitation,temp_max,temp_min,wind,weather" };
            for (int i = 0; i < 400; i++)
            {
                double rain = Math.Max(0, rng.NextNormal() * 3), season = 8 * Math.Sin(2 * Math.PI * i / 365.25);
                string line = FormattableString.Invariant($"{new DateTime(2012, 1, 1).AddDays(i):yyyy/MM/dd},{rain:0.0},{16 + season - 0.3 * rain + rng.NextNormal():0.0},{8 + season + rng.NextNormal():0.0},{3 + Math.Abs(rng.NextNormal()):0.0},rain");
                var cells = line.Split(',');
                if (i % 97 == 50) cells[2] = "";                                 // a few missing temperatures and winds: NaN in the file's input
                if (i % 89 == 30) cells[4] = "";
                lines.Add(string.Join(",", cells));
            }
            File.WriteAllLines(csv, lines);
            var fitData = SeriesSet.Load(csv, new CsvOptions { Columns = ["temp_max", "temp_min"], Features = ["precipitation", "wind"] });
            Forecaster.Fit(fitData, new ForecastOptions { Hidden = 8, Training = new TrainingOptions { Epochs = 1 } }).Model.Save(path);
            ExportCommand.Export(path, onnx);
            var model = Forecaster.Load(path);
            string[] cycles = model.Spec.Calendar;       // the docs' model has ["day_of_week", "day_of_year"]
            int horizon = model.Spec.Horizon;            // the docs' has 7

            var data = SeriesSet.Load(csv, new CsvOptions { Columns = ["temp_max", "temp_min"], Features = ["precipitation", "wind"] });
            int N = 2, T = data.Series[0].Length, H = horizon;
            float[] history = [.. data.Series.SelectMany(s => s.Values.Select(v => (float)v))];
            float[] features = [.. data.Series.SelectMany(s => Enumerable.Range(0, T).SelectMany(t => s.Inputs.Select(c => (float)c[t])))];
            var dates = data.Series[0].Dates!.Concat(Enumerable.Range(1, H).Select(h => data.Series[0].Dates![^1].AddDays(h))).ToArray();
            var channels = CalendarFeatures.Channels(cycles, dates);
            float[] calendar = [.. Enumerable.Range(0, N).SelectMany(_ => Enumerable.Range(0, T + H).SelectMany(t => channels.Select(c => (float)c[t])))];

            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
            var feeds = new List<Microsoft.ML.OnnxRuntime.NamedOnnxValue>
            {
                Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("history", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(history, new[] { N, T })),
                Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("series", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>(new long[] { 0, 1 }, new[] { N })),
                Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("features", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(features, new[] { N, T, 2 })),
            };
            if (cycles.Length > 0)
                feeds.Add(Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("calendar", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(calendar, new[] { N, T + H, 2 * cycles.Length })));
            using var results = session.Run(feeds);
            var forecast = results.First(r => r.Name == "forecast").AsTensor<float>();
            var quantiles = results.First(r => r.Name == "quantiles").AsTensor<float>();

            var predicted = model.Predict(SeriesSet.Load(csv, Predictor.CsvOptionsFor(model)));
            var want = model.Spec.Series.Select(s => predicted.Single(p => p.Series == s.Name)).ToArray();
            Assert.Equal(["temp_max", "temp_min"], model.Spec.Series.Select(s => s.Name));
            Ort.AssertClose("docs example forecast", [.. want.SelectMany(p => p.Values.Select(v => (float)v))], [N, H], (forecast.ToArray(), forecast.Dimensions.ToArray()));
            Ort.AssertClose("docs example quantiles", [.. want.SelectMany(p => p.Quantiles.SelectMany(q => q.Select(v => (float)v)))], [N, 3, H], (quantiles.ToArray(), quantiles.Dimensions.ToArray()));
        }
        finally
        {
            foreach (var f in new[] { csv, path, onnx }) File.Delete(f);
        }
    }
}

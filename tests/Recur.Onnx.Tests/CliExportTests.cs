using System.Text;
using Recur.Cli.Commands;
using Recur.Forecasting;
using Recur.Nn;
using Recur.Text;

namespace Recur.Onnx.Tests;

/// <summary><c>recur export</c> on the two kinds of model file the CLI saves, checked in ONNX Runtime against Recur.</summary>
public class CliExportTests
{
    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"recur-onnx-{Guid.NewGuid():N}-{name}");

    private static void Perturb(Module m, Generator rng)
    {
        foreach (var p in m.Parameters()) p.CopyFrom(p + Tensor.Randn(rng, p.Shape) * 0.3f);
    }

    [Fact]
    public void CharLmFileExportsWithStateInAndOut()
    {
        var vocab = CharVocabulary.FromText("hello, world! ONNX");
        var model = new CharLm(new CharLmConfig(vocab.Count, 5, 7, 2, 0.2f), new Generator(11));
        string path = Temp("charlm.safetensors"), onnx = Temp("charlm.onnx");
        try
        {
            CharLmFile.Save(path, model, vocab);
            var info = ExportCommand.Export(path, onnx);
            Assert.Equal(new[] { "input: int64[batch, seq]", "h0: float32[2, batch, 7]", "c0: float32[2, batch, 7]" }, info.Inputs.Select(i => i.ToString()));
            Assert.Equal(new[] { $"logits: float32[batch, seq, {vocab.Count}]", "h_n: float32[2, batch, 7]", "c_n: float32[2, batch, 7]" }, info.Outputs.Select(i => i.ToString()));
            var bytes = File.ReadAllBytes(onnx);
            model.Eval();
            var rng = new Generator(12);
            foreach (var (batch, seq) in new[] { (1, 1), (3, 5), (2, 9) })
            {
                var idx = new IndexTensor(Enumerable.Range(0, batch * seq).Select(_ => (long)rng.NextInt(vocab.Count)).ToArray(), batch, seq);
                var h0 = Tensor.Randn(rng, 2, batch, 7);
                var c0 = Tensor.Randn(rng, 2, batch, 7);
                var (logits, state) = model.Forward(idx, new RnnState(h0, c0));
                var got = Ort.Run(bytes, Ort.Value.Of("input", idx), Ort.Value.Of("h0", h0), Ort.Value.Of("c0", c0));
                Ort.AssertClose("logits", logits.ToArray(), logits.Shape, got["logits"]);
                Ort.AssertClose("h_n", state.H.ToArray(), state.H.Shape, got["h_n"]);
                Ort.AssertClose("c_n", state.C!.ToArray(), state.C.Shape, got["c_n"]);
            }

            // Streaming: one character at a time with the state fed back equals one call over the text.
            var text = new IndexTensor(vocab.Encode("hello world").Select(i => (long)i).ToArray(), 1, 11);
            var zeros = new float[2 * 7];
            var whole = Ort.Run(bytes, Ort.Value.Of("input", text), new Ort.Value("h0", zeros, null, new[] { 2, 1, 7 }), new Ort.Value("c0", zeros, null, new[] { 2, 1, 7 }));
            float[] h = zeros, c = zeros;
            var steps = new List<float>();
            for (int t = 0; t < 11; t++)
            {
                var one = new IndexTensor(new[] { text.Data[t] }, 1, 1);
                var r = Ort.Run(bytes, Ort.Value.Of("input", one), new Ort.Value("h0", h, null, new[] { 2, 1, 7 }), new Ort.Value("c0", c, null, new[] { 2, 1, 7 }));
                steps.AddRange(r["logits"].Data);
                (h, c) = (r["h_n"].Data, r["c_n"].Data);
            }
            Ort.AssertClose("streamed logits", whole["logits"].Data, whole["logits"].Shape, (steps.ToArray(), new[] { 1, 11, vocab.Count }));
        }
        finally
        {
            File.Delete(path);
            File.Delete(onnx);
        }
    }

    public static TheoryData<string, ForecastAnchor, int, int> Forecasters => new()
    {
        { "lstm", ForecastAnchor.Seasonal, 2, 2 },
        { "gru", ForecastAnchor.Last, 0, 0 },
        { "rnn", ForecastAnchor.Last, 1, 1 },
    };

    /// <summary>A forecaster with weights away from their zero start, so the network's part of the forecast counts.</summary>
    internal static Recur.Forecasting.Forecaster Forecaster(string cell, ForecastAnchor anchor, int features, int calendar)
    {
        var spec = new ForecastSpec
        {
            ValueColumn = "temp_max",
            Features = [.. Enumerable.Range(0, features).Select(f => $"f{f}")],
            Cell = cell,
            Hidden = 5,
            Layers = 2,
            Lookback = 12,
            Horizon = 9,
            Season = 7,
            Anchor = anchor,
            Calendar = [.. new[] { "day_of_week", "day_of_year" }.Take(calendar)],
            Step = new DateStep(DateStepUnit.Duration, TimeSpan.FromDays(1), 0),
            DateFormat = "yyyy-MM-dd",
            Series = [new SeriesState
            {
                Name = "temp_max",
                Transform = SeriesTransform.None,
                Scaler = new StandardScaler(16.4, 7.25),
                InputScalers = [.. Enumerable.Range(0, features).Select(f => new StandardScaler(3.1 + f, 1.4 + f))],
                TrainMean = 16.4,
                HoltWinters = new HoltWinters(7, 0.3, 0.1, 0.1, 0.9),
                Method = "network",
                Offsets = [],
            }],
        };
        var rng = new Generator(21);
        var model = Recur.Forecasting.Forecaster.Create(spec, rng);
        Perturb(model.Net, rng);
        return model;
    }

    [Theory]
    [MemberData(nameof(Forecasters))]
    public void ForecasterFileMatchesRecursForecast(string cell, ForecastAnchor anchor, int features, int calendar)
    {
        var model = Forecaster(cell, anchor, features, calendar);
        var spec = model.Spec;
        var rng = new Generator(22);
        string path = Temp("forecast.safetensors"), onnx = Temp("forecast.onnx");
        try
        {
            ModelFile.Save(path, model);
            var info = ExportCommand.Export(path, onnx);
            Assert.Equal("forecast: float32[batch, 9]", info.Outputs.Single().ToString());
            var bytes = File.ReadAllBytes(onnx);

            int rows = 40;
            var target = Enumerable.Range(0, rows).Select(i => 15 + 6 * Math.Sin(i * 0.7) + rng.NextNormal()).ToArray();
            var feats = Enumerable.Range(0, features).Select(f => Enumerable.Range(0, rows).Select(i => 3.0 + f + Math.Cos(i + f)).ToArray()).ToList();
            var dates = Enumerable.Range(0, rows + spec.Horizon).Select(i => new DateTime(2024, 1, 1).AddDays(i)).ToList();
            var calendarChannels = CalendarFeatures.Channels(spec.Calendar, dates);
            foreach (var origins in new[] { new[] { rows }, new[] { 12, 20, 31 } })
            {
                var want = model.ForecastSeries(spec.Series[0], target, feats, dates, origins).Point;
                int n = origins.Length, L = spec.Lookback;
                float[] Window(Func<int, int, float> at, int width) =>
                    Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(0, L).SelectMany(j => Enumerable.Range(0, width).Select(k => at(origins[i] - L + j, k)))).ToArray();
                var inputs = new List<Ort.Value> { new("target", Window((r, _) => (float)target[r], 1), null, new[] { n, L }) };
                if (features > 0) inputs.Add(new Ort.Value("features", Window((r, k) => (float)feats[k][r], features), null, new[] { n, L, features }));
                if (calendar > 0) inputs.Add(new Ort.Value("calendar", Window((r, k) => (float)calendarChannels[k][r], 2 * calendar), null, new[] { n, L, 2 * calendar }));
                if (calendar > 0)
                    inputs.Add(new Ort.Value("calendar_future", origins.SelectMany(t => Enumerable.Range(0, 2 * calendar)
                        .SelectMany(c => Enumerable.Range(0, spec.Horizon).Select(h => (float)calendarChannels[c][t + h]))).ToArray(), null, new[] { n, 2 * calendar * spec.Horizon }));
                var got = Ort.Run(bytes, inputs.ToArray());
                Ort.AssertClose($"{cell} forecast at {string.Join(",", origins)}", want.Select(v => (float)v).ToArray(), new[] { n, spec.Horizon }, got["forecast"]);
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(onnx);
        }
    }

    [Fact]
    public void AFittedModelExportsOnlyWhenItForecastsWithTheNetwork()
    {
        string csv = Temp("fit.csv"), path = Temp("fit.safetensors"), onnx = Temp("fit.onnx");
        try
        {
            var rng = new Generator(9);
            var lines = new List<string> { "date,y" };
            for (int i = 0; i < 240; i++)
                lines.Add(FormattableString.Invariant($"{new DateTime(2020, 1, 1).AddDays(i):yyyy-MM-dd},{20 + 6 * Math.Sin(i / 5.0) + rng.NextNormal():0.00}"));
            File.WriteAllLines(csv, lines);
            var data = SeriesSet.Load(csv, new CsvOptions { Columns = ["y"] });
            ForecastOptions Options(string method) => new()
            {
                Lookback = 20, Horizon = 5, Season = 7, Method = method, Training = new TrainingOptions { Epochs = 1 },
            };

            var baseline = Recur.Forecasting.Forecaster.Fit(data, Options("holt-winters")).Model;
            Assert.Equal("holt-winters", baseline.Spec.Series[0].Method);
            baseline.Save(path);
            var e = Assert.Throws<ArgumentException>(() => ExportCommand.Export(path, onnx));
            Assert.Contains("--method network", e.Message);
            Assert.False(File.Exists(onnx));

            var network = Recur.Forecasting.Forecaster.Fit(data, Options("network")).Model;
            Assert.Equal("network", network.Spec.Series[0].Method);
            network.Save(path);
            ExportCommand.Export(path, onnx);
            var loaded = Recur.Forecasting.Forecaster.Load(path);
            var predicted = loaded.Predict(data)[0].Values;   // what `recur predict` prints
            var y = data.Series[0].Filled();
            int L = loaded.Spec.Lookback;
            var window = y[^L..].Select(v => (float)v).ToArray();
            var inputs = new List<Ort.Value> { new("target", window, null, new[] { 1, L }) };
            int C = 2 * loaded.Spec.Calendar.Length;
            if (C > 0)
            {
                var dates = data.Series[0].Dates!;
                var calendar = CalendarFeatures.Channels(loaded.Spec.Calendar, dates);
                var future = CalendarFeatures.Channels(loaded.Spec.Calendar, [.. Enumerable.Range(1, loaded.Spec.Horizon).Select(h => dates[^1].AddDays(h))]);
                inputs.Add(new("calendar", Enumerable.Range(y.Length - L, L).SelectMany(r => calendar.Select(c => (float)c[r])).ToArray(), null, new[] { 1, L, C }));
                inputs.Add(new("calendar_future", future.SelectMany(c => c.Select(v => (float)v)).ToArray(), null, new[] { 1, C * loaded.Spec.Horizon }));
            }
            var got = Ort.Run(File.ReadAllBytes(onnx), [.. inputs]);
            Ort.AssertClose("fitted network vs recur predict", predicted.Select(v => (float)v).ToArray(), new[] { 1, loaded.Spec.Horizon }, got["forecast"]);
        }
        finally
        {
            foreach (var f in new[] { csv, path, onnx }) File.Delete(f);
        }
    }

    [Fact]
    public void ForecasterFileMatchesRecurPredictOnACsv()
    {
        var model = Forecaster("lstm", ForecastAnchor.Seasonal, 2, 2);
        var spec = model.Spec;
        string csv = Temp("series.csv"), path = Temp("forecast.safetensors"), onnx = Temp("forecast.onnx");
        try
        {
            var rng = new Generator(5);
            var lines = new List<string> { "date,temp_max,f0,f1" };
            for (int i = 0; i < 50; i++)
                lines.Add(FormattableString.Invariant($"{new DateTime(2015, 3, 1).AddDays(i):yyyy-MM-dd},{12 + 5 * Math.Sin(i / 3.0) + rng.NextNormal():0.0},{i % 5},{rng.NextNormal():0.00}"));
            File.WriteAllLines(csv, lines);
            ModelFile.Save(path, model);
            ExportCommand.Export(path, onnx);
            var loaded = ModelFile.Load(path);
            var predicted = loaded.Predict(SeriesSet.Load(csv, Predictor.CsvOptionsFor(loaded)))[0].Values;   // what `recur predict` prints

            var series = CsvSeries.Load(csv, "temp_max", spec.Features);
            int L = spec.Lookback, n = series.Length;
            var rows = Enumerable.Range(n - L, L).ToArray();
            var calendar = CalendarFeatures.Channels(spec.Calendar, series.Dates!.Values);
            var future = CalendarFeatures.Channels(spec.Calendar, [.. Enumerable.Range(1, spec.Horizon).Select(h => series.Dates.Values[^1].AddDays(h))]);
            var got = Ort.Run(File.ReadAllBytes(onnx),
                new Ort.Value("target", rows.Select(r => (float)series.Target.Values[r]).ToArray(), null, new[] { 1, L }),
                new Ort.Value("features", rows.SelectMany(r => series.Features.Select(f => (float)f.Values[r])).ToArray(), null, new[] { 1, L, 2 }),
                new Ort.Value("calendar", rows.SelectMany(r => calendar.Select(c => (float)c[r])).ToArray(), null, new[] { 1, L, 4 }),
                new Ort.Value("calendar_future", future.SelectMany(c => c.Select(v => (float)v)).ToArray(), null, new[] { 1, 4 * spec.Horizon }));
            Ort.AssertClose("forecast vs recur predict", predicted.Select(v => (float)v).ToArray(), new[] { 1, spec.Horizon }, got["forecast"]);
        }
        finally
        {
            foreach (var f in new[] { csv, path, onnx }) File.Delete(f);
        }
    }

    [Fact]
    public void OtherFilesAreAClearError()
    {
        string path = Temp("other.safetensors");
        try
        {
            Recur.IO.Safetensors.Save(path, new[] { new Recur.IO.NamedTensorData("w", new[] { 1 }, new[] { 1f }) }, new Dictionary<string, string> { ["format"] = "something" });
            var e = Assert.Throws<InvalidDataException>(() => ExportCommand.Export(path, Temp("x.onnx")));
            Assert.Contains("'something'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

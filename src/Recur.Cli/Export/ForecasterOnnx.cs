using System.Globalization;
using System.Text.Json;
using Recur.Forecasting;
using Recur.Onnx;
using static Recur.Onnx.OnnxAttribute;

namespace Recur.Cli.Export;

/// <summary>
/// The forecaster of <c>recur forecast --save</c> as ONNX: what <c>recur predict</c> computes from a history, for every
/// method a series may have chosen (the network, the five baselines, the two ensembles), every transform and the quantiles.
/// <list type="bullet">
/// <item><c>history</c> float32 [batch, time]: each row a series' values up to its last observation (oldest first, no gaps:
/// <c>recur predict</c> fills gaps linearly), at least <c>min_history</c> rows (metadata); <c>time</c> is free, one length per call;</item>
/// <item><c>series</c> int64 [batch] (only for a model of several series): each row's series, an index into the metadata <c>series</c>;</item>
/// <item><c>features</c> float32 [batch, rows, F] (only with feature columns): those columns at the history's rows, the last row the
/// history's; only the last lookback rows are read, so those alone will do;</item>
/// <item><c>known_future</c> float32 [batch, rows, K] (only with known-future columns): at the history's rows and the horizon's
/// (rows ≥ lookback + horizon, the last lookback + horizon read);</item>
/// <item><c>calendar</c> float32 [batch, rows, 2·cycles] (only with calendar inputs): sin(2π·phase), cos(2π·phase) per cycle of the
/// dates of the same rows as <c>known_future</c> (<see cref="CalendarFeatures.Phase"/>), in the metadata <c>calendar</c>'s order;</item>
/// <item>→ <c>forecast</c> float32 [batch, horizon] in the series' units, and <c>quantiles</c> float32 [batch, levels, horizon] when
/// the model has quantile levels (metadata <c>quantiles</c>).</item>
/// </list>
/// Inside, the history is widened to float64 and every step outside the network is the double arithmetic of
/// <see cref="Forecaster.ForecastSeries"/>: the transform, the scaling, the baselines, Holt-Winters' recursion over the whole history
/// (a <c>Scan</c>), the method's mix, the conformal offsets scaled by the window's volatility, the inverse transform. The network
/// sees float32 as in Recur. Each row's series picks its transform, scaling, Holt-Winters parameters, method and offsets from
/// per-series tables; only the methods some series uses are in the graph.
/// </summary>
internal static class ForecasterOnnx
{
    // The method blocks a series mixes: the network, the baselines, and one Holt-Winters block per season in use.
    private const int Network = 0, Persistence = 1, SeasonalNaive = 2, Mean = 3, Drift = 4, FirstHoltWinters = 5;

    public static OnnxModelInfo Save(Forecaster model, string path)
    {
        var s = model.Spec;
        var graph = Build(model, out var minHistory);
        var names = s.Series.Select(x => x.Name).ToArray();
        return graph.Save(path, new OnnxExportOptions
        {
            DocString = $"Recur forecaster of {string.Join(", ", names.Take(3))}{(names.Length > 3 ? ", …" : "")}: the next {s.Horizon} values after a history " +
                        "in the series' units, by each series' method (metadata methods), as recur predict computes them.",
            Metadata = new Dictionary<string, string>
            {
                ["format"] = ModelFile.Format,
                ["series"] = JsonSerializer.Serialize(names),
                ["methods"] = JsonSerializer.Serialize(s.Series.Select(x => x.Method)),
                ["transforms"] = JsonSerializer.Serialize(s.Series.Select(x => x.Transform.Kind == "boxcox" ? $"boxcox({x.Transform.Lambda.ToString(CultureInfo.InvariantCulture)})" : x.Transform.Kind)),
                ["features"] = JsonSerializer.Serialize(s.Features),
                ["known_future"] = JsonSerializer.Serialize(s.KnownFuture),
                ["calendar"] = JsonSerializer.Serialize(s.Calendar),
                ["quantiles"] = JsonSerializer.Serialize(s.Quantiles),
                ["lookback"] = Text(s.Lookback),
                ["horizon"] = Text(s.Horizon),
                ["season"] = Text(s.Season),
                ["min_history"] = Text(minHistory),
            },
        });
    }

    private static string Text(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Per series, the weight of each method block in its point forecast (ForecastMethods.Forecast's means).</summary>
    private static double[] Weights(string method, int hwBlock, int blocks) => method switch
    {
        "network" => Block(Network, 1, blocks),
        "persistence" => Block(Persistence, 1, blocks),
        "seasonal naive" => Block(SeasonalNaive, 1, blocks),
        "mean" => Block(Mean, 1, blocks),
        "drift" => Block(Drift, 1, blocks),
        "holt-winters" => Block(hwBlock, 1, blocks),
        "network+holt-winters" => [.. Block(Network, 0.5, blocks).Zip(Block(hwBlock, 0.5, blocks), (a, b) => a + b)],
        "ensemble" => [.. Block(Network, 1.0 / 3, blocks).Zip(Block(hwBlock, 1.0 / 3, blocks), Block(SeasonalNaive, 1.0 / 3, blocks)).Select(t => t.First + t.Second + t.Third)],
        _ => throw new ArgumentException($"unknown forecast method {Excerpt.Of(method)}"),
    };

    private static double[] Block(int at, double w, int blocks)
    {
        var v = new double[blocks];
        v[at] = w;
        return v;
    }

    /// <summary>The whole graph; <paramref name="minHistory"/> is the fewest history rows every method in it can read.</summary>
    internal static OnnxGraph Build(Forecaster model, out int minHistory)
    {
        var s = model.Spec;
        int L = s.Lookback, H = s.Horizon, F = s.Features.Length, K = s.KnownFuture.Length, C = 2 * s.Calendar.Length, S = s.Series.Length;
        var series = s.Series;
        // Holt-Winters blocks: one per effective season among the series that use it (a short series drops its season).
        var seasons = series.Where(x => UsesHoltWinters(x.Method)).Select(x => x.HoltWinters.Season).Distinct().Order().ToArray();
        int blockCount = FirstHoltWinters + seasons.Length;
        var weights = series.Select(x => Weights(x.Method, FirstHoltWinters + Math.Max(0, Array.IndexOf(seasons, x.HoltWinters.Season)), blockCount)).ToArray();
        var used = Enumerable.Range(0, blockCount).Where(b => weights.Any(w => w[b] != 0)).ToArray();
        minHistory = Math.Max(L, used.Max(b => b switch
        {
            SeasonalNaive => s.Season,
            Drift => 2,
            >= FirstHoltWinters => seasons[b - FirstHoltWinters] > 1 ? 2 * seasons[b - FirstHoltWinters] : 2,
            _ => 1,
        }));

        var g = new OnnxGraph();
        var b = new Ops(g);
        string history = g.Input("history", OnnxElementType.Float32, "batch", "time");
        g.Describe(history, $"each row a series' values up to its last observation, oldest first, no gaps, at least {minHistory} rows" +
                            (S == 1 ? $" ({Excerpt.Of(series[0].Name)}: {series[0].Method}, transform {series[0].Transform.Kind})" : ""));
        string? seriesInput = S > 1 ? g.Input("series", OnnxElementType.Int64, "batch") : null;
        if (seriesInput is not null)
            g.Describe(seriesInput, "each row's series: " + string.Join(", ", series.Take(5).Select((x, i) => $"{i} {Excerpt.Of(x.Name)} ({x.Method}, {x.Transform.Kind})")) +
                                    (S > 5 ? $", … ({S} series, metadata 'series' and 'methods')" : ""));
        // The input columns' rows end where the history ends (features) or H rows after it (known-future, calendar): rows aligned
        // with the history, or only the last ones the graph reads.
        string? features = F > 0 ? g.Input("features", OnnxElementType.Float32, "batch", "feature_rows", Text(F)) : null;
        if (features is not null)
            g.Describe(features, $"{Excerpt.List(s.Features)} at the history's rows (≥ {L}: the last {L} are read; the last row is the history's)");
        string? known = K > 0 ? g.Input("known_future", OnnxElementType.Float32, "batch", "known_rows", Text(K)) : null;
        if (known is not null)
            g.Describe(known, $"{Excerpt.List(s.KnownFuture)} at the history's rows and the next {H} (≥ {L + H} rows: the last {L + H} are read)");
        string? calendar = C > 0 ? g.Input("calendar", OnnxElementType.Float32, "batch", "calendar_rows", Text(C)) : null;
        if (calendar is not null)
            g.Describe(calendar, $"sin, cos of 2π·phase of {string.Join(", ", s.Calendar)} at the dates of the history's rows and the next {H} (≥ {L + H} rows: the last {L + H} are read)");

        string y = b.Cast(history, OnnxElementType.Float64);                                          // [N, T]
        string batch = b.Slice(g.Node("Shape", [history]), 0, 0, 1);                                  // [1]
        string idx = seriesInput ?? g.Node("ConstantOfShape", [batch], TensorInt64("value", 0L));             // [N] int64
        string Table(double[] values) => g.Node("Gather", [g.Constant(values, S), idx], Int("axis", 0));   // [N]

        // The transform, per row: one graph path per distinct transform, chosen by the row's series.
        var transforms = series.Select(x => x.Transform).Distinct().ToArray();
        string? transformId = transforms.Length > 1
            ? g.Node("Gather", [g.Constant([.. series.Select(x => (long)Array.IndexOf(transforms, x.Transform))], S), idx], Int("axis", 0))
            : null;
        string PerTransform(Func<SeriesTransform, string> f, int rank)
        {
            if (transformId is null) return f(transforms[0]);
            string result = f(transforms[^1]);
            for (int k = transforms.Length - 2; k >= 0; k--)
            {
                string cond = g.Node("Equal", [transformId, g.Constant([(long)k])]);
                for (int r = 1; r < rank; r++) cond = b.Unsqueeze(cond, r);
                result = g.Node("Where", [cond, f(transforms[k]), result]);
            }
            return result;
        }
        string z = PerTransform(t => b.Forward(t, y), 2);                                              // [N, T] transformed

        var mean = b.Unsqueeze(Table([.. series.Select(x => x.Scaler.Mean)]), 1);                       // [N, 1]
        var std = b.Unsqueeze(Table([.. series.Select(x => x.Scaler.Std)]), 1);                         // [N, 1]
        var zeroH = g.Constant(new double[H], H);
        string last = b.Slice(z, 1, -1, long.MaxValue);                                                // [N, 1]

        var blocks = new Dictionary<int, string>();                                                    // block → [N, H], transformed units
        foreach (int block in used)
        {
            blocks[block] = block switch
            {
                Network => NetworkForecast(model, g, b, z, mean, std, idx, features, known, calendar),
                Persistence => g.Node("Add", [last, zeroH]),
                SeasonalNaive => b.SeasonalNaive(z, s.Season, H),
                Mean => g.Node("Add", [b.Unsqueeze(Table([.. series.Select(x => x.TrainMean)]), 1), zeroH]),
                Drift => b.Drift(z, last, H),
                _ => HoltWintersForecast(g, b, z, seasons[block - FirstHoltWinters], H, Table,
                    series.Select(x => x.HoltWinters).ToArray()),
            };
        }

        // The method's mix: Σ_b w[series, b]·block_b, a zero weight never reading its block (which may be NaN on a short history).
        string point;
        if (used.Length == 1 && weights.All(w => w[used[0]] == 1))
            point = blocks[used[0]];
        else
        {
            var table = weights.SelectMany(w => used.Select(u => w[u])).ToArray();
            var w = g.Node("Gather", [g.Constant(table, S, used.Length), idx], Int("axis", 0));       // [N, B]
            var w3 = b.Unsqueeze(w, 2);                                                                // [N, B, 1]
            var stacked = g.Node("Concat", [.. used.Select(u => b.Unsqueeze(blocks[u], 1))], Int("axis", 1));   // [N, B, H]
            var parts = g.Node("Where", [g.Node("Greater", [w3, g.Constant([0.0])]), g.Node("Mul", [stacked, w3]), g.Constant([0.0])]);
            point = g.Node("ReduceSum", [parts, g.Constant([1L], 1)], Int("keepdims", 0));            // [N, H]
        }
        g.Output("forecast", b.Cast(PerTransform(t => b.Inverse(t, point), 2), OnnxElementType.Float32), OnnxElementType.Float32, "batch", Text(H));
        g.Describe("forecast", $"the next {H} values, in the series' units");

        if (s.Quantiles.Length > 0)
        {
            int Q = s.Quantiles.Length;
            var volatility = b.Volatility(z, std, s.VolatilityWindow);                                 // [N, 1]
            var offsets = g.Node("Gather", [g.Constant([.. series.SelectMany(x => x.Offsets.SelectMany(o => o))], S, Q, H), idx], Int("axis", 0));   // [N, Q, H]
            var spread = g.Node("Mul", [b.Unsqueeze(g.Node("Mul", [std, volatility]), 2), offsets]);
            var levels = g.Node("Add", [b.Unsqueeze(point, 1), spread]);                              // [N, Q, H]
            g.Output("quantiles", b.Cast(PerTransform(t => b.Inverse(t, levels), 3), OnnxElementType.Float32), OnnxElementType.Float32, "batch", Text(Q), Text(H));
            g.Describe("quantiles", $"levels {string.Join(", ", s.Quantiles.Select(q => q.ToString(CultureInfo.InvariantCulture)))} of each step");
        }
        return g;
    }

    private static bool UsesHoltWinters(string method) => method is "holt-winters" or "network+holt-winters" or "ensemble";

    /// <summary>
    /// The network's forecast in transformed units [N, H]: the inputs as <see cref="ScaledSeries"/> and <see cref="ForecastBatch"/>
    /// cut them (float64, narrowed to float32 where Recur narrows), the traced network, anchor added in float32, scaling undone in float64.
    /// </summary>
    private static string NetworkForecast(Forecaster model, OnnxGraph g, Ops b, string z, string mean, string std, string idx,
        string? features, string? known, string? calendar)
    {
        var s = model.Spec;
        var series = s.Series;
        int L = s.Lookback, H = s.Horizon, F = s.Features.Length, K = s.KnownFuture.Length, C = 2 * s.Calendar.Length, S = series.Length;
        var scaled = g.Node("Div", [g.Node("Sub", [z, mean]), std]);                                  // [N, T]
        var window = b.Slice(scaled, 1, -L, long.MaxValue);                                            // [N, L]
        var lastScaled = b.Slice(scaled, 1, -1, long.MaxValue);                                        // [N, 1]
        var relative = b.Cast(g.Node("Sub", [window, lastScaled]), OnnxElementType.Float32);          // [N, L]

        string Standardise(string x, int from, int count)                                              // x: [N, rows, count] float32
        {
            string Scalers(Func<StandardScaler, double> f) => b.Unsqueeze(g.Node("Gather",
                [g.Constant([.. series.SelectMany(x => x.InputScalers.Skip(from).Take(count).Select(f))], S, count), idx], Int("axis", 0)), 1);   // [N, 1, count]
            var d = g.Node("Div", [g.Node("Sub", [b.Cast(x, OnnxElementType.Float64), Scalers(v => v.Mean)]), Scalers(v => v.Std)]);
            return b.Cast(d, OnnxElementType.Float32);
        }
        var channels = new List<string> { b.Unsqueeze(relative, 2) };
        var future = new List<string>();
        if (features is not null) channels.Add(Standardise(b.Slice(features, 1, -L, long.MaxValue), 0, F));
        foreach (var (input, scaledInput) in new[] { (known, known is null ? null : Standardise(b.Slice(known, 1, -(L + H), long.MaxValue), F, K)), (calendar, calendar) })
        {
            if (input is null) continue;
            channels.Add(b.Slice(scaledInput!, 1, -(L + H), -H));                                      // [N, L, k]
            // The highway reads channel k at step h as column k·H + h.
            var ahead = g.Node("Transpose", [b.Slice(scaledInput!, 1, -H, long.MaxValue)], Ints("perm", 0, 2, 1));   // [N, k, H]
            future.Add(g.Node("Reshape", [ahead, g.Constant([0L, -1L], 2)]));
        }
        var x = channels.Count == 1 ? channels[0] : g.Node("Concat", channels, Int("axis", 2));       // [N, L, input]
        var highway = future.Count == 0 ? relative : g.Node("Concat", [relative, .. future], Int("axis", 1));   // [N, W]
        var signature = new OnnxSignature(
            [new OnnxInput("x", [OnnxDim.Batch, L, s.InputSize]), new OnnxInput("window", [OnnxDim.Batch, s.WindowWidth])],
            ["correction"],
            v => [model.Net.Forward((Tensor)v[0], (Tensor)v[1])]);
        var correction = g.Trace(model.Net, signature, [x, highway])[0];                              // [N, H] float32

        string anchor = s.Anchor == ForecastAnchor.Seasonal ? b.SeasonalNaive(scaled, s.Season, H) : lastScaled;
        var f = g.Node("Add", [correction, b.Cast(anchor, OnnxElementType.Float32)]);
        return g.Node("Add", [g.Node("Mul", [b.Cast(f, OnnxElementType.Float64), std]), mean]);
    }

    /// <summary>
    /// Holt-Winters with season <paramref name="m"/> (<see cref="Forecasting.HoltWinters"/>): the start from the first seasons, the
    /// recursion over the rest of the history as a Scan (state: level, trend, the last m seasonal terms), the damped forecast.
    /// </summary>
    private static string HoltWintersForecast(OnnxGraph g, Ops b, string z, int m, int H, Func<double[], string> table, HoltWinters[] fits)
    {
        string P(Func<HoltWinters, double> f) => table([.. fits.Select(f)]);                          // [N]
        string alpha = P(p => p.Alpha), beta = P(p => p.Beta), gamma = P(p => p.Gamma), phi = P(p => p.Phi);
        string oneMinusAlpha = P(p => 1 - p.Alpha), oneMinusBetaPhi = P(p => (1 - p.Beta) * p.Phi), oneMinusGamma = P(p => 1 - p.Gamma);
        string level, trend, rest;
        string? seasonal = null;
        if (m > 1)
        {
            var first = g.Node("ReduceMean", [b.Slice(z, 1, 0, m)], Ints("axes", 1), Int("keepdims", 1));     // [N, 1]
            var second = g.Node("ReduceMean", [b.Slice(z, 1, m, 2 * m)], Ints("axes", 1), Int("keepdims", 1));
            level = b.Squeeze(first, 1);
            trend = b.Squeeze(g.Node("Div", [g.Node("Sub", [second, first]), g.Constant([(double)m])]), 1);
            seasonal = g.Node("Sub", [b.Slice(z, 1, 0, m), first]);                                   // [N, m]
            rest = b.Slice(z, 1, m, long.MaxValue);
        }
        else
        {
            var y0 = b.Slice(z, 1, 0, 1);
            level = b.Squeeze(y0, 1);
            trend = b.Squeeze(g.Node("Sub", [b.Slice(z, 1, 1, 2), y0]), 1);
            rest = b.Slice(z, 1, 1, long.MaxValue);
        }

        var body = g.Subgraph($"holt_winters_m{m}");
        var ops = new Ops(body);
        string l = body.Input("level", OnnxElementType.Float64), tr = body.Input("trend", OnnxElementType.Float64);
        string? buf = m > 1 ? body.Input("seasonal", OnnxElementType.Float64) : null;
        string yt = body.Input("y", OnnxElementType.Float64);
        string sPrev = buf is null ? "" : body.Node("Gather", [buf, body.Constant([0L])], Int("axis", 1));
        string damped = body.Node("Add", [l, body.Node("Mul", [phi, tr])]);
        string lNew = body.Node("Add", [body.Node("Mul", [alpha, buf is null ? yt : body.Node("Sub", [yt, sPrev])]), body.Node("Mul", [oneMinusAlpha, damped])]);
        string bNew = body.Node("Add", [body.Node("Mul", [beta, body.Node("Sub", [lNew, l])]), body.Node("Mul", [oneMinusBetaPhi, tr])]);
        body.Output("level_out", lNew, OnnxElementType.Float64);
        body.Output("trend_out", bNew, OnnxElementType.Float64);
        if (buf is not null)
        {
            string sNew = body.Node("Add", [body.Node("Mul", [gamma, body.Node("Sub", [yt, damped])]), body.Node("Mul", [oneMinusGamma, sPrev])]);
            body.Output("seasonal_out", body.Node("Concat", [ops.Slice(buf, 1, 1, long.MaxValue), ops.Unsqueeze(sNew, 1)], Int("axis", 1)), OnnxElementType.Float64);
        }
        string[] state = seasonal is null ? [level, trend] : [level, trend, seasonal];
        var final = g.Node("Scan", [.. state, rest], state.Length, Graph("body", body), Int("num_scan_inputs", 1), Ints("scan_input_axes", 1));

        // ŷ_h = ℓ + (φ + … + φ^(h+1))·b + s[h mod m] of the last m seasonal terms.
        var powers = g.Node("Pow", [b.Unsqueeze(phi, 1), g.Constant([.. Enumerable.Range(1, H).Select(h => (double)h)], H)]);   // [N, H]
        var damping = g.Node("CumSum", [powers, g.Constant([1L])]);
        var forecast = g.Node("Add", [b.Unsqueeze(final[0], 1), g.Node("Mul", [damping, b.Unsqueeze(final[1], 1)])]);
        if (m > 1)
            forecast = g.Node("Add", [forecast, g.Node("Gather", [final[2], g.Constant([.. Enumerable.Range(0, H).Select(h => (long)(h % m))], H)], Int("axis", 1))]);
        return forecast;
    }

    /// <summary>Small node helpers over one graph.</summary>
    private sealed class Ops(OnnxGraph g)
    {
        public string Cast(string x, OnnxElementType to) => g.Node("Cast", [x], CastTo(to));

        public string Unsqueeze(string x, int axis) => g.Node("Unsqueeze", [x, g.Constant([(long)axis], 1)]);

        public string Squeeze(string x, int axis) => g.Node("Squeeze", [x, g.Constant([(long)axis], 1)]);

        /// <summary>x[start:end] along <paramref name="axis"/> (ONNX clamps the bounds; negative ones count from the end).</summary>
        public string Slice(string x, int axis, long start, long end) =>
            g.Node("Slice", [x, g.Constant([start], 1), g.Constant([end], 1), g.Constant([(long)axis], 1)]);

        /// <summary>z[t + h − (⌊h/S⌋ + 1)·S] for t = time (<see cref="Baselines.SeasonalNaive"/>); indices clamped at 0 for a short history.</summary>
        public string SeasonalNaive(string z, int season, int H)
        {
            var back = g.Constant([.. Enumerable.Range(0, H).Select(h => (long)(h - (h / season + 1) * season))], H);
            var time = Slice(g.Node("Shape", [z]), 0, 1, 2);                                           // [1]
            var at = g.Node("Max", [g.Node("Add", [time, back]), g.Constant([0L])]);
            return g.Node("Gather", [z, at], Int("axis", 1));                                          // [N, H]
        }

        /// <summary>z_last + (h + 1)·(z_last − z_0)/(time − 1) (<see cref="Baselines.Drift"/>).</summary>
        public string Drift(string z, string last, int H)
        {
            var time = Cast(Slice(g.Node("Shape", [z]), 0, 1, 2), OnnxElementType.Float64);
            var slope = g.Node("Div", [g.Node("Sub", [last, Slice(z, 1, 0, 1)]), g.Node("Sub", [time, g.Constant([1.0])])]);   // [N, 1]
            var steps = g.Constant([.. Enumerable.Range(1, H).Select(h => (double)h)], H);
            return g.Node("Add", [last, g.Node("Mul", [steps, slope])]);
        }

        /// <summary>RMS of the last <paramref name="window"/> first differences of z, over std, 1 when ≤ 1e-9 or not finite (<see cref="ConformalIntervals.Volatility"/>).</summary>
        public string Volatility(string z, string std, int window)
        {
            var recent = Slice(z, 1, -(window + 1), long.MaxValue);                                  // the last min(window + 1, time) values
            var d = g.Node("Sub", [Slice(recent, 1, 1, long.MaxValue), Slice(recent, 1, 0, -1)]);
            var ms = g.Node("ReduceMean", [g.Node("Mul", [d, d])], Ints("axes", 1), Int("keepdims", 1));
            var v = g.Node("Div", [g.Node("Sqrt", [ms]), std]);                                        // [N, 1]
            var ok = g.Node("And", [g.Node("Greater", [v, g.Constant([1e-9])]), g.Node("Less", [v, g.Constant([double.PositiveInfinity])])]);
            return g.Node("Where", [ok, v, g.Constant([1.0])]);
        }

        /// <summary>y ↦ z (<see cref="SeriesTransform.Forward(double)"/>).</summary>
        public string Forward(SeriesTransform t, string y)
        {
            if (t.Kind == "none") return y;
            if (t.Lambda == 0) return g.Node("Log", [y]);
            return g.Node("Div", [g.Node("Sub", [g.Node("Pow", [y, g.Constant([t.Lambda])]), g.Constant([1.0])]), g.Constant([t.Lambda])]);
        }

        /// <summary>z ↦ y (<see cref="SeriesTransform.Inverse"/>): exp(min(z, 700)), or (λz + 1)^(1/λ) and 0 where λz + 1 ≤ 0.</summary>
        public string Inverse(SeriesTransform t, string z)
        {
            if (t.Kind == "none") return z;
            if (t.Lambda == 0) return g.Node("Exp", [g.Node("Min", [z, g.Constant([700.0])])]);
            var zero = g.Constant([0.0]);
            var basis = g.Node("Add", [g.Node("Mul", [g.Constant([t.Lambda]), z]), g.Constant([1.0])]);
            var power = g.Node("Pow", [g.Node("Max", [basis, zero]), g.Constant([1 / t.Lambda])]);
            return g.Node("Where", [g.Node("Greater", [basis, zero]), power, zero]);
        }
    }
}

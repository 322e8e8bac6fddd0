using Recur.Forecasting;
using Recur.Onnx;
using static Recur.Onnx.OnnxAttribute;

namespace Recur.Cli.Export;

/// <summary>
/// Builds a forecaster's ONNX graph (<see cref="ForecasterOnnx"/> lists its inputs and outputs). The history is widened to
/// float64 and every step outside the network is the double arithmetic of <see cref="Forecaster.ForecastSeries"/> and
/// <see cref="Predictor"/>: the linear gap filling, the transform, the scaling, the baselines, Holt-Winters' recursion over the
/// whole history (a <c>Scan</c>), the method's mix, the volatility-scaled conformal offsets and their recalibration on the recent
/// residuals, the inverse transform; the network sees float32 where Recur narrows to it. Each row's series picks its transform,
/// scalers, Holt-Winters parameters, method weights and offsets from per-series tables; only the methods some series uses are
/// in the graph. Every method is computed at <see cref="_origins"/> forecast origins at once: the forecast's own (after the
/// history) and, when the model recalibrates its intervals, the W + H − 1 before it whose residuals the recalibration reads.
/// </summary>
internal sealed partial class ForecastGraph
{
    // The method blocks a series mixes: the network, the baselines, and one Holt-Winters block per season in use.
    private const int Network = 0, Persistence = 1, SeasonalNaive = 2, Mean = 3, Drift = 4, FirstHoltWinters = 5;

    private readonly Forecaster _model;
    private readonly ForecastSpec _s;
    private readonly SeriesState[] _series;
    private readonly OnnxGraph _g = new();
    private readonly GraphOps _b;
    private readonly int L, H, S, _past, _origins;
    private readonly int[] _seasons;
    private readonly double[][] _weights;
    private readonly int[] _used;

    // Values of the graph, set while building.
    private string _idx = "", _batch = "", _time = "", _t = "", _z = "", _mean = "", _std = "";

    // With learned quantiles: the network's quantiles minus its point at every origin, scaled units [N, O, Q, H] (set by the network block).
    private string _learnedSpread = "";

    /// <summary>Whether the graph carries the network's learned quantiles (some series reads them: <see cref="Forecaster.LearnsQuantiles"/>).</summary>
    private bool Learned => _series.Any(x => _model.LearnsQuantiles(x.Method));

    /// <summary>The fewest history rows every method in the graph can read.</summary>
    public int MinHistory { get; }

    /// <summary>The feature rows (ending with the history's last) the graph reads; known-future and calendar read H more.</summary>
    public int FeatureRows => L + _past;

    private bool Recalibrates => _past > 0;

    public ForecastGraph(Forecaster model)
    {
        _model = model;
        _s = model.Spec;
        _series = _s.Series;
        _b = new GraphOps(_g);
        (L, H, S) = (_s.Lookback, _s.Horizon, _s.Season);
        // Predict's recalibration reads the residuals of origins max(L, S, n − W − H + 1) … n − 1.
        _past = _s.CalibrationWindow > 0 && _s.Quantiles.Length > 0 ? _s.CalibrationWindow + H - 1 : 0;
        _origins = _past + 1;
        // Holt-Winters blocks: one per effective season among the series that use it (a short series drops its season).
        _seasons = [.. _series.Where(x => UsesHoltWinters(x.Method)).Select(x => x.HoltWinters.Season).Distinct().Order()];
        int blocks = FirstHoltWinters + _seasons.Length;
        _weights = [.. _series.Select(x => Weights(x.Method, FirstHoltWinters + Math.Max(0, Array.IndexOf(_seasons, x.HoltWinters.Season)), blocks))];
        _used = [.. Enumerable.Range(0, blocks).Where(b => _weights.Any(w => w[b] != 0))];
        MinHistory = Math.Max(L, _used.Max(b => b switch
        {
            SeasonalNaive => S,
            Drift => 2,
            >= FirstHoltWinters => _seasons[b - FirstHoltWinters] > 1 ? 2 * _seasons[b - FirstHoltWinters] : 2,
            Network when _s.Anchor == ForecastAnchor.HoltWinters => _s.RowsNeeded,
            _ => 1,
        }));
    }

    private static bool UsesHoltWinters(string method) => method is "holt-winters" or "network+holt-winters" or "ensemble";

    /// <summary>Per series, the weight of each method block in its point forecast (ForecastMethods.Forecast's means).</summary>
    private static double[] Weights(string method, int hw, int blocks)
    {
        var w = new double[blocks];
        switch (method)
        {
            case "network" or "hybrid": w[Network] = 1; break;
            case "persistence": w[Persistence] = 1; break;
            case "seasonal naive": w[SeasonalNaive] = 1; break;
            case "mean": w[Mean] = 1; break;
            case "drift": w[Drift] = 1; break;
            case "holt-winters": w[hw] = 1; break;
            case "network+holt-winters": w[Network] = w[hw] = 0.5; break;
            case "ensemble": w[Network] = w[hw] = w[SeasonalNaive] = 1.0 / 3; break;
            default: throw new ArgumentException($"unknown forecast method {Excerpt.Of(method)}");
        }
        return w;
    }

    public OnnxGraph Build()
    {
        var g = _g;
        var b = _b;
        int F = _s.Features.Length, K = _s.KnownFuture.Length, C = 2 * _s.Calendar.Length, N = _series.Length;
        string history = g.Input("history", OnnxElementType.Float32, "batch", "time");
        g.Describe(history, $"each row a series' values up to its last observation, oldest first (NaN where missing), at least {MinHistory} rows" +
                            (N == 1 ? $" ({Excerpt.Of(_series[0].Name)}: {_series[0].Method}, transform {_series[0].Transform.Kind})" : ""));
        string? seriesInput = N > 1 ? g.Input("series", OnnxElementType.Int64, "batch") : null;
        if (seriesInput is not null)
            g.Describe(seriesInput, "each row's series: " + string.Join(", ", _series.Take(5).Select((x, i) => $"{i} {Excerpt.Of(x.Name)} ({x.Method}, {x.Transform.Kind})")) +
                                    (N > 5 ? $", … ({N} series, metadata 'series' and 'methods')" : ""));
        // The input columns' rows end where the history ends (features) or H rows after it (known-future, calendar): rows aligned
        // with the history, or only the last ones the graph reads.
        string? features = F > 0 ? g.Input("features", OnnxElementType.Float32, "batch", "feature_rows", ForecasterOnnx.Text(F)) : null;
        if (features is not null)
            g.Describe(features, $"{Excerpt.List(_s.Features)} at the history's rows, the last row the history's (the last {FeatureRows} are read: give that many, or all of a shorter history)");
        string? known = K > 0 ? g.Input("known_future", OnnxElementType.Float32, "batch", "known_rows", ForecasterOnnx.Text(K)) : null;
        if (known is not null)
            g.Describe(known, $"{Excerpt.List(_s.KnownFuture)} at the history's rows and the next {H} (the last {FeatureRows + H} are read)");
        string? calendar = C > 0 ? g.Input("calendar", OnnxElementType.Float32, "batch", "calendar_rows", ForecasterOnnx.Text(C)) : null;
        if (calendar is not null)
            g.Describe(calendar, $"sin, cos of 2π·phase of {string.Join(", ", _s.Calendar)} at the dates of the history's rows and the next {H} (the last {FeatureRows + H} are read)");

        var raw = b.Cast(history, OnnxElementType.Float64);                                           // [N, T], NaN where missing
        var y = b.FillLinear(raw);                                                                     // recur predict's Filled()
        var shape = g.Node("Shape", [history]);
        _batch = b.Slice(shape, 0, 0, 1);                                                             // [1]
        _time = b.Slice(shape, 0, 1, 2);                                                              // [1] int64
        _idx = seriesInput ?? g.Node("ConstantOfShape", [_batch], TensorInt64("value", 0L));          // [N] int64
        // Origins t_j = T − past + j, j = 0 … past: the last is the forecast's own.
        _t = g.Node("Add", [_time, g.Constant([.. Enumerable.Range(-_past, _origins).Select(j => (long)j)], _origins)]);

        _z = Transform(y, 2, inverse: false);                                                  // [N, T] transformed
        _mean = b.Unsqueeze(Table([.. _series.Select(x => x.Scaler.Mean)]), 1);                       // [N, 1]
        _std = b.Unsqueeze(Table([.. _series.Select(x => x.Scaler.Std)]), 1);                         // [N, 1]

        var blocks = new Dictionary<int, string>();                                                    // block → [N, O, H], transformed units
        foreach (int block in _used)
            blocks[block] = block switch
            {
                Network => NetworkForecast(features, known, calendar),
                Persistence => g.Node("Add", [b.Unsqueeze(Last(_z), 2), g.Constant(new double[H], H)]),
                SeasonalNaive => g.Node("Gather", [_z, Rows(SeasonalOffsets(), clampToHistory: true)], Int("axis", 1)),
                Mean => g.Node("Expand", [b.Unsqueeze(b.Unsqueeze(Table([.. _series.Select(x => x.TrainMean)]), 1), 2), OutShape()]),
                Drift => DriftForecast(),
                _ => HoltWintersForecast(_seasons[block - FirstHoltWinters]),
            };

        // The method's mix: Σ_b w[series, b]·block_b, a zero weight never reading its block (which may be NaN on a short history).
        string point;
        if (_used.Length == 1 && _weights.All(w => w[_used[0]] == 1))
            point = blocks[_used[0]];
        else
        {
            var table = _weights.SelectMany(w => _used.Select(u => w[u])).ToArray();
            var w = g.Node("Gather", [g.Constant(table, N, _used.Length), _idx], Int("axis", 0));     // [N, B]
            var w4 = b.Unsqueeze(b.Unsqueeze(w, 2), 3);                                               // [N, B, 1, 1]
            var stacked = g.Node("Concat", [.. _used.Select(u => b.Unsqueeze(blocks[u], 1))], Int("axis", 1));   // [N, B, O, H]
            var parts = g.Node("Where", [g.Node("Greater", [w4, g.Constant([0.0])]), g.Node("Mul", [stacked, w4]), g.Constant([0.0])]);
            point = g.Node("ReduceSum", [parts, g.Constant([1L], 1)], Int("keepdims", 0));            // [N, O, H]
        }
        var now = b.Squeeze(b.Slice(point, 1, _past, _origins), 1);                                   // [N, H]: the forecast after the history
        g.Output("forecast", b.Cast(Transform(now, 2, inverse: true), OnnxElementType.Float32), OnnxElementType.Float32, "batch", ForecasterOnnx.Text(H));
        g.Describe("forecast", $"the next {H} values, in the series' units");

        if (_s.Quantiles.Length > 0)
        {
            int Q = _s.Quantiles.Length;
            var levels = g.Node("Add", [b.Unsqueeze(now, 1), Learned ? LearnedSpread(raw, point) : Spread(raw, point)]);   // [N, Q, H]
            g.Output("quantiles", b.Cast(Transform(levels, 3, inverse: true), OnnxElementType.Float32), OnnxElementType.Float32, "batch", ForecasterOnnx.Text(Q), ForecasterOnnx.Text(H));
            g.Describe("quantiles", $"levels {string.Join(", ", _s.Quantiles.Select(q => q.ToString(System.Globalization.CultureInfo.InvariantCulture)))} of each step");
        }
        return g;
    }

    /// <summary>A per-series number for each row: <paramref name="values"/>[series] → [N].</summary>
    private string Table(double[] values) => _g.Node("Gather", [_g.Constant(values, _series.Length), _idx], Int("axis", 0));

    private enum TransformKind { None, Log, BoxCox }

    private static TransformKind KindOf(SeriesTransform t) => t.Kind == "none" ? TransformKind.None : t.Lambda == 0 ? TransformKind.Log : TransformKind.BoxCox;

    /// <summary>
    /// Each row's series' transform of x [N, …] (rank <paramref name="rank"/>), forward or inverse (<see cref="SeriesTransform"/>):
    /// one graph path per kind some series has — identity, log, Box-Cox with the row's λ — chosen per row, so a global model
    /// whose series each fitted their own λ still has at most three.
    /// </summary>
    private string Transform(string x, int rank, bool inverse)
    {
        var kinds = _series.Select(s => KindOf(s.Transform)).ToArray();
        var present = kinds.Distinct().Order().ToArray();
        string PerRow(Func<SeriesTransform, double> f)
        {
            var v = Table([.. _series.Select(s => KindOf(s.Transform) == TransformKind.BoxCox ? f(s.Transform) : 1.0)]);
            for (int r = 1; r < rank; r++) v = _b.Unsqueeze(v, r);
            return v;
        }
        string Path(TransformKind k) => k switch
        {
            TransformKind.None => x,
            TransformKind.Log => inverse ? _g.Node("Exp", [_g.Node("Min", [x, _g.Constant([700.0])])]) : _g.Node("Log", [x]),
            _ => inverse ? _b.InverseBoxCox(x, PerRow(t => t.Lambda), PerRow(t => 1 / t.Lambda)) : _b.ForwardBoxCox(x, PerRow(t => t.Lambda)),
        };
        if (present.Length == 1) return Path(present[0]);
        var kind = _g.Node("Gather", [_g.Constant([.. kinds.Select(k => (long)k)], _series.Length), _idx], Int("axis", 0));
        for (int r = 1; r < rank; r++) kind = _b.Unsqueeze(kind, r);
        string result = Path(present[^1]);
        for (int k = present.Length - 2; k >= 0; k--)
            result = _g.Node("Where", [_g.Node("Equal", [kind, _g.Constant([(long)present[k]])]), Path(present[k]), result]);
        return result;
    }

    /// <summary>
    /// History row indices [O, k]: origin t_j plus each of <paramref name="offsets"/>, clamped at 0 (and at T − 1 when
    /// <paramref name="clampToHistory"/>); a clamped index only serves an origin or target that is never read.
    /// </summary>
    private string Rows(long[] offsets, bool clampToHistory = false)
    {
        var at = _g.Node("Add", [_b.Unsqueeze(_t, 1), _g.Constant(offsets, 1, offsets.Length)]);
        at = _g.Node("Max", [at, _g.Constant([0L])]);
        return clampToHistory ? _g.Node("Min", [at, _g.Node("Sub", [_time, _g.Constant([1L])])]) : at;
    }

    /// <summary>Steps back of seasonal naive, t + h − (⌊h/S⌋ + 1)·S − t (<see cref="Baselines.SeasonalNaive"/>).</summary>
    private long[] SeasonalOffsets() => [.. Enumerable.Range(0, H).Select(h => (long)(h - (h / S + 1) * S))];

    /// <summary>x[:, t_j − 1] for every origin: [N, O].</summary>
    private string Last(string x) => _g.Node("Gather", [x, _g.Node("Max", [_g.Node("Sub", [_t, _g.Constant([1L])]), _g.Constant([0L])])], Int("axis", 1));

    /// <summary>The shape [N, O, H] as an int64 tensor.</summary>
    private string OutShape() => _g.Node("Concat", [_batch, _g.Constant([(long)_origins, H], 2)], Int("axis", 0));
}

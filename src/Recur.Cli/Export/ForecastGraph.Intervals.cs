using Recur.Forecasting;
using Recur.Onnx;
using static Recur.Onnx.OnnxAttribute;

namespace Recur.Cli.Export;

internal sealed partial class ForecastGraph
{
    /// <summary>
    /// What <see cref="Forecaster.ForecastSeries"/> adds to the transformed point for each level: std·volatility·factor·offset
    /// [N, Q, H], the factor from the recent residuals when the model recalibrates (else 1, left out).
    /// </summary>
    /// <param name="raw">The history as given, NaN where missing: a residual is only read where a value was observed.</param>
    /// <param name="point">The mix's forecasts at every origin [N, O, H].</param>
    private string Spread(string raw, string point)
    {
        var g = _g;
        var b = _b;
        int Q = _s.Quantiles.Length, N = _series.Length;
        var offsets = g.Node("Gather", [g.Constant([.. _series.SelectMany(x => x.Offsets.SelectMany(o => o))], N, Q, H), _idx], Int("axis", 0));   // [N, Q, H]
        var volatility = Volatility();                                                                 // [N, O]
        var scale = g.Node("Mul", [_std, b.Slice(volatility, 1, _past, _origins)]);                   // [N, 1]
        if (Recalibrates)
        {
            var denominator = g.Node("Mul", [b.Unsqueeze(_std, 2), b.Unsqueeze(b.Slice(volatility, 1, 0, _past), 2)]);   // [N, P, 1]
            var off = b.Unsqueeze(g.Node("Transpose", [offsets], Ints("perm", 0, 2, 1)), 1);                          // [N, 1, H, Q]
            scale = g.Node("Mul", [scale, RecentFactor(raw, point, denominator, off)]);
        }
        return g.Node("Mul", [b.Unsqueeze(scale, 2), offsets]);
    }

    /// <summary>
    /// What <see cref="Forecaster.ForecastSeries"/> adds to the transformed point for each level with learned quantiles:
    /// std·quantile_scale·factor·spread [N, Q, H], the spread the network's quantiles minus its point at the forecast's origin, the
    /// factor from the recent residuals measured in units of the spread at each residual's origin (<c>Forecaster.LearnedFactors</c>).
    /// A series whose method has no network (a baseline) keeps the conformal <see cref="Spread"/>.
    /// </summary>
    private string LearnedSpread(string raw, string point)
    {
        var g = _g;
        var b = _b;
        var quantileScale = b.Unsqueeze(Table([.. _series.Select(x => x.QuantileScale)]), 1);                       // [N, 1]
        var scale = g.Node("Mul", [_std, quantileScale]);                                                           // [N, 1]
        if (Recalibrates)
        {
            var past = g.Node("Transpose", [b.Slice(_learnedSpread, 1, 0, _past)], Ints("perm", 0, 1, 3, 2));       // [N, P, H, Q]
            var off = g.Node("Mul", [past, b.Unsqueeze(b.Unsqueeze(quantileScale, 2), 3)]);
            scale = g.Node("Mul", [scale, RecentFactor(raw, point, b.Unsqueeze(_std, 2), off)]);
        }
        var now = b.Squeeze(b.Slice(_learnedSpread, 1, _past, _origins), 1);                                      // [N, Q, H]
        var learned = g.Node("Mul", [b.Unsqueeze(scale, 2), now]);
        if (_series.All(x => _model.LearnsQuantiles(x.Method))) return learned;
        var uses = b.Unsqueeze(b.Unsqueeze(Table([.. _series.Select(x => _model.LearnsQuantiles(x.Method) ? 1.0 : 0.0)]), 1), 2);   // [N, 1, 1]
        return g.Node("Where", [g.Node("Greater", [uses, g.Constant([0.0])]), learned, Spread(raw, point)]);
    }

    /// <summary>
    /// <see cref="ConformalIntervals.Volatility"/> at every origin t: the RMS of z's first differences at rows max(1, t − w) … t − 1
    /// over std, 1 when ≤ 1e-9 or not finite. [N, O]
    /// </summary>
    private string Volatility()
    {
        var g = _g;
        int w = _s.VolatilityWindow;
        var d = g.Node("Sub", [_b.Slice(_z, 1, 1, long.MaxValue), _b.Slice(_z, 1, 0, -1)]);          // d[j − 1] = z[j] − z[j − 1]
        var squares = g.Node("Pad", [g.Node("Mul", [d, d]), g.Constant([0L, 0, 0, 1], 4)]);       // one more: never empty (a 1-row history)
        var j = g.Node("Add", [_b.Unsqueeze(_t, 1), g.Constant([.. Enumerable.Range(-w, w).Select(i => (long)i)], 1, w)]);   // [O, w]
        var inside = g.Node("GreaterOrEqual", [j, g.Constant([1L])]);
        var picked = g.Node("Gather", [squares, g.Node("Max", [g.Node("Sub", [j, g.Constant([1L])]), g.Constant([0L])])], Int("axis", 1));   // [N, O, w]
        var sum = g.Node("ReduceSum", [g.Node("Where", [inside, picked, g.Constant([0.0])]), g.Constant([2L], 1)], Int("keepdims", 0));
        var count = g.Node("ReduceSum", [_b.Cast(inside, OnnxElementType.Float64), g.Constant([1L], 1)], Int("keepdims", 0));   // [O]
        var v = g.Node("Div", [g.Node("Sqrt", [g.Node("Div", [sum, count])]), _std]);
        var ok = g.Node("And", [g.Node("Greater", [v, g.Constant([1e-9])]), g.Node("Less", [v, g.Constant([double.PositiveInfinity])])]);
        return g.Node("Where", [ok, v, g.Constant([1.0])]);
    }

    /// <summary>
    /// <see cref="ConformalIntervals.RecentScale"/> for the forecast's origin T from the residuals of the origins before it
    /// (<c>Forecaster.RecentFactors</c>): residual r = (z[t + h] − forecast)/(std·volatility_t) for origins t ≥ max(L, S) and targets
    /// T − W ≤ t + h &lt; T that were observed; items (r/offset, |offset|, τ) for levels ≥ 0.1 from the median and offsets
    /// above 1e-12; ĉ the weighted τ'-quantile of r/offset (τ widened by (n + 1)/n for the n = m/H targets, sorted with TopK,
    /// summed in that order), clamped to [1/10, 10], shrunk to ĉ^(m/(m + prior)) after m residuals; 1 without items. [N, 1]
    /// <paramref name="denominator"/> [N, P, 1] divides the residuals; <paramref name="off"/> [N, 1 or P, H, Q] are the offsets
    /// (static conformal ones, or the learned spread at each residual's origin).
    /// </summary>
    private string RecentFactor(string raw, string point, string denominator, string off)
    {
        var g = _g;
        var b = _b;
        int P = _past, W = _s.CalibrationWindow, Q = _s.Quantiles.Length;
        // Origin j = 0 … P − 1 is t_j = T − P + j: its targets t_j + h are observed rows when P − W ≤ j + h < P.
        var inWindow = Enumerable.Range(0, P).SelectMany(j => Enumerable.Range(0, H).Select(h => j + h < P && j + h >= P - W)).ToArray();
        var originOk = g.Node("GreaterOrEqual", [b.Slice(_t, 0, 0, P), g.Constant([(long)Math.Max(L, S)])]);   // [P]
        var targets = Rows([.. Enumerable.Range(0, H).Select(h => (long)h)], clampToHistory: true);   // [O, H]
        targets = b.Slice(targets, 0, 0, P);                                                            // [P, H]
        var observed = g.Node("Not", [g.Node("IsNaN", [g.Node("Gather", [raw, targets], Int("axis", 1))])]);   // [N, P, H]
        var window = b.Cast(g.Constant([.. inWindow.Select(v => v ? 1L : 0L)], P, H), OnnxElementType.Bool);
        var pair = g.Node("And", [g.Node("And", [observed, window]), b.Unsqueeze(originOk, 1)]);     // [N, P, H]
        var actual = g.Node("Gather", [_z, targets], Int("axis", 1));                                 // [N, P, H]
        var forecast = b.Slice(point, 1, 0, P);
        var r = g.Node("Div", [g.Node("Sub", [actual, forecast]), denominator]);                      // [N, P, H]

        var levelOk = g.Constant(_s.Quantiles.Select(q => Math.Abs(q - 0.5) < 0.1 ? 0L : 1L).ToArray(), Q);
        var item = g.Node("And", [g.Node("And", [b.Unsqueeze(pair, 3), b.Cast(levelOk, OnnxElementType.Bool)]),
            g.Node("Greater", [g.Node("Abs", [off]), g.Constant([1e-12])])]);                        // [N, P, H, Q]
        var u = g.Node("Where", [item, g.Node("Div", [b.Unsqueeze(r, 3), off]), g.Constant([double.PositiveInfinity])]);
        var weight = g.Node("Where", [item, g.Node("Abs", [off]), g.Constant([0.0])]);
        var m = b.Unsqueeze(g.Node("ReduceSum", [b.Cast(pair, OnnxElementType.Float64), g.Constant([1L, 2L], 2)], Int("keepdims", 0)), 1);   // [N, 1]
        // Levels widened by (n + 1)/n for the window's n = max(1, min(W, m/H)) targets, at most 1: τ' = min(1, 0.5 + (τ − 0.5)·widen).
        var n = g.Node("Max", [g.Node("Min", [g.Node("Div", [m, g.Constant([(double)H])]), g.Constant([(double)W])]), g.Constant([1.0])]);
        var widen = b.Unsqueeze(b.Unsqueeze(g.Node("Div", [g.Node("Add", [n, g.Constant([1.0])]), n]), 2), 3);   // [N, 1, 1, 1]
        var level = g.Node("Where", [g.Node("Greater", [off, g.Constant([0.0])]), g.Constant([.. _s.Quantiles], Q), g.Constant([.. _s.Quantiles.Select(q => 1 - q)], Q)]);
        var tau = g.Node("Min", [g.Constant([1.0]), g.Node("Add", [g.Constant([0.5]), g.Node("Mul", [g.Node("Sub", [level, g.Constant([0.5])]), widen])])]);
        string Flat(string x) => g.Node("Reshape", [x, g.Constant([0L, -1], 2)]);                    // [N, P·H·Q]
        var sorted = g.Node("TopK", [Flat(u), g.Constant([(long)P * H * Q], 1)], 2, Int("axis", 1), Int("largest", 0), Int("sorted", 1));
        var w = g.Node("GatherElements", [Flat(weight), sorted[1]], Int("axis", 1));
        var wt = g.Node("GatherElements", [Flat(g.Node("Mul", [weight, tau])), sorted[1]], Int("axis", 1));
        var below = g.Node("CumSum", [w, g.Constant([1L])]);
        var goal = b.Slice(g.Node("CumSum", [wt, g.Constant([1L])]), 1, -1, long.MaxValue);          // [N, 1]: Σ w·τ' in sorted order
        var reached = b.Cast(g.Node("GreaterOrEqual", [below, goal]), OnnxElementType.Float64);
        // The first item whose cumulative weight reaches the goal; none (rounding): the last item, as RecentScale's default.
        var items = g.Node("ReduceSum", [b.Cast(Flat(item), OnnxElementType.Int64), g.Constant([1L], 1)], Int("keepdims", 1));   // [N, 1]
        var lastItem = g.Node("Max", [g.Node("Sub", [items, g.Constant([1L])]), g.Constant([0L])]);
        var first = g.Node("Where", [g.Node("Greater", [g.Node("ReduceMax", [reached], Ints("axes", 1), Int("keepdims", 1)), g.Constant([0.0])]),
            g.Node("ArgMax", [reached], Int("axis", 1), Int("keepdims", 1)), lastItem]);
        var c = g.Node("Clip", [g.Node("GatherElements", [sorted[0], first], Int("axis", 1)), g.Constant([0.1]), g.Constant([10.0])]);   // [N, 1]
        var shrink = g.Node("Div", [m, g.Node("Add", [m, g.Constant([_s.CalibrationPrior])])]);
        var factor = g.Node("Exp", [g.Node("Mul", [shrink, g.Node("Log", [c])])]);
        return g.Node("Where", [g.Node("Greater", [items, g.Constant([0L])]), factor, g.Constant([1.0])]);
    }
}

using Recur.Forecasting;
using Recur.Onnx;
using static Recur.Onnx.OnnxAttribute;

namespace Recur.Cli.Export;

internal sealed partial class ForecastGraph
{
    /// <summary>
    /// The network's forecasts [N, O, H] in transformed units: its inputs cut as <see cref="ScaledSeries"/> and
    /// <see cref="ForecastBatch"/> cut them for each origin (float64, narrowed to float32 where Recur narrows), the traced
    /// network over all N·O windows at once, the anchor added in float32, the scaling undone in float64.
    /// </summary>
    private string NetworkForecast(string? features, string? known, string? calendar)
    {
        var g = _g;
        var b = _b;
        int F = _s.Features.Length, K = _s.KnownFuture.Length, N = _series.Length;
        var scaled = g.Node("Div", [g.Node("Sub", [_z, _mean]), _std]);                               // [N, T]
        var windowRows = Rows([.. Enumerable.Range(-L, L).Select(i => (long)i)]);                     // [O, L]
        var futureRows = Rows([.. Enumerable.Range(0, H).Select(h => (long)h)]);                      // [O, H] (after the history for the last origin)
        var lastScaled = b.Unsqueeze(Last(scaled), 2);                                                 // [N, O, 1]
        var window = g.Node("Gather", [scaled, windowRows], Int("axis", 1));                          // [N, O, L]
        // The hybrid reads Holt-Winters' one-step errors over the window (scaled), the others the window relative to its last value.
        var relative = b.Cast(_s.Anchor == ForecastAnchor.HoltWinters
            ? g.Node("Div", [PerSeason(m => HoltWintersErrors(m, windowRows)), b.Unsqueeze(_std, 2)])
            : g.Node("Sub", [window, lastScaled]), OnnxElementType.Float32);

        // An input column's rows, for history rows r (which may run H past the history): the input's row r − (T + ahead − rows).
        string InputRows(string x, string rows, int ahead)
        {
            var count = b.Slice(g.Node("Shape", [x]), 0, 1, 2);
            var shift = g.Node("Sub", [g.Node("Add", [_time, g.Constant([(long)ahead])]), count]);
            var at = g.Node("Max", [g.Node("Sub", [rows, shift]), g.Constant([0L])]);
            return g.Node("Gather", [x, at], Int("axis", 1));                                          // [N, O, k, columns]
        }
        // Columns in their units (float64, gaps filled) → standardised float32, as ScaledSeries and ForecastBatch make them.
        string Standardise(string x, int from, int count)
        {
            string Scalers(Func<StandardScaler, double> f) => b.Unsqueeze(g.Node("Gather",
                [g.Constant([.. _series.SelectMany(x => x.InputScalers.Skip(from).Take(count).Select(f))], N, count), _idx], Int("axis", 0)), 1);   // [N, 1, count]
            return b.Cast(g.Node("Div", [g.Node("Sub", [x, Scalers(v => v.Mean)]), Scalers(v => v.Std)]), OnnxElementType.Float32);
        }
        var channels = new List<string> { b.Unsqueeze(relative, 3) };
        var ahead = new List<string>();
        // Recur predict fills an input's gaps over the history's rows (all it is given here); the future rows must be given.
        if (features is not null)
            channels.Add(InputRows(Standardise(b.Slice(b.FillColumns(b.Cast(features, OnnxElementType.Float64)), 1, -FeatureRows, long.MaxValue), 0, F), windowRows, 0));
        if (_s.SeriesEmbedding)
        {
            // The series embedding's indicators, after the features as ScaledSeries puts them: 1 for the row's series, 0 for the
            // others, at every window row (compared with 0 … S − 1, not read from an S×S identity: S may be large).
            int count = _series.Length;
            var all = g.Constant([.. Enumerable.Range(0, count).Select(k => (long)k)], count);
            var indicator = b.Cast(g.Node("Equal", [b.Unsqueeze(_idx, 1), all]), OnnxElementType.Float32);   // [N, count]
            var shape = g.Node("Concat", [g.Node("Shape", [relative]), g.Constant([(long)count], 1)], Int("axis", 0));
            channels.Add(g.Node("Expand", [b.Unsqueeze(b.Unsqueeze(indicator, 1), 1), shape]));      // [N, O, L, count]
        }
        string? knownScaled = null;
        if (known is not null)
        {
            var columns = b.Cast(known, OnnxElementType.Float64);
            var filled = g.Node("Concat", [b.FillColumns(b.Slice(columns, 1, 0, -H)), b.Slice(columns, 1, -H, long.MaxValue)], Int("axis", 1));
            knownScaled = Standardise(b.Slice(filled, 1, -(FeatureRows + H), long.MaxValue), F, K);
        }
        foreach (var columns in new[] { knownScaled, calendar })
        {
            if (columns is null) continue;
            channels.Add(InputRows(columns, windowRows, H));                                           // [N, O, L, k]
            // The highway reads channel k at step h as column k·H + h.
            var future = g.Node("Transpose", [InputRows(columns, futureRows, H)], Ints("perm", 0, 1, 3, 2));   // [N, O, k, H]
            ahead.Add(g.Node("Reshape", [future, g.Constant([0L, 0, -1], 3)]));
        }
        var x = channels.Count == 1 ? channels[0] : g.Node("Concat", channels, Int("axis", 3));       // [N, O, L, input]
        var highway = ahead.Count == 0 ? relative : g.Node("Concat", [relative, .. ahead], Int("axis", 2));   // [N, O, W]
        var flatX = g.Node("Reshape", [x, g.Constant([-1L, L, _s.InputSize], 3)]);
        var flatWindow = g.Node("Reshape", [highway, g.Constant([-1L, _s.WindowWidth], 2)]);
        var signature = Learned
            ? new OnnxSignature(
                [new OnnxInput("x", [OnnxDim.Batch, L, _s.InputSize]), new OnnxInput("window", [OnnxDim.Batch, _s.WindowWidth])],
                ["correction", "quantiles"],
                v =>
                {
                    var (p, q) = _model.Net.ForwardQuantiles((Tensor)v[0], (Tensor)v[1], detachPoint: false);
                    return [p, q!];
                })
            : new OnnxSignature(
                [new OnnxInput("x", [OnnxDim.Batch, L, _s.InputSize]), new OnnxInput("window", [OnnxDim.Batch, _s.WindowWidth])],
                ["correction"],
                v => [_model.Net.Forward((Tensor)v[0], (Tensor)v[1])]);
        var traced = g.Trace(_model.Net, signature, [flatX, flatWindow]);
        var correction = g.Node("Reshape", [traced[0], g.Constant([-1L, _origins, H], 3)]);           // [N, O, H] float32
        if (Learned)
        {
            // The learned quantiles minus the point, in scaled units (float32 outputs subtracted in float64, as Forecaster does).
            int Q = _s.Quantiles.Length;
            var quantiles = g.Node("Reshape", [traced[1], g.Constant([-1L, _origins, Q, H], 4)]);   // [N, O, Q, H]
            _learnedSpread = g.Node("Sub", [b.Cast(quantiles, OnnxElementType.Float64), b.Unsqueeze(b.Cast(correction, OnnxElementType.Float64), 2)]);
        }

        var anchor = _s.Anchor switch
        {
            ForecastAnchor.Seasonal => g.Node("Gather", [scaled, Rows(SeasonalOffsets(), clampToHistory: true)], Int("axis", 1)),
            ForecastAnchor.HoltWinters => g.Node("Div", [g.Node("Sub", [SmoothedAnchor(), b.Unsqueeze(_mean, 2)]), b.Unsqueeze(_std, 2)]),
            _ => lastScaled,
        };
        var f = g.Node("Add", [correction, b.Cast(anchor, OnnxElementType.Float32)]);
        var std = b.Unsqueeze(_std, 2);
        var mean = b.Unsqueeze(_mean, 2);
        return g.Node("Add", [g.Node("Mul", [b.Cast(f, OnnxElementType.Float64), std]), mean]);
    }

    /// <summary>
    /// The hybrid's anchor [N, O, H] in transformed units: each row's series' Holt-Winters forecast, one recursion per
    /// effective season among the series (a short series drops its season), chosen per row.
    /// </summary>
    private string SmoothedAnchor() => PerSeason(HoltWintersForecast);

    /// <summary>
    /// <paramref name="block"/> [N, O, k] of each row's series' Holt-Winters season: built per effective season among the series
    /// (a short series drops its season) and chosen per row.
    /// </summary>
    private string PerSeason(Func<int, string> block)
    {
        var seasons = _series.Select(x => x.HoltWinters.Season).ToArray();
        var distinct = seasons.Distinct().Order().ToArray();
        string result = block(distinct[^1]);
        if (distinct.Length == 1) return result;
        var season = _b.Unsqueeze(_b.Unsqueeze(Table([.. seasons.Select(m => (double)m)]), 1), 2);   // [N, 1, 1]
        for (int k = distinct.Length - 2; k >= 0; k--)
            result = _g.Node("Where", [_g.Node("Equal", [season, _g.Constant([(double)distinct[k]])]), block(distinct[k]), result]);
        return result;
    }

    /// <summary>z[t − 1] + (h + 1)·(z[t − 1] − z[0])/(t − 1) (<see cref="Baselines.Drift"/>).</summary>
    private string DriftForecast()
    {
        var g = _g;
        var last = _b.Unsqueeze(Last(_z), 2);                                                          // [N, O, 1]
        var first = _b.Unsqueeze(_b.Slice(_z, 1, 0, 1), 2);                                           // [N, 1, 1]
        var span = _b.Unsqueeze(g.Node("Sub", [_b.Cast(_t, OnnxElementType.Float64), g.Constant([1.0])]), 1);   // [O, 1]
        var slope = g.Node("Div", [g.Node("Sub", [last, first]), span]);                             // [N, O, 1]
        var steps = g.Constant([.. Enumerable.Range(1, H).Select(h => (double)h)], H);
        return g.Node("Add", [last, g.Node("Mul", [steps, slope])]);
    }

    // Holt-Winters' recursion per season, built once and read by the forecast block, the hybrid's anchor and its window.
    private readonly Dictionary<int, (string Level, string Trend, string? Terms, string Phi, int Kept)> _holtWinters = [];

    /// <summary>
    /// Holt-Winters' states with season <paramref name="m"/> (<see cref="HoltWinters"/>): the start from the first seasons, the
    /// recursion over the rest of the history as a Scan (state: level, trend, the last m seasonal terms; each step's state is
    /// also an output). Level and Trend [N, 1 + steps]: the start state (after row m − 1, or row 0 without a season), then after
    /// each later row, so the forecast from origin t reads index t − m; Terms [N, 1 + steps, kept] the first kept of the last m
    /// seasonal terms likewise (null without a season).
    /// </summary>
    private (string Level, string Trend, string? Terms, string Phi, int Kept) HoltWintersStates(int m)
    {
        if (_holtWinters.TryGetValue(m, out var cached)) return cached;
        var g = _g;
        var b = _b;
        var fits = _series.Select(x => x.HoltWinters).ToArray();
        string P(Func<HoltWinters, double> f) => Table([.. fits.Select(f)]);                          // [N]
        string alpha = P(p => p.Alpha), beta = P(p => p.Beta), gamma = P(p => p.Gamma), phi = P(p => p.Phi);
        string oneMinusAlpha = P(p => 1 - p.Alpha), oneMinusBetaPhi = P(p => (1 - p.Beta) * p.Phi), oneMinusGamma = P(p => 1 - p.Gamma);
        int kept = Math.Min(m, H);                                                                     // seasonal terms a forecast reads
        // Zeros after the history: a history too short for this season (recur predict refuses Holt-Winters there, but may
        // forecast another row of the batch by another method) still gives the start and the Scan rows. The recursion is causal:
        // the states an origin t ≤ T reads never see the padding.
        var z = g.Node("Pad", [_z, g.Constant([0L, 0, 0, 2 * m + 1], 4)]);
        string level, trend, rest;
        string? seasonal = null;
        if (m > 1)
        {
            var first = g.Node("ReduceMean", [b.Slice(z, 1, 0, m)], Ints("axes", 1), Int("keepdims", 1));     // [N, 1]
            var second = g.Node("ReduceMean", [b.Slice(z, 1, m, 2 * m)], Ints("axes", 1), Int("keepdims", 1));
            level = b.Squeeze(first, 1);
            trend = b.Squeeze(g.Node("Div", [g.Node("Sub", [second, first]), g.Constant([(double)m])]), 1);
            seasonal = g.Node("Sub", [b.Slice(z, 1, 0, m), first]);                                  // [N, m]
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
        var ops = new GraphOps(body);
        string l = body.Input("level", OnnxElementType.Float64), tr = body.Input("trend", OnnxElementType.Float64);
        string? buf = m > 1 ? body.Input("seasonal", OnnxElementType.Float64) : null;
        string yt = body.Input("y", OnnxElementType.Float64);
        string sPrev = buf is null ? "" : body.Node("Gather", [buf, body.Constant([0L])], Int("axis", 1));
        string damped = body.Node("Add", [l, body.Node("Mul", [phi, tr])]);
        string lNew = body.Node("Add", [body.Node("Mul", [alpha, buf is null ? yt : body.Node("Sub", [yt, sPrev])]), body.Node("Mul", [oneMinusAlpha, damped])]);
        string bNew = body.Node("Add", [body.Node("Mul", [beta, body.Node("Sub", [lNew, l])]), body.Node("Mul", [oneMinusBetaPhi, tr])]);
        string? sBuf = null;
        if (buf is not null)
        {
            string sNew = body.Node("Add", [body.Node("Mul", [gamma, body.Node("Sub", [yt, damped])]), body.Node("Mul", [oneMinusGamma, sPrev])]);
            sBuf = body.Node("Concat", [ops.Slice(buf, 1, 1, long.MaxValue), ops.Unsqueeze(sNew, 1)], Int("axis", 1));
        }
        // Outputs: the states, then per step ℓ_t, b_t and the first `kept` of the last m seasonal terms.
        body.Output("level_out", lNew, OnnxElementType.Float64);
        body.Output("trend_out", bNew, OnnxElementType.Float64);
        if (sBuf is not null) body.Output("seasonal_out", sBuf, OnnxElementType.Float64);
        body.Output("level_t", lNew, OnnxElementType.Float64);
        body.Output("trend_t", bNew, OnnxElementType.Float64);
        if (sBuf is not null) body.Output("seasonal_t", ops.Slice(sBuf, 1, 0, kept), OnnxElementType.Float64);
        string[] state = seasonal is null ? [level, trend] : [level, trend, seasonal];
        var outs = g.Node("Scan", [.. state, rest], 2 * state.Length, Graph("body", body), Int("num_scan_inputs", 1),
            Ints("scan_input_axes", 1), Ints("scan_output_axes", [.. state.Select(_ => 1L)]));
        string Along(string start, string steps) => g.Node("Concat", [b.Unsqueeze(start, 1), steps], Int("axis", 1));
        var result = (Along(level, outs[state.Length]), Along(trend, outs[state.Length + 1]),
            seasonal is null ? null : g.Node("Concat", [b.Unsqueeze(b.Slice(seasonal, 1, 0, kept), 1), outs[state.Length + 2]], Int("axis", 1)),
            phi, kept);
        _holtWinters[m] = result;
        return result;
    }

    /// <summary>
    /// Holt-Winters with season <paramref name="m"/> (<see cref="HoltWinters"/>) at every origin: the damped forecast
    /// ŷ_h = ℓ + (φ + … + φ^(h+1))·b + s[h mod m] from the states after row t − 1, [N, O, H].
    /// </summary>
    private string HoltWintersForecast(int m)
    {
        var g = _g;
        var b = _b;
        var (levels, trends, terms, phi, kept) = HoltWintersStates(m);
        var at = g.Node("Max", [g.Node("Sub", [_t, g.Constant([(long)m])]), g.Constant([0L])]);      // [O]
        var l0 = b.Unsqueeze(g.Node("Gather", [levels, at], Int("axis", 1)), 2);                       // [N, O, 1]
        var b0 = b.Unsqueeze(g.Node("Gather", [trends, at], Int("axis", 1)), 2);
        var powers = g.Node("Pow", [b.Unsqueeze(phi, 1), g.Constant([.. Enumerable.Range(1, H).Select(h => (double)h)], H)]);   // [N, H]
        var damping = b.Unsqueeze(g.Node("CumSum", [powers, g.Constant([1L])]), 1);                  // [N, 1, H]
        var forecast = g.Node("Add", [l0, g.Node("Mul", [damping, b0])]);                             // [N, O, H]
        if (terms is not null)
        {
            var at3 = g.Node("Gather", [terms, at], Int("axis", 1));                                  // [N, O, kept]
            forecast = g.Node("Add", [forecast, g.Node("Gather", [at3, g.Constant([.. Enumerable.Range(0, H).Select(h => (long)(h % m))], H)], Int("axis", 2))]);
        }
        return forecast;
    }

    /// <summary>
    /// Holt-Winters' one-step errors z[r] − ŷ_{r|r−1} at history rows <paramref name="rows"/> [O, L], 0 before the recursion's
    /// start (<see cref="HoltWinters.OneStepErrors"/>): [N, O, L].
    /// </summary>
    private string HoltWintersErrors(int m, string rows)
    {
        var g = _g;
        var b = _b;
        var (levels, trends, terms, phi, _) = HoltWintersStates(m);
        var at = g.Node("Max", [g.Node("Sub", [rows, g.Constant([(long)m])]), g.Constant([0L])]);    // [O, L]
        var l0 = g.Node("Gather", [levels, at], Int("axis", 1));                                       // [N, O, L]
        var b0 = g.Node("Gather", [trends, at], Int("axis", 1));
        var fit = g.Node("Add", [l0, g.Node("Mul", [b.Unsqueeze(b.Unsqueeze(phi, 1), 2), b0])]);
        if (terms is not null)
            fit = g.Node("Add", [fit, b.Squeeze(b.Slice(g.Node("Gather", [terms, at], Int("axis", 1)), 3, 0, 1), 3)]);
        var error = g.Node("Sub", [g.Node("Gather", [_z, rows], Int("axis", 1)), fit]);
        var started = g.Node("GreaterOrEqual", [rows, g.Constant([(long)(m > 1 ? m : 1)])]);           // [O, L]
        return g.Node("Where", [started, error, g.Constant([0.0])]);
    }
}

namespace Recur.Forecasting;

/// <summary>
/// Model inputs for a set of forecast origins, as flat row-major arrays (all in scaled units).
/// For origin t, with z the scaled target, L the lookback, H the horizon, S the season:
/// <code>
/// Inputs[i, j, 0]   = z[t−L+j] − z[t−1]          j = 0..L−1  (the window relative to its last value; with the Holt-Winters
///                     anchor instead its one-step error at row t−L+j, divided by the scale: the hybrid reads how it has erred)
/// Inputs[i, j, 1+c] = channel c at row t−L+j      (features, known-future inputs, then calendar sin/cos)
/// Window[i, j]      = Inputs[i, j, 0]             j = 0..L−1
/// Window[i, L+k·H+h] = known channel k at row t+h  (the known-future inputs and the calendar at the forecast steps)
/// Anchors[i, h]     = z[t−1]  or  z[t+h−kS], k = ⌊h/S⌋+1  or  (HW[t+h | t−1] − mean)/std   (persistence, seasonal naive or Holt-Winters)
/// Targets[i, h]     = z[t+h] − Anchors[i, h]      (only when every t+h is inside the series)
/// </code>
/// Only rows before t are read for the inputs and anchors, so t may be the series' length (a forecast past its end).
/// </summary>
public sealed class ForecastBatch
{
    /// <summary>Samples.</summary>
    public int Count { get; }

    /// <summary>L.</summary>
    public int Lookback { get; }

    /// <summary>H.</summary>
    public int Horizon { get; }

    /// <summary>Values per input step.</summary>
    public int Width { get; }

    /// <summary>Values per sample in <see cref="Window"/>: L + H·(known channels).</summary>
    public int WindowWidth { get; }

    /// <summary>The origin of each sample (an index into its own series).</summary>
    public int[] Origins { get; }

    /// <summary>[Count, L, Width].</summary>
    public float[] Inputs { get; }

    /// <summary>[Count, WindowWidth].</summary>
    public float[] Window { get; }

    /// <summary>[Count, H], scaled units.</summary>
    public float[] Anchors { get; }

    /// <summary>[Count, H] corrections to the anchors, when cut with targets.</summary>
    public float[]? Targets { get; }

    private ForecastBatch(int[] origins, int lookback, int horizon, int width, int windowWidth, float[] inputs, float[] window, float[] anchors, float[]? targets)
    {
        WindowWidth = windowWidth;
        Count = origins.Length;
        Origins = origins;
        Lookback = lookback;
        Horizon = horizon;
        Width = width;
        Inputs = inputs;
        Window = window;
        Anchors = anchors;
        Targets = targets;
    }

    /// <summary>Cuts one sample per origin; targets too when <paramref name="withTargets"/>.</summary>
    /// <exception cref="ArgumentException">An origin's window starts before the series or its targets run past it.</exception>
    public static ForecastBatch Cut(ForecastSpec spec, ScaledSeries series, int[] origins, bool withTargets)
    {
        int L = spec.Lookback, H = spec.Horizon, S = spec.Season, width = spec.InputSize, W = spec.WindowWidth, K = spec.KnownChannels;
        if (series.Channels.Length != width - 1)
            throw new ArgumentException($"the series has {series.Channels.Length + 1} input channels, the model expects {width}");
        var z = series.Target;
        int firstKnown = series.Channels.Length - K;
        int known = K == 0 ? int.MaxValue : series.Channels[firstKnown].Length;
        foreach (int t in origins)
        {
            if (t < L || t > z.Length || withTargets && t + H > z.Length)
                throw new ArgumentException($"origin {t} needs rows [{t - L}, {(withTargets ? t + H : t)}) but the series has [0, {z.Length})");
            if (t + H > known)
                throw new ArgumentException($"origin {t} needs the known-future inputs up to row {t + H - 1}, but they end at row {known - 1}");
        }

        // The Holt-Winters anchor: the series' fit run over its transformed values, scaled as the target is (the filter
        // reads only rows before each origin; an origin before its start has no forecast, so cut those out first).
        double[]? smoothed = null, errors = null;
        if (spec.Anchor == ForecastAnchor.HoltWinters)
        {
            var (state, transformed) = series.Smoothing
                ?? throw new ArgumentException("the Holt-Winters anchor needs the series' state (ScaledSeries.From)");
            int start = HoltWintersStart(state);
            foreach (int t in origins)
                if (t < start) throw new ArgumentException($"origin {t} is before Holt-Winters' start {start} (the anchor has no forecast there)");
            smoothed = state.HoltWinters.Forecast(transformed, origins, H);
            for (int k = 0; k < smoothed.Length; k++) smoothed[k] = state.Scaler.Transform(smoothed[k]);
            errors = state.HoltWinters.OneStepErrors(transformed);
            for (int k = 0; k < errors.Length; k++) errors[k] /= state.Scaler.Std;
        }

        var inputs = new float[checked(origins.Length * L * width)];
        var window = new float[checked(origins.Length * W)];
        var anchors = new float[origins.Length * H];
        var targets = withTargets ? new float[origins.Length * H] : null;
        for (int i = 0; i < origins.Length; i++)
        {
            int t = origins[i];
            double last = z[t - 1];
            for (int j = 0; j < L; j++)
            {
                int row = t - L + j, at = (i * L + j) * width;
                float relative = (float)(errors is not null ? errors[row] : z[row] - last);
                inputs[at] = relative;
                window[i * W + j] = relative;
                for (int c = 0; c < series.Channels.Length; c++)
                    inputs[at + 1 + c] = (float)series.Channels[c][row];
            }
            for (int k = 0; k < K; k++)
                for (int h = 0; h < H; h++)
                    window[i * W + L + k * H + h] = (float)series.Channels[firstKnown + k][t + h];
            for (int h = 0; h < H; h++)
            {
                double anchor = smoothed is not null ? smoothed[i * H + h] : spec.Anchor == ForecastAnchor.Seasonal ? z[t + h - (h / S + 1) * S] : last;
                anchors[i * H + h] = (float)anchor;
                if (targets is not null) targets[i * H + h] = (float)(z[t + h] - anchor);
            }
        }
        return new ForecastBatch(origins, L, H, width, W, inputs, window, anchors, targets);
    }

    /// <summary>The first origin a Holt-Winters anchor can forecast from: its recursion starts after one season (or one step).</summary>
    public static int HoltWintersStart(SeriesState state) => state.HoltWinters.Season > 1 ? state.HoltWinters.Season : 1;

    /// <summary>The samples of several batches of one spec, in order (a global model's samples over many series).</summary>
    /// <exception cref="ArgumentException">No batches, or batches of different shapes.</exception>
    public static ForecastBatch Concat(IReadOnlyList<ForecastBatch> batches)
    {
        if (batches.Count == 0) throw new ArgumentException("no batches to concatenate");
        var b0 = batches[0];
        if (batches.Any(b => b.Lookback != b0.Lookback || b.Horizon != b0.Horizon || b.Width != b0.Width || b.WindowWidth != b0.WindowWidth || (b.Targets is null) != (b0.Targets is null)))
            throw new ArgumentException("batches of different shapes");
        if (batches.Count == 1) return b0;
        return new ForecastBatch([.. batches.SelectMany(b => b.Origins)], b0.Lookback, b0.Horizon, b0.Width, b0.WindowWidth,
            [.. batches.SelectMany(b => b.Inputs)], [.. batches.SelectMany(b => b.Window)], [.. batches.SelectMany(b => b.Anchors)],
            b0.Targets is null ? null : [.. batches.SelectMany(b => b.Targets!)]);
    }

    /// <summary>Samples <paramref name="indices"/> as tensors: x [n, L, width], window [n, WindowWidth], and targets [n, H] when present.</summary>
    public (Tensor X, Tensor Window, Tensor? Targets) Tensors(ReadOnlySpan<int> indices)
    {
        int n = indices.Length, stride = Lookback * Width;
        var x = new float[n * stride];
        var w = new float[n * WindowWidth];
        var y = Targets is null ? null : new float[n * Horizon];
        for (int k = 0; k < n; k++)
        {
            int i = indices[k];
            Inputs.AsSpan(i * stride, stride).CopyTo(x.AsSpan(k * stride));
            Window.AsSpan(i * WindowWidth, WindowWidth).CopyTo(w.AsSpan(k * WindowWidth));
            Targets?.AsSpan(i * Horizon, Horizon).CopyTo(y.AsSpan(k * Horizon));
        }
        return (Tensor.FromArray(x, n, Lookback, Width), Tensor.FromArray(w, n, WindowWidth),
            y is null ? null : Tensor.FromArray(y, n, Horizon));
    }
}

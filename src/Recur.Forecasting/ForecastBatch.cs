namespace Recur.Forecasting;

/// <summary>
/// Model inputs for a set of forecast origins, as flat row-major arrays (all in scaled units).
/// For origin t, with z the scaled target, L the lookback, H the horizon, S the season:
/// <code>
/// Inputs[i, j, 0]   = z[t−L+j] − z[t−1]          j = 0..L−1  (the window relative to its last value)
/// Inputs[i, j, 1+c] = channel c at row t−L+j      (features, then calendar sin/cos)
/// Window[i, j]      = Inputs[i, j, 0]
/// Anchors[i, h]     = z[t−1]  or  z[t+h−kS], k = ⌊h/S⌋+1   (persistence or seasonal naive)
/// Targets[i, h]     = z[t+h] − Anchors[i, h]      (only when every t+h is inside the series)
/// </code>
/// Only rows before t are read for the inputs and anchors, so t may be the series' length (a forecast past its end).
/// </summary>
public sealed class ForecastBatch
{
    /// <summary>Number of samples (origins).</summary>
    public int Count { get; }
    /// <summary>Input steps per sample (L).</summary>
    public int Lookback { get; }
    /// <summary>Steps forecast per sample (H).</summary>
    public int Horizon { get; }
    /// <summary>Values per input step: the target, then each feature and calendar channel.</summary>
    public int Width { get; }
    /// <summary>The origin t of each sample: the first forecast step.</summary>
    public int[] Origins { get; }
    /// <summary>The network's input, [Count, Lookback, Width] row-major.</summary>
    public float[] Inputs { get; }
    /// <summary>The target's window relative to its last value, [Count, Lookback] (the highway's input).</summary>
    public float[] Window { get; }
    /// <summary>The anchor forecast in scaled units, [Count, Horizon]: persistence or seasonal naive.</summary>
    public float[] Anchors { get; }
    /// <summary>What the network learns, the scaled truth minus the anchor, [Count, Horizon]; null when cut without targets.</summary>
    public float[]? Targets { get; }

    private ForecastBatch(int[] origins, int lookback, int horizon, int width, float[] inputs, float[] window, float[] anchors, float[]? targets)
    {
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
        int L = spec.Lookback, H = spec.Horizon, S = spec.Season, width = spec.InputSize;
        if (series.Channels.Length != width - 1)
            throw new ArgumentException($"the series has {series.Channels.Length + 1} input channels, the model expects {width}");
        var z = series.Target;
        foreach (int t in origins)
            if (t < L || t > z.Length || withTargets && t + H > z.Length)
                throw new ArgumentException($"origin {t} needs rows [{t - L}, {(withTargets ? t + H : t)}) but the series has [0, {z.Length})");

        var inputs = new float[checked(origins.Length * L * width)];
        var window = new float[origins.Length * L];
        var anchors = new float[origins.Length * H];
        var targets = withTargets ? new float[origins.Length * H] : null;
        for (int i = 0; i < origins.Length; i++)
        {
            int t = origins[i];
            double last = z[t - 1];
            for (int j = 0; j < L; j++)
            {
                int row = t - L + j, at = (i * L + j) * width;
                float relative = (float)(z[row] - last);
                inputs[at] = relative;
                window[i * L + j] = relative;
                for (int c = 0; c < series.Channels.Length; c++)
                    inputs[at + 1 + c] = (float)series.Channels[c][row];
            }
            for (int h = 0; h < H; h++)
            {
                double anchor = spec.Anchor == ForecastAnchor.Seasonal ? z[t + h - (h / S + 1) * S] : last;
                anchors[i * H + h] = (float)anchor;
                if (targets is not null) targets[i * H + h] = (float)(z[t + h] - anchor);
            }
        }
        return new ForecastBatch(origins, L, H, width, inputs, window, anchors, targets);
    }

    /// <summary>Samples <paramref name="indices"/> as tensors: x [n, L, width], window [n, L], and targets [n, H] when present.</summary>
    public (Tensor X, Tensor Window, Tensor? Targets) Tensors(ReadOnlySpan<int> indices)
    {
        int n = indices.Length, stride = Lookback * Width;
        var x = new float[n * stride];
        var w = new float[n * Lookback];
        var y = Targets is null ? null : new float[n * Horizon];
        for (int k = 0; k < n; k++)
        {
            int i = indices[k];
            Inputs.AsSpan(i * stride, stride).CopyTo(x.AsSpan(k * stride));
            Window.AsSpan(i * Lookback, Lookback).CopyTo(w.AsSpan(k * Lookback));
            Targets?.AsSpan(i * Horizon, Horizon).CopyTo(y.AsSpan(k * Horizon));
        }
        return (Tensor.FromArray(x, n, Lookback, Width), Tensor.FromArray(w, n, Lookback),
            y is null ? null : Tensor.FromArray(y, n, Horizon));
    }
}

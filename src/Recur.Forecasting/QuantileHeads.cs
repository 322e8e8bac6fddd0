namespace Recur.Forecasting;

/// <summary>
/// Learned quantiles (<c>--intervals learned</c>): the network's extra outputs, made monotone by construction, and the
/// pinball (quantile) loss they are trained by. With levels τ_0 &lt; … &lt; τ_{Q−1} and m the level nearest 0.5, the raw
/// outputs r[·, k, h] become
/// <code>
/// q_m     = point + r_m                       (the median's own shift from the point, which is trained on the squared error)
/// q_k     = q_{k−1} + softplus(r_k)           k &gt; m
/// q_k     = q_{k+1} − softplus(r_k)           k &lt; m
/// </code>
/// so q_0 ≤ … ≤ q_{Q−1} for any weights, trained or not — no sorting, no crossing.
/// </summary>
public static class QuantileHeads
{
    /// <summary>The index of the level nearest 0.5 (the lower of two equally near): the one the others are stacked on.</summary>
    public static int MedianIndex(IReadOnlyList<double> levels)
    {
        int m = 0;
        for (int k = 1; k < levels.Count; k++)
            if (Math.Abs(levels[k] - 0.5) < Math.Abs(levels[m] - 0.5) - 1e-12) m = k;
        return m;
    }

    /// <summary>
    /// softplus(x) = log(1 + eˣ), composed from differentiable ops: log(1 + e^min(x, 20)) + relu(x − 20), which is exact to
    /// float32 precision and never overflows (eˣ for large x would).
    /// </summary>
    public static Tensor Softplus(Tensor x) => (x.ClampMax(20f).Exp() + 1f).Log() + (x - 20f).Relu();

    /// <summary>softplus⁻¹(y) = log(eʸ − 1) for y &gt; 0 (y itself past 20, where the two agree in double), for starting biases.</summary>
    internal static double InverseSoftplus(double y) => y > 20 ? y : Math.Log(Math.Exp(y) - 1);

    /// <summary>
    /// The monotone quantiles from raw outputs <paramref name="raw"/> [N, Q, H] around <paramref name="point"/> [N, H]
    /// (scaled units, correction to the anchor): [N, Q, H], increasing along Q (see the class comment).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that disagree with each other or with <paramref name="median"/>.</exception>
    public static Tensor Monotone(Tensor raw, Tensor point, int median)
    {
        if (raw.Dim != 3 || point.Dim != 2 || raw.Size(0) != point.Size(0) || raw.Size(2) != point.Size(1))
            throw new ArgumentException($"quantile outputs [{string.Join(", ", raw.Shape)}] do not match point forecasts [{string.Join(", ", point.Shape)}]: expected [N, Q, H] and [N, H]");
        int Q = raw.Size(1);
        if (median < 0 || median >= Q) throw new ArgumentException($"median index {median} is outside the {Q} levels");
        var q = new Tensor[Q];
        q[median] = point + raw.Select(1, median);
        for (int k = median + 1; k < Q; k++) q[k] = q[k - 1] + Softplus(raw.Select(1, k));
        for (int k = median - 1; k >= 0; k--) q[k] = q[k + 1] - Softplus(raw.Select(1, k));
        return Tensor.Stack(q, 1);
    }

    /// <summary>
    /// The pinball loss averaged over samples, levels and steps: mean of ρ_τ(y − q) with ρ_τ(e) = τ·e for e ≥ 0 and (τ − 1)·e
    /// below, written τ·e + relu(−e). <paramref name="quantiles"/>: [N, Q, H]; <paramref name="target"/>: [N, H].
    /// The mean over τ of ρ_τ approximates CRPS/2 for evenly spread levels.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that disagree, or a level count unlike the quantiles'.</exception>
    public static Tensor PinballLoss(Tensor quantiles, Tensor target, IReadOnlyList<double> levels)
    {
        if (quantiles.Dim != 3 || target.Dim != 2 || quantiles.Size(0) != target.Size(0) || quantiles.Size(2) != target.Size(1) || quantiles.Size(1) != levels.Count)
            throw new ArgumentException($"pinball loss: quantiles [{string.Join(", ", quantiles.Shape)}] and target [{string.Join(", ", target.Shape)}] " +
                                        $"for {levels.Count} levels: expected [N, {levels.Count}, H] and [N, H]");
        var tau = Tensor.FromArray([.. levels.Select(l => (float)l)], 1, levels.Count, 1);
        var e = target.Unsqueeze(1) - quantiles;                                              // [N, Q, H]
        return (tau * e + (-e).Relu()).Mean();
    }

    /// <summary>
    /// The factor c that minimises the pinball loss of the scaled learned quantiles point + c·spread over the residuals of
    /// <paramref name="parts"/> (each: residuals row-major [origins, H] in scaled units, NaN where missing, and the spread per
    /// level, [levels][origins·H]), pooled; levels widened by (n + 1)/n for the n targets (split conformal's finite-sample
    /// correction), levels within 0.1 of the median left out; in [1/10, 10], 1 without residuals
    /// (<see cref="ConformalIntervals.RecentScaleBy"/>
    /// over all of them at once).
    /// </summary>
    public static double ValidationScale(IReadOnlyList<(double[] Residuals, double[][] Spread)> parts, int horizon, double[] levels)
    {
        // The parts one after another, each forecast at its own consecutive pseudo-origins, all inside one window.
        var residuals = parts.SelectMany(p => p.Residuals).ToArray();
        int origins = residuals.Length / horizon;
        var at = new (int Part, int Origin)[origins];
        for (int p = 0, j = 0; p < parts.Count; p++)
            for (int i = 0; i < parts[p].Residuals.Length / horizon; i++) at[j++] = (p, i);
        int end = origins + horizon;
        double c = ConformalIntervals.RecentScaleBy([end], [.. Enumerable.Range(0, origins)], residuals, horizon, end + 1,
            (j, k, h) => parts[at[j].Part].Spread[k][at[j].Origin * horizon + h], levels, prior: 0)[0];
        // Under two independent windows (origins ÷ horizon, pooled over the parts) the factor is read from a handful of
        // residuals: only that share of its logarithm is taken (1 window, half; none, the head's own spread).
        double windows = (double)origins / horizon;
        return windows >= ShortWindows ? c : Math.Exp(windows / ShortWindows * Math.Log(c));
    }

    /// <summary>Pooled validation windows under which <see cref="ValidationScale"/> shrinks its factor towards 1.</summary>
    public const double ShortWindows = 2;

    /// <summary>
    /// Biases that start the head at the empirical quantiles of <paramref name="residuals"/> (row-major [samples, H], the
    /// targets minus the point forecast before training, scaled units): per step h, the median's shift and the softplus⁻¹ of the
    /// gaps between neighbouring levels' residual quantiles (at least 1e-3). Laid out as the head's bias [Q·H] (level-major).
    /// </summary>
    public static float[] InitialBias(float[] residuals, int horizon, IReadOnlyList<double> levels)
    {
        int Q = levels.Count, m = MedianIndex(levels), n = residuals.Length / horizon;
        var bias = new float[Q * horizon];
        for (int h = 0; h < horizon; h++)
        {
            var step = new List<double>(n);
            for (int i = 0; i < n; i++) step.Add(residuals[i * horizon + h]);
            step.Sort();
            double Q_(int k) => step.Count > 0 ? ConformalIntervals.Quantile(step, levels[k]) : (levels[k] - 0.5);
            bias[m * horizon + h] = (float)Q_(m);
            for (int k = m + 1; k < Q; k++) bias[k * horizon + h] = (float)InverseSoftplus(Math.Max(Q_(k) - Q_(k - 1), 1e-3));
            for (int k = m - 1; k >= 0; k--) bias[k * horizon + h] = (float)InverseSoftplus(Math.Max(Q_(k + 1) - Q_(k), 1e-3));
        }
        return bias;
    }
}

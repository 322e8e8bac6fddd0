namespace Recur.Forecasting;

/// <summary>
/// Quantiles from residuals (split conformal prediction, widened): the point forecast plus an empirical quantile of the
/// residuals r = actual − forecast. Residuals are pooled over the horizon after dividing each step's by its RMS s_h, so a
/// few dozen origins still give every step a usable quantile; the offset of level τ at step h is s_h·q̃_τ. Levels move
/// outwards by the finite-sample correction (n + 1)/n. Offsets increase with τ, so quantiles never cross.
/// </summary>
public static class ConformalIntervals
{
    /// <summary>
    /// The local scale residuals are measured in: the RMS of the first differences of <paramref name="z"/> over the
    /// <paramref name="window"/> steps before <paramref name="t"/>, divided by <paramref name="std"/> (1 when flat). Intervals
    /// then widen in volatile stretches and narrow in calm ones (summer against winter days), instead of one width for all.
    /// </summary>
    public static double Volatility(double[] z, int t, int window, double std)
    {
        int from = Math.Max(1, t - window);
        double sum = 0;
        int count = 0;
        for (int j = from; j < t; j++)
        {
            double d = z[j] - z[j - 1];
            sum += d * d;
            count++;
        }
        double v = count > 0 ? Math.Sqrt(sum / count) / std : 0;
        return v > 1e-9 && double.IsFinite(v) ? v : 1;
    }

    /// <summary>
    /// Rolling recalibration: for each of <paramref name="origins"/>, the factor its interval offsets are multiplied by, from
    /// the out-of-sample residuals whose targets became known in the <paramref name="window"/> steps before it. Static offsets
    /// from a short validation part under-cover when the series' volatility shifts (a cycle that grows between validation
    /// and test); the recent residuals of the same forecaster are the freshest evidence of the current spread.
    /// <paramref name="residuals"/>[i·H + h] is the residual of the forecast from <paramref name="residualOrigins"/>[i] at step
    /// h in the units of <paramref name="offsets"/> (NaN where the target is missing). The factor ĉ minimises the pinball loss
    /// of the scaled quantiles over those residuals (a weighted quantile, closed form, with levels widened by (n + 1)/n for the
    /// n targets in the window as in split conformal prediction), is clamped to [1/10, 10], and is
    /// shrunk towards 1 in log space with <paramref name="prior"/> pseudo-residuals standing for the static calibration:
    /// c = ĉ^(m/(m + prior)) after m recent residuals. Levels within 0.1 of the median give no evidence on the width.
    /// </summary>
    public static double[] RecentScale(int[] origins, int[] residualOrigins, double[] residuals, int horizon, int window,
        double[][] offsets, double[] levels, double prior) =>
        RecentScaleBy(origins, residualOrigins, residuals, horizon, window, (_, k, h) => offsets[k][h], levels, prior);

    /// <summary>
    /// <see cref="RecentScale"/> with offsets that vary by
    /// residual origin: <paramref name="offsetAt"/>(j, k, h) is the offset of level k at step h of the forecast from
    /// <paramref name="residualOrigins"/>[j] (learned quantiles, whose spread is the network's per origin).
    /// </summary>
    public static double[] RecentScaleBy(int[] origins, int[] residualOrigins, double[] residuals, int horizon, int window,
        Func<int, int, int, double> offsetAt, double[] levels, double prior)
    {
        var factor = new double[origins.Length];
        var items = new List<(double U, double W, double Tau)>();
        for (int i = 0; i < origins.Length; i++)
        {
            int t = origins[i];
            items.Clear();
            int pairs = 0;
            for (int j = 0; j < residualOrigins.Length; j++)
            {
                int o = residualOrigins[j];
                if (o >= t) break;
                for (int h = 0; h < horizon; h++)
                {
                    int target = o + h;
                    if (target >= t || target < t - window) continue;
                    double r = residuals[j * horizon + h];
                    if (double.IsNaN(r)) continue;
                    pairs++;
                    for (int k = 0; k < levels.Length; k++)
                    {
                        double off = offsetAt(j, k, h);
                        if (Math.Abs(levels[k] - 0.5) < 0.1 || !(Math.Abs(off) > 1e-12)) continue;
                        items.Add((r / off, Math.Abs(off), off > 0 ? levels[k] : 1 - levels[k]));
                    }
                }
            }
            factor[i] = 1;
            if (items.Count == 0) continue;
            items.Sort((a, b) => a.U.CompareTo(b.U));
            // The (n + 1)/n finite-sample widening of split conformal, n the window's targets (its residuals share them across steps).
            double n = Math.Max(1, Math.Min(window, pairs / (double)horizon)), widen = (n + 1) / n;
            double total = 0, goal = 0;
            foreach (var it in items) { total += it.W; goal += it.W * Math.Min(1, 0.5 + (it.Tau - 0.5) * widen); }
            double c = items[^1].U, below = 0;
            foreach (var it in items)
            {
                below += it.W;
                if (below >= goal) { c = it.U; break; }
            }
            c = Math.Clamp(c, 0.1, 10);
            // Clamped again: exp(log 10) is 10.000000000000002, which a model file's check (quantile_scale in [0.1, 10]) refuses.
            factor[i] = Math.Clamp(Math.Exp(pairs / (pairs + prior) * Math.Log(c)), 0.1, 10);
        }
        return factor;
    }

    /// <summary>
    /// Offsets from held-out <paramref name="validation"/> residuals and in-sample <paramref name="training"/> residuals: each
    /// part is normalised by its own per-step RMS and pooled, and the step scale is the larger of the two parts' (a short
    /// validation part alone gives noisy quantiles; in-sample residuals alone are too small).
    /// </summary>
    public static double[][] Offsets(double[] validation, double[] training, int horizon, double[] levels)
    {
        var (pool, scale) = Normalise(validation, training, horizon);
        return FromPool(pool, scale, levels);
    }

    /// <summary>
    /// Offsets of several series that share one model (a global model): each series keeps its own per-step scale, and the
    /// quantiles of the normalised residuals are read from all series' residuals pooled (a dozen validation origins per
    /// series alone give noisy tail quantiles). <paramref name="validation"/>[i] and <paramref name="training"/>[i] are series i's.
    /// </summary>
    public static double[][][] PooledOffsets(IReadOnlyList<double[]> validation, IReadOnlyList<double[]> training, int horizon, double[] levels)
    {
        var parts = validation.Select((v, i) => Normalise(v, training[i], horizon)).ToArray();
        var pool = parts.SelectMany(p => p.Pool).ToList();
        return [.. parts.Select(p => FromPool(pool, p.Scale, levels))];
    }

    private static (List<double> Pool, double[] Scale) Normalise(double[] validation, double[] training, int horizon)
    {
        var sv = StepScale(validation, horizon);
        var st = StepScale(training, horizon);
        var pool = new List<double>();
        foreach (var (r, sc) in new[] { (validation, sv), (training, st) })
            for (int k = 0; k < r.Length; k++)
                if (!double.IsNaN(r[k]) && sc[k % horizon] > 0) pool.Add(r[k] / sc[k % horizon]);
        var scale = new double[horizon];
        for (int h = 0; h < horizon; h++) scale[h] = Math.Max(double.IsNaN(sv[h]) ? 0 : sv[h], double.IsNaN(st[h]) ? 0 : st[h]);
        return (pool, scale);
    }

    private static double[] StepScale(double[] residuals, int horizon)
    {
        var scale = new double[horizon];
        var count = new int[horizon];
        for (int k = 0; k < residuals.Length; k++)
            if (!double.IsNaN(residuals[k])) { scale[k % horizon] += residuals[k] * residuals[k]; count[k % horizon]++; }
        for (int h = 0; h < horizon; h++) scale[h] = count[h] > 0 ? Math.Sqrt(scale[h] / count[h]) : double.NaN;
        return scale;
    }

    private static double[][] FromPool(List<double> pool, double[] scale, double[] levels)
    {
        pool = [.. pool.Order()];
        var offsets = new double[levels.Length][];
        for (int k = 0; k < levels.Length; k++)
        {
            offsets[k] = new double[scale.Length];
            if (pool.Count == 0) continue;
            double n = pool.Count;
            double q = Quantile(pool, Math.Clamp(0.5 + (levels[k] - 0.5) * (n + 1) / n, 0, 1));
            for (int h = 0; h < scale.Length; h++) offsets[k][h] = q * scale[h];
        }
        return offsets;
    }

    /// <summary>
    /// Offsets[k][h] for <paramref name="levels"/>[k] from <paramref name="residuals"/> (row-major [origins, horizon], NaN skipped).
    /// All zero when there is no residual.
    /// </summary>
    public static double[][] Offsets(double[] residuals, int horizon, double[] levels)
    {
        int origins = residuals.Length / horizon;
        var scale = new double[horizon];
        double total = 0;
        int totalCount = 0;
        for (int h = 0; h < horizon; h++)
        {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < origins; i++)
            {
                double r = residuals[i * horizon + h];
                if (double.IsNaN(r)) continue;
                sum += r * r;
                count++;
            }
            scale[h] = count > 0 ? Math.Sqrt(sum / count) : double.NaN;
            total += sum;
            totalCount += count;
        }
        double overall = totalCount > 0 ? Math.Sqrt(total / totalCount) : 0;
        for (int h = 0; h < horizon; h++)
            if (!(scale[h] > 0)) scale[h] = overall;
        var pool = new List<double>();
        for (int i = 0; i < origins; i++)
            for (int h = 0; h < horizon; h++)
            {
                double r = residuals[i * horizon + h];
                if (!double.IsNaN(r) && scale[h] > 0) pool.Add(r / scale[h]);
            }
        pool.Sort();
        var offsets = new double[levels.Length][];
        for (int k = 0; k < levels.Length; k++)
        {
            offsets[k] = new double[horizon];
            if (pool.Count == 0) continue;
            double n = pool.Count;
            double level = Math.Clamp(0.5 + (levels[k] - 0.5) * (n + 1) / n, 0, 1);
            double q = Quantile(pool, level);
            for (int h = 0; h < horizon; h++) offsets[k][h] = q * scale[h];
        }
        return offsets;
    }

    /// <summary>The empirical quantile of sorted values at <paramref name="level"/> (linear interpolation, R's type 7).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double level)
    {
        if (sorted.Count == 0) return double.NaN;
        double position = level * (sorted.Count - 1);
        int lo = (int)Math.Floor(position);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
    }
}

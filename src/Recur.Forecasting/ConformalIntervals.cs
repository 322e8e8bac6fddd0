namespace Recur.Forecasting;

/// <summary>
/// Quantiles from held-out residuals (split conformal prediction): the point forecast plus an empirical quantile of the
/// residuals r = actual − forecast of the validation part. Residuals are pooled over the horizon after dividing each
/// step's by its RMS s_h, so a few dozen origins still give every step a usable quantile; the offset of level τ at step h
/// is s_h·q̃_τ. Levels move outwards by the finite-sample correction (n + 1)/n. Offsets increase with τ, so quantiles
/// never cross.
/// </summary>
public static class ConformalIntervals
{
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

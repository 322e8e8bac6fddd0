namespace Recur.Forecasting;

/// <summary>Scores forecasts against the series they forecast.</summary>
public static class ForecastMetrics
{
    /// <summary>
    /// Compares <paramref name="forecasts"/> (row-major [origins, horizon], as from
    /// <see cref="Baselines"/> or a model after <see cref="StandardScaler.Inverse(ReadOnlySpan{float})"/>)
    /// with the actual values y[t + h]. With e = ŷ − y over all N = origins·H pairs:
    /// RMSE = √(Σe²/N), MAE = Σ|e|/N, and RMSE by step h over the origins alone.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes disagree, there are no origins, or a horizon runs past the series.</exception>
    public static ForecastErrors Evaluate(ReadOnlySpan<double> series, ReadOnlySpan<int> origins, int horizon,
        ReadOnlySpan<double> forecasts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        if (origins.Length == 0)
            throw new ArgumentException("no forecast origins to evaluate (is the test part shorter than lookback + horizon?)");
        if (forecasts.Length != origins.Length * horizon)
            throw new ArgumentException(
                $"forecasts must hold origins × horizon = {origins.Length} × {horizon} = {origins.Length * horizon} values, got {forecasts.Length}");

        var squaredByStep = new double[horizon];
        double absolute = 0;
        for (int i = 0; i < origins.Length; i++)
        {
            int t = origins[i];
            if (t < 0 || t + horizon > series.Length)
                throw new ArgumentException($"origin {t} with horizon {horizon} runs past the series (length {series.Length})");
            for (int h = 0; h < horizon; h++)
            {
                double e = forecasts[i * horizon + h] - series[t + h];
                squaredByStep[h] += e * e;
                absolute += Math.Abs(e);
            }
        }
        double n = (double)origins.Length * horizon;
        var rmseByStep = new double[horizon];
        for (int h = 0; h < horizon; h++)
            rmseByStep[h] = Math.Sqrt(squaredByStep[h] / origins.Length);
        return new ForecastErrors(Math.Sqrt(squaredByStep.Sum() / n), absolute / n, rmseByStep, origins.Length);
    }

    /// <summary>
    /// MASE's denominator: the in-sample seasonal-naive MAE of the training part, mean |y[t] − y[t−S]| over observed pairs
    /// in y[0 … trainEnd−1]; lag 1 when the part holds no full season or that MAE is 0; 1 when even that is 0.
    /// </summary>
    public static double MaseScale(ReadOnlySpan<double> series, int trainEnd, int season)
    {
        foreach (int lag in season > 1 && season < trainEnd ? new[] { season, 1 } : [1])
        {
            double sum = 0;
            int count = 0;
            for (int t = lag; t < trainEnd; t++)
            {
                double d = series[t] - series[t - lag];
                if (double.IsNaN(d)) continue;
                sum += Math.Abs(d);
                count++;
            }
            if (count > 0 && sum > 0) return sum / count;
        }
        return 1;
    }

    /// <summary>
    /// Per origin, the mean absolute error of its steps (those with an actual value) over <paramref name="maseScale"/>: the
    /// terms whose weighted mean is the MASE, for comparing two methods origin by origin. NaN where every step is missing.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes disagree or a horizon runs past the series.</exception>
    public static double[] OriginErrors(ReadOnlySpan<double> actual, ReadOnlySpan<int> origins, int horizon, ReadOnlySpan<double> forecasts, double maseScale)
    {
        Check(actual.Length, origins, horizon, forecasts.Length);
        var errors = new double[origins.Length];
        for (int o = 0; o < origins.Length; o++)
        {
            double sum = 0;
            int n = 0;
            for (int h = 0; h < horizon; h++)
            {
                double y = actual[origins[o] + h];
                if (double.IsNaN(y)) continue;
                sum += Math.Abs(forecasts[o * horizon + h] - y);
                n++;
            }
            errors[o] = n == 0 ? double.NaN : sum / n / maseScale;
        }
        return errors;
    }

    /// <summary>
    /// Scores point forecasts (row-major [origins, horizon]) against <paramref name="actual"/> (NaN = missing, skipped)
    /// with MASE scaled by <paramref name="maseScale"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes disagree or a horizon runs past the series.</exception>
    public static PointScores Score(ReadOnlySpan<double> actual, ReadOnlySpan<int> origins, int horizon, ReadOnlySpan<double> forecasts, double maseScale)
    {
        Check(actual.Length, origins, horizon, forecasts.Length);
        double abs = 0, sq = 0, smape = 0;
        var sqByStep = new double[horizon];
        var countByStep = new int[horizon];
        int count = 0;
        for (int i = 0; i < origins.Length; i++)
            for (int h = 0; h < horizon; h++)
            {
                double y = actual[origins[i] + h], f = forecasts[i * horizon + h];
                if (double.IsNaN(y)) continue;
                double e = f - y;
                abs += Math.Abs(e);
                sq += e * e;
                sqByStep[h] += e * e;
                countByStep[h]++;
                double denominator = Math.Abs(f) + Math.Abs(y);
                smape += denominator > 0 ? 200 * Math.Abs(e) / denominator : 0;
                count++;
            }
        if (count == 0) return new PointScores(double.NaN, double.NaN, double.NaN, double.NaN, 0, new double[horizon]);
        var byStep = new double[horizon];
        for (int h = 0; h < horizon; h++) byStep[h] = countByStep[h] > 0 ? Math.Sqrt(sqByStep[h] / countByStep[h]) : double.NaN;
        return new PointScores(abs / count / maseScale, smape / count, Math.Sqrt(sq / count), abs / count, count, byStep);
    }

    /// <summary>Pinball loss of quantile <paramref name="q"/> at level <paramref name="tau"/> for value <paramref name="y"/>: max(τ(y − q), (τ − 1)(y − q)).</summary>
    public static double Pinball(double tau, double y, double q) => Math.Max(tau * (y - q), (tau - 1) * (y - q));

    /// <summary>
    /// Scores quantile forecasts: <paramref name="quantiles"/>[k] is row-major [origins, horizon] for <paramref name="levels"/>[k].
    /// </summary>
    public static QuantileScores ScoreQuantiles(ReadOnlySpan<double> actual, ReadOnlySpan<int> origins, int horizon, double[] levels, IReadOnlyList<double[]> quantiles)
    {
        var pinball = new double[levels.Length];
        var coverage = new Dictionary<double, double>();
        int count = 0;
        var inside = new int[levels.Length];
        var below = new int[levels.Length];
        // Per level below 0.5, the index of its mirror 1 − τ (the upper end of its central interval), or −1.
        int[] upper = [.. levels.Select(t => t < 0.5 ? Array.FindIndex(levels, l => Math.Abs(l - (1 - t)) < 1e-9) : -1)];
        for (int i = 0; i < origins.Length; i++)
            for (int h = 0; h < horizon; h++)
            {
                double y = actual[origins[i] + h];
                if (double.IsNaN(y)) continue;
                // The sizes, checked once, when the first value is scored (Check walks every origin).
                if (count++ == 0)
                    foreach (var q in quantiles.Take(levels.Length)) Check(actual.Length, origins, horizon, q.Length);
                for (int k = 0; k < levels.Length; k++)
                {
                    double qk = quantiles[k][i * horizon + h];
                    pinball[k] += Pinball(levels[k], y, qk);
                    if (y <= qk) below[k]++;
                    if (upper[k] >= 0 && y >= qk && y <= quantiles[upper[k]][i * horizon + h]) inside[k]++;
                }
            }
        for (int k = 0; k < levels.Length; k++)
        {
            pinball[k] = count > 0 ? pinball[k] / count : double.NaN;
            if (upper[k] >= 0)
                coverage[levels[k]] = count > 0 ? (double)inside[k] / count : double.NaN;
        }
        return new QuantileScores(levels, pinball, coverage) { Below = [.. below.Select(b => count > 0 ? (double)b / count : double.NaN)] };
    }

    private static void Check(int length, ReadOnlySpan<int> origins, int horizon, int forecasts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        if (forecasts != origins.Length * horizon)
            throw new ArgumentException($"forecasts must hold origins × horizon = {origins.Length} × {horizon} values, got {forecasts}");
        foreach (int t in origins)
            if (t < 0 || t + horizon > length)
                throw new ArgumentException($"origin {t} with horizon {horizon} runs past the series (length {length})");
    }
}

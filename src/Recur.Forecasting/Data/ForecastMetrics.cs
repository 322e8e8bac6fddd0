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
}

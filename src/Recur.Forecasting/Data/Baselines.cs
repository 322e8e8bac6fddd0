namespace Recur.Forecasting;

/// <summary>
/// Model-free forecasts that any model must beat. Each returns a flat row-major array
/// [origins, horizon]: entry (i, h) forecasts y[origins[i] + h] from values before origins[i] only.
/// </summary>
public static class Baselines
{
    /// <summary>Persistence: the last value repeated, ŷ[t+h] = y[t−1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">An origin is below 1 or beyond the series.</exception>
    public static double[] Persistence(ReadOnlySpan<double> series, ReadOnlySpan<int> origins, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        var forecasts = new double[origins.Length * horizon];
        for (int i = 0; i < origins.Length; i++)
        {
            int t = CheckOrigin(origins[i], series.Length, minimum: 1);
            forecasts.AsSpan(i * horizon, horizon).Fill(series[t - 1]);
        }
        return forecasts;
    }

    /// <summary>
    /// Seasonal naive: the value one season earlier, ŷ[t+h] = y[t+h−S] for h &lt; S. For h ≥ S
    /// it goes back k = ⌊h/S⌋ + 1 whole seasons, ŷ[t+h] = y[t+h−kS], so that only values before t
    /// are used (the last observed season repeated).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An origin is below the season (no full season before it) or beyond the series.</exception>
    public static double[] SeasonalNaive(ReadOnlySpan<double> series, ReadOnlySpan<int> origins, int horizon, int season)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(season);
        var forecasts = new double[origins.Length * horizon];
        for (int i = 0; i < origins.Length; i++)
        {
            int t = CheckOrigin(origins[i], series.Length, minimum: season);
            for (int h = 0; h < horizon; h++)
                forecasts[i * horizon + h] = series[t + h - (h / season + 1) * season];
        }
        return forecasts;
    }

    /// <summary>Mean of the training part, ŷ[t+h] = mean(y[0 … trainEnd−1]) for every origin and step.</summary>
    public static double[] Mean(ReadOnlySpan<double> series, int trainEnd, ReadOnlySpan<int> origins, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        if (trainEnd < 1 || trainEnd > series.Length) throw new ArgumentOutOfRangeException(nameof(trainEnd), trainEnd, $"the training part must hold 1 … {series.Length} values");
        double mean = 0;
        foreach (double v in series[..trainEnd]) mean += v;
        return Constant(mean / trainEnd, origins.Length, horizon);
    }

    /// <summary>A constant forecast (e.g. a stored training mean) for every origin and step.</summary>
    public static double[] Constant(double value, int origins, int horizon)
    {
        var forecasts = new double[origins * horizon];
        Array.Fill(forecasts, value);
        return forecasts;
    }

    /// <summary>Drift: the line through the first value and the last before the origin, ŷ[t+h] = y[t−1] + (h+1)·(y[t−1] − y[0])/(t−1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An origin is below 2 or beyond the series.</exception>
    public static double[] Drift(ReadOnlySpan<double> series, ReadOnlySpan<int> origins, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        var forecasts = new double[origins.Length * horizon];
        for (int i = 0; i < origins.Length; i++)
        {
            int t = CheckOrigin(origins[i], series.Length, minimum: 2);
            double slope = (series[t - 1] - series[0]) / (t - 1);
            for (int h = 0; h < horizon; h++)
                forecasts[i * horizon + h] = series[t - 1] + (h + 1) * slope;
        }
        return forecasts;
    }

    private static int CheckOrigin(int t, int length, int minimum)
    {
        if (t < minimum || t > length)
            throw new ArgumentOutOfRangeException(nameof(t), t,
                $"forecast origin must be in [{minimum}, {length}] for a series of length {length}");
        return t;
    }
}

namespace Recur.Forecasting;

/// <summary>
/// Season, horizon and lookback when the user gives none, derived from the dates' frequency, or from the
/// series itself when it is undated, and kept small enough for the 70/10/20 split to leave samples.
/// </summary>
public static class ForecastDefaults
{
    /// <summary>
    /// Season of an undated series: the lag (2 … trainCount/3, at most 1000) at which the autocorrelation of
    /// the training part's first differences peaks, when it is at least 0.3; the smallest lag within 90 % of
    /// that peak wins, so a multiple of the true period does not. 1 (no season) otherwise.
    /// Differences, because a trend would make every lag look alike.
    /// </summary>
    public static int DetectSeason(ReadOnlySpan<double> train)
    {
        int n = train.Length - 1;
        int maxLag = Math.Min(n / 3, 1000);
        if (maxLag < 2) return 1;
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = train[i + 1] - train[i];
        double mean = d.Average(), variance = 0;
        foreach (double v in d) variance += (v - mean) * (v - mean);
        if (variance <= 0) return 1;
        var acf = new double[maxLag + 1];
        for (int lag = 2; lag <= maxLag; lag++)
        {
            double s = 0;
            for (int i = lag; i < n; i++) s += (d[i] - mean) * (d[i - lag] - mean);
            acf[lag] = s / variance;
        }
        double peak = acf.Max();
        if (peak < 0.3) return 1;
        for (int lag = 2; lag <= maxLag; lag++)
            if (acf[lag] >= 0.9 * peak) return lag;
        return 1;
    }

    /// <summary>The frequency's horizon; for undated or irregular data one season (at most 24), or 1.</summary>
    public static int Horizon(SeriesFrequency frequency, int season) =>
        frequency.Horizon > 0 ? frequency.Horizon : season > 1 ? Math.Min(season, 24) : 1;

    /// <summary>
    /// max(2·season, 4·horizon, 30), then at most a third of the training part (so most training rows start a
    /// sample) and at most 336 (two weeks of hours: the cost of an epoch grows with the lookback).
    /// </summary>
    public static int Lookback(int season, int horizon, int trainCount)
    {
        int wanted = Math.Max(Math.Max(2 * season, 4 * horizon), 30);
        return Math.Max(1, Math.Min(wanted, Math.Min(trainCount / 3, 336)));
    }
}

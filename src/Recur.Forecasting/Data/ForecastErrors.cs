namespace Recur.Forecasting;

/// <summary>Errors of a set of forecasts, in the series' own units.</summary>
/// <param name="Rmse">√(mean of squared errors) over all origins × steps.</param>
/// <param name="Mae">Mean absolute error over all origins × steps.</param>
/// <param name="RmseByStep">RMSE at each horizon step h = 0..H−1, over origins (for an error-by-step plot).</param>
/// <param name="Origins">Number of forecast origins.</param>
public sealed record ForecastErrors(double Rmse, double Mae, double[] RmseByStep, int Origins)
{
    /// <summary>Horizon H: number of steps forecast from each origin.</summary>
    public int Horizon => RmseByStep.Length;
}

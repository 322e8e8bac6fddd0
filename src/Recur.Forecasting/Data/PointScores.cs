namespace Recur.Forecasting;

/// <summary>Point-forecast errors over the observed test values (missing actual values are skipped).</summary>
/// <param name="Mase">MAE over the training part's in-sample seasonal-naive MAE (<see cref="ForecastMetrics.MaseScale"/>).</param>
/// <param name="Smape">Symmetric MAPE in percent: mean of 200·|ŷ − y|/(|ŷ| + |y|), 0 where both are 0.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Count">Forecast values scored.</param>
/// <param name="RmseByStep">RMSE by horizon step.</param>
public sealed record PointScores(double Mase, double Smape, double Rmse, double Mae, int Count, double[] RmseByStep);

/// <summary>Quantile-forecast scores over the observed test values.</summary>
/// <param name="Levels">The quantile levels, increasing.</param>
/// <param name="Pinball">Mean pinball loss per level.</param>
/// <param name="Coverage">For each level τ &lt; 0.5 whose 1 − τ is also a level: the share of values inside [q_τ, q_{1−τ}], keyed by τ.</param>
public sealed record QuantileScores(double[] Levels, double[] Pinball, IReadOnlyDictionary<double, double> Coverage)
{
    /// <summary>Mean of <see cref="Pinball"/> over the levels (≈ CRPS/2 for dense, even levels).</summary>
    public double MeanPinball => Pinball.Average();

    /// <summary>
    /// Per level, the share of values at or below its quantile (a calibrated q_τ has τ of them): the check that works for
    /// any set of levels, also those without a central interval (0.3, 0.9).
    /// </summary>
    public double[] Below { get; init; } = [];
}

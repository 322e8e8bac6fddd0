namespace Recur.Forecasting;

/// <summary>How to fit a forecaster; null sizes are derived from the data (<see cref="ForecastDefaults"/>).</summary>
public sealed record ForecastOptions
{
    /// <summary>L: past steps the network reads.</summary>
    public int? Lookback { get; init; }

    /// <summary>H: steps forecast from each origin.</summary>
    public int? Horizon { get; init; }

    /// <summary>S: steps per season.</summary>
    public int? Season { get; init; }

    /// <summary>Calendar cycles to feed; null chooses from the dates (<see cref="CalendarFeatures.Choose"/>), empty feeds none.</summary>
    public string[]? Calendar { get; init; }

    /// <summary>
    /// A learned series embedding for a global model (<see cref="ForecastSpec.SeriesEmbedding"/>): null (default) uses one
    /// for 2 … <see cref="MaxEmbeddedSeries"/> series; false never; true for any number of series up to that bound.
    /// </summary>
    public bool? SeriesEmbedding { get; init; }

    /// <summary>The most series a series embedding is made for (one input channel per series).</summary>
    public const int MaxEmbeddedSeries = 100;

    /// <summary>Recurrent cell: rnn, gru or lstm.</summary>
    public string Cell { get; init; } = "gru";

    /// <summary>Hidden size.</summary>
    public int Hidden { get; init; } = 32;

    /// <summary>Recurrent layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Random seed: same seed, same numbers.</summary>
    public long Seed { get; init; }

    /// <summary>How the network is trained.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Quantile levels to forecast, each in (0, 1).</summary>
    public double[] Quantiles { get; init; } = [0.1, 0.5, 0.9];

    /// <summary>
    /// How quantiles are made: "learned" (default: the network's own quantile outputs trained by the pinball loss,
    /// <see cref="QuantileHeads"/>, their spread calibrated on validation and on the recent residuals, for the series whose
    /// method reads the network; conformal for the others) or "conformal" (offsets from held-out residuals,
    /// <see cref="ConformalIntervals"/>, for any method) or "gaussian" (as learned, but the network's quantiles come from a
    /// distribution head, σ per step trained by the Gaussian likelihood, <see cref="GaussianHead"/>). The default is the measured
    /// better one (docs/FORECASTING.md, "Learned against conformal quantiles" and "Distribution head against pinball heads").
    /// </summary>
    public string Intervals { get; init; } = "learned";

    /// <summary>The values <see cref="Intervals"/> takes.</summary>
    public static readonly IReadOnlyList<string> IntervalKinds = ["conformal", "learned", "gaussian"];

    /// <summary>
    /// none, log, boxcox (λ fitted on the training part) or auto: the whole model fitted under each, the simplest kept unless a
    /// transform with more fitted parameters lowers the chosen method's validation MASE by more than <see cref="ForecastJob.TransformMargin"/>.
    /// </summary>
    public string Transform { get; init; } = "none";

    /// <summary>
    /// "auto" (the method that wins on validation; on a short validation part the better combination unless another is
    /// clearly better, <see cref="MethodChoice.Choose"/>, and for a global model the ensemble unless another is clearly
    /// better, <see cref="MethodChoice.ChooseShared"/>) or one of <see cref="ForecastMethods.Names"/> (e.g. "network") for
    /// every series.
    /// </summary>
    public string Method { get; init; } = "auto";

    /// <summary>Fraction of each series for training.</summary>
    public double TrainFraction { get; init; } = 0.7;

    /// <summary>Fraction of each series for validation (the rest is the test part).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>When set, the test part starts at the first date on or after it; validation is the last 1/8 before it.</summary>
    public DateTime? TestStart { get; init; }

    /// <summary>Rolling-origin folds over the test part, each scored on its own (fitted once unless <see cref="Refit"/>).</summary>
    public int Backtest { get; init; } = 1;

    /// <summary>
    /// With <see cref="Backtest"/> ≥ 2: refit a model at each fold's first origin on all rows before it (their last 1/8, or
    /// the <see cref="ValidationFraction"/> share, for validation) and score each fold with its own model; the baselines are
    /// refitted on the same training rows. K extra fits. The returned <see cref="ForecastResult.Model"/> is still the one
    /// fitted on the whole split.
    /// </summary>
    public bool Refit { get; init; }
}

namespace Recur.Forecasting;

/// <summary>What a forecast's anchor is: the network predicts the correction to it.</summary>
public enum ForecastAnchor
{
    /// <summary>Persistence: ŷ[t+h] = y[t−1] + correction.</summary>
    Last,

    /// <summary>Seasonal naive: ŷ[t+h] = y[t+h−kS] + correction (only when the season fits in the lookback).</summary>
    Seasonal,

    /// <summary>
    /// Damped Holt-Winters (the series' own fit): ŷ[t+h] = HW[t+h | t−1] + correction — the hybrid (the ES-RNN idea): the
    /// network learns only the correction to exponential smoothing, so with nothing to learn it forecasts Holt-Winters.
    /// </summary>
    HoltWinters,
}

/// <summary>
/// Everything needed to turn rows of a CSV into a trained model's inputs and its outputs back into forecasts:
/// the network's size, the window, the inputs, the quantile levels, and per series its transform, scaling,
/// chosen method and interval offsets. It is the model file's metadata (<see cref="ModelFile"/>).
/// </summary>
public sealed record ForecastSpec
{
    /// <summary>The value column of a long file or of a one-column wide file; null for several columns.</summary>
    public string? ValueColumn { get; init; }

    /// <summary>The long file's series-id column, else null.</summary>
    public string? SeriesIdColumn { get; init; }

    /// <summary>Input columns read in the past only.</summary>
    public required string[] Features { get; init; }

    /// <summary>Input columns read in the past and at the forecast steps.</summary>
    public string[] KnownFuture { get; init; } = [];

    /// <summary>Recurrent cell: rnn, gru or lstm.</summary>
    public required string Cell { get; init; }

    /// <summary>Hidden size.</summary>
    public required int Hidden { get; init; }

    /// <summary>Recurrent layers.</summary>
    public required int Layers { get; init; }

    /// <summary>L: past steps read.</summary>
    public required int Lookback { get; init; }

    /// <summary>H: steps forecast.</summary>
    public required int Horizon { get; init; }

    /// <summary>S: steps per season.</summary>
    public required int Season { get; init; }

    /// <summary>The network's anchor.</summary>
    public required ForecastAnchor Anchor { get; init; }

    /// <summary>Calendar cycles fed as sin/cos channels (<see cref="CalendarFeatures.Cycles"/>), past and future; empty without dates.</summary>
    public required string[] Calendar { get; init; }

    /// <summary>The training file's date step (null when undated), to check a file given to predict and extend its dates.</summary>
    public DateStep? Step { get; init; }

    /// <summary>The training file's date format.</summary>
    public required string DateFormat { get; init; }

    /// <summary>Quantile levels forecast, increasing, in (0, 1).</summary>
    public double[] Quantiles { get; init; } = [];

    /// <summary>Per series: transform, scaling, method, offsets.</summary>
    public required SeriesState[] Series { get; init; }

    /// <summary>
    /// Steps of recent out-of-sample residuals that rescale each origin's interval (<see cref="ConformalIntervals.RecentScale"/>);
    /// 0 keeps the static offsets (model files written before it was added).
    /// </summary>
    public int CalibrationWindow { get; init; }

    /// <summary>Pseudo-residuals that stand for the static offsets when recent residuals rescale them.</summary>
    public double CalibrationPrior { get; init; }

    /// <summary>Values per input step: the target, each feature, the series indicators, each known-future input, and sin/cos per calendar cycle.</summary>
    public int InputSize => 1 + Features.Length + SeriesChannels + KnownFuture.Length + 2 * Calendar.Length;

    /// <summary>
    /// Whether the network reads one indicator channel per series (1 for its own series, 0 for the others) after the
    /// features: through <c>rnn.weight_ih_l0</c> that is a learned series embedding. Global models only; false in model
    /// files written before it was added.
    /// </summary>
    public bool SeriesEmbedding { get; init; }

    /// <summary>
    /// Whether the network has learned quantile outputs (<see cref="ForecastNet.Quantile"/>, <c>--intervals learned</c>): a series
    /// whose method reads the network takes its quantiles from them; the others keep the conformal offsets. False in model files
    /// written before it was added.
    /// </summary>
    public bool LearnedQuantiles { get; init; }

    /// <summary>
    /// With <see cref="LearnedQuantiles"/>: whether the network's quantiles come from the Gaussian distribution head
    /// (<see cref="GaussianHead"/>, <c>--intervals gaussian</c>) instead of the pinball quantile heads. Calibration, prediction and
    /// export treat both alike. False in model files written before it was added.
    /// </summary>
    public bool Gaussian { get; init; }

    /// <summary>The <c>--intervals</c> kind of the network's quantiles: gaussian, learned or conformal.</summary>
    public string IntervalKind => !LearnedQuantiles ? "conformal" : Gaussian ? "gaussian" : "learned";

    /// <summary>Indicator channels of the series embedding: one per series, or 0 without it.</summary>
    public int SeriesChannels => SeriesEmbedding ? Series.Length : 0;

    /// <summary>Channels also read at the H forecast steps: the known-future inputs and the calendar.</summary>
    public int KnownChannels => KnownFuture.Length + 2 * Calendar.Length;

    /// <summary>Inputs of the linear highway: the target's window, then each known channel's H future values.</summary>
    public int WindowWidth => Lookback + Horizon * KnownChannels;

    /// <summary>Steps before an origin whose volatility scales its interval (<see cref="ConformalIntervals.Volatility"/>).</summary>
    public int VolatilityWindow => Math.Max(2, Math.Min(Lookback, 28));

    /// <summary>
    /// Rows a file needs for one forecast: the lookback (the seasonal anchor lies inside it), and with the Holt-Winters anchor
    /// the two seasons its start reads.
    /// </summary>
    public int RowsNeeded => Anchor == ForecastAnchor.HoltWinters
        ? Math.Max(Lookback, Series.Max(s => s.HoltWinters.Season > 1 ? 2 * s.HoltWinters.Season : 2))
        : Lookback;

    /// <summary>The state of series <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The model was not trained on such a series.</exception>
    public SeriesState For(string name) => Series.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"the model knows no series {Excerpt.Of(name)}; it was trained on {Excerpt.List([.. Series.Select(s => s.Name)])}");
}

/// <summary>What a model keeps per series.</summary>
public sealed record SeriesState
{
    /// <summary>The series' name (column or id).</summary>
    public required string Name { get; init; }

    /// <summary>Transform applied before scaling.</summary>
    public required SeriesTransform Transform { get; init; }

    /// <summary>Scaling of the transformed values, fitted on the training part.</summary>
    public required StandardScaler Scaler { get; init; }

    /// <summary>Scaling of each input column (features, then known-future), fitted on the training part.</summary>
    public required StandardScaler[] InputScalers { get; init; }

    /// <summary>Mean of the training part, transformed (the mean baseline).</summary>
    public required double TrainMean { get; init; }

    /// <summary>Holt-Winters fitted on the transformed training part.</summary>
    public required HoltWinters HoltWinters { get; init; }

    /// <summary>The point method chosen on validation (<see cref="ForecastMethods.Names"/>).</summary>
    public required string Method { get; init; }

    /// <summary>
    /// Interval offsets in units of the origin's local volatility (<see cref="ConformalIntervals.Volatility"/>):
    /// <c>Offsets[k][h]·volatility</c> is added to the scaled point forecast for level k, step h.
    /// </summary>
    public required double[][] Offsets { get; init; }

    /// <summary>
    /// With learned quantiles (<see cref="ForecastSpec.LearnedQuantiles"/>): the factor the network's quantile spread is multiplied
    /// by, fitted on the validation residuals (the pinball-optimal scale, <see cref="QuantileHeads.ValidationScale"/>); 1 otherwise.
    /// </summary>
    public double QuantileScale { get; init; } = 1;
}

namespace Recur.Forecasting;

/// <summary>What <see cref="Forecaster.Fit"/> returns: the model, how training went, and its scores on the test part.</summary>
/// <param name="Model">The fitted forecaster.</param>
/// <param name="Training">The network's training run.</param>
/// <param name="Evaluation">Model and baselines on the test part of every series.</param>
/// <param name="Notes">Choices made from the data (season, horizon, transform, method per series, …), one line each.</param>
/// <param name="Splits">The split of each series, by name.</param>
public sealed record ForecastResult(Forecaster Model, TrainingSummary Training, ForecastEvaluation Evaluation,
    IReadOnlyList<string> Notes, IReadOnlyDictionary<string, ForecastSplit> Splits)
{
    /// <summary>The validation MASE of each series' chosen method, averaged over the series (what <c>--transform auto</c> compares).</summary>
    public double ValidationMase { get; init; } = double.NaN;
}

/// <summary>Forecasts of one series from several origins, in its own units.</summary>
/// <param name="Origins">Origins (row of the first forecast value).</param>
/// <param name="Horizon">Steps per origin.</param>
/// <param name="Point">Row-major [origins, horizon].</param>
/// <param name="Quantiles">One row-major [origins, horizon] array per level.</param>
public sealed record SeriesForecast(int[] Origins, int Horizon, double[] Point, double[][] Quantiles);

/// <summary>The test-part scores of one series.</summary>
/// <param name="Name">The series.</param>
/// <param name="Method">The point method used (<see cref="ForecastMethods"/>).</param>
/// <param name="Actual">The series' values (NaN where missing).</param>
/// <param name="Dates">The series' dates, or null.</param>
/// <param name="Forecast">The model's forecasts at the test origins.</param>
/// <param name="Model">The model's point scores.</param>
/// <param name="Baselines">Each baseline's point scores, by name.</param>
/// <param name="BaselineForecasts">Each baseline's forecasts, by name.</param>
/// <param name="ModelQuantiles">The model's quantile scores, when it forecasts quantiles.</param>
/// <param name="BaselineQuantiles">Seasonal naive with its training residuals' empirical quantiles, scored the same way.</param>
/// <param name="Folds">Per backtest fold: the model's MASE and the best baseline's MASE on that fold's origins.</param>
public sealed record SeriesEvaluation(string Name, string Method, double[] Actual, DateTime[]? Dates, SeriesForecast Forecast,
    PointScores Model, IReadOnlyDictionary<string, PointScores> Baselines, IReadOnlyDictionary<string, double[]> BaselineForecasts,
    QuantileScores? ModelQuantiles, QuantileScores? BaselineQuantiles, IReadOnlyList<FoldScores> Folds)
{
    /// <summary>The baseline with the lowest test MASE.</summary>
    public string BestBaseline => Baselines.MinBy(b => double.IsNaN(b.Value.Mase) ? double.PositiveInfinity : b.Value.Mase).Key;
}

/// <summary>One backtest fold of one series.</summary>
/// <param name="Fold">0-based fold.</param>
/// <param name="FirstOrigin">The fold's first origin.</param>
/// <param name="LastOrigin">The fold's last origin.</param>
/// <param name="ModelMase">The model's MASE on the fold.</param>
/// <param name="BaselineMase">Each baseline's MASE on the fold.</param>
/// <param name="Method">The method of the fold's refitted model (<see cref="ForecastOptions.Refit"/>), else null.</param>
public sealed record FoldScores(int Fold, int FirstOrigin, int LastOrigin, double ModelMase, IReadOnlyDictionary<string, double> BaselineMase, string? Method = null);

/// <summary>Model and baselines on the test part of every series.</summary>
/// <param name="Series">Per series.</param>
/// <param name="Levels">Quantile levels.</param>
/// <param name="Horizon">Steps per origin.</param>
public sealed record ForecastEvaluation(IReadOnlyList<SeriesEvaluation> Series, double[] Levels, int Horizon)
{
    /// <summary>Mean over the series of the model's MASE.</summary>
    public double MeanMase => Series.Average(s => s.Model.Mase);

    /// <summary>Mean over the series of <paramref name="baseline"/>'s MASE.</summary>
    public double MeanBaselineMase(string baseline) => Series.Average(s => s.Baselines[baseline].Mase);
}

namespace Recur.Forecasting;

/// <summary>The next steps after a series' history, with their dates when the file has dates.</summary>
/// <param name="Series">The series' name.</param>
/// <param name="Method">The point method used.</param>
/// <param name="Rows">History rows read.</param>
/// <param name="Missing">Missing values in the history (filled).</param>
/// <param name="Values">Point forecasts, one per step.</param>
/// <param name="Levels">Quantile levels.</param>
/// <param name="Quantiles">Per level, one value per step.</param>
/// <param name="Dates">The forecast dates, or null.</param>
public sealed record Prediction(string Series, string Method, int Rows, int Missing, double[] Values, double[] Levels, double[][] Quantiles, DateTime[]? Dates);

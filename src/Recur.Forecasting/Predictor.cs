
namespace Recur.Forecasting;

/// <summary>The next H values after a file's last row, with their dates when the file has dates.</summary>
public sealed record Prediction(string Column, int Rows, int MissingFilled, double[] Values, DateTime[]? Dates);

/// <summary><c>recur predict</c>: a saved model applied to the end of a CSV file.</summary>
public static class Predictor
{
    /// <summary>
    /// Reads the model's column and features from <paramref name="csv"/> (gaps filled as in training) and
    /// forecasts the <c>horizon</c> values after its last row from its last <c>lookback</c> rows.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is shorter than the lookback, or its dates step differently from the training file's.</exception>
    public static Prediction Run(Forecaster model, string csv)
    {
        var spec = model.Spec;
        var series = CsvSeries.Load(csv, spec.Column, spec.Features);
        if (series.Length < spec.RowsNeeded)
            throw new InvalidDataException($"{csv}: {series.Length} rows are too few: the model reads the last {spec.Lookback} (its lookback)");
        if (spec.Calendar.Length > 0 && series.Dates is null)
            throw new InvalidDataException(
                $"{csv}: the model uses calendar inputs ({string.Join(", ", spec.Calendar)}) but the file has no date column");
        if (series.Dates is { } dates && spec.Step > TimeSpan.Zero)
        {
            var step = dates.MedianStep();
            if (Math.Abs(step.TotalSeconds - spec.Step.TotalSeconds) > 0.1 * spec.Step.TotalSeconds)
                throw new InvalidDataException(
                    $"{csv}: rows are {SeriesFrequency.Describe(step)} apart, the model was trained on rows {SeriesFrequency.Describe(spec.Step)} apart");
        }

        var scaled = ScaledSeries.From(spec, series.Target.Values, [.. series.Features.Select(f => f.Values)], series.Dates?.Values);
        var values = model.Forecast(scaled, [series.Length]);
        DateTime[]? next = null;
        if (series.Dates is { } d && d.MedianStep() > TimeSpan.Zero)
            next = d.Next(spec.Horizon);
        return new Prediction(spec.Column, series.Length, series.Target.MissingFilled, values, next);
    }
}

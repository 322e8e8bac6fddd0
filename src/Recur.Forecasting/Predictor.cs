namespace Recur.Forecasting;

/// <summary><c>recur predict</c>: a fitted model forecasts past the end of each series' history.</summary>
public static class Predictor
{
    /// <summary>
    /// The CSV options that read a file for <paramref name="model"/>: its value column(s), series id, inputs, and the trailing
    /// rows without a value (where known-future inputs for the forecast steps are read).
    /// </summary>
    public static CsvOptions CsvOptionsFor(Forecaster model, CsvOptions? overrides = null)
    {
        var spec = model.Spec;
        IReadOnlyList<string> columns = spec.SeriesIdColumn is not null || spec.ValueColumn is not null && spec.Series.Length == 1
            ? [spec.ValueColumn!]
            : [.. spec.Series.Select(s => s.Name)];
        return (overrides ?? new CsvOptions()) with
        {
            Columns = columns,
            SeriesId = spec.SeriesIdColumn,
            Features = spec.Features,
            KnownFuture = spec.KnownFuture,
            KeepTrailingMissing = true,
            // The history as the file has it, leading gaps filled from the first value: what the exported ONNX graph does
            // with the same rows (the fit starts a late series at its first value; a forecast reads only the recent rows).
            KeepLeadingMissing = true,
        };
    }

    /// <summary>See <see cref="Forecaster.Predict"/>.</summary>
    public static IReadOnlyList<Prediction> Predict(Forecaster model, SeriesSet data, int? horizon, double[]? quantiles)
    {
        var spec = model.Spec;
        int K = horizon ?? spec.Horizon;
        if (K < 1 || K > spec.Horizon)
            throw new ArgumentException($"--horizon must be in [1, {spec.Horizon}] (the model was trained for {spec.Horizon} steps), got {K}");
        quantiles ??= spec.Quantiles;
        var levelIndex = quantiles.Select(q => Array.FindIndex(spec.Quantiles, l => Math.Abs(l - q) < 1e-9)).ToArray();
        for (int i = 0; i < quantiles.Length; i++)
            if (levelIndex[i] < 0)
                throw new ArgumentException($"quantile {quantiles[i]} was not trained; the model has {string.Join(", ", spec.Quantiles)}");
        if (spec.Step is { } trained && data.Step is { } step &&
            Math.Abs(step.Approximate.TotalSeconds - trained.Approximate.TotalSeconds) > 0.1 * trained.Approximate.TotalSeconds)
            throw new InvalidDataException($"{data.Source}: rows are {step} apart, the model was trained on rows {trained} apart");

        int H = spec.Horizon;
        var predictions = new List<Prediction>();
        foreach (var s in data.Series)
        {
            var state = spec.For(s.Name);
            int n = Array.FindLastIndex(s.Values, v => !double.IsNaN(v)) + 1;
            if (n < spec.RowsNeeded)
                throw new InvalidDataException($"{data.Source}: series {Excerpt.Of(s.Name)}: {n} rows are too few: the model reads the last {spec.RowsNeeded} " +
                    (spec.RowsNeeded > spec.Lookback ? "(two seasons for the hybrid's Holt-Winters start)" : "(its lookback)"));
            if (spec.Calendar.Length > 0 && s.Dates is null)
                throw new InvalidDataException($"{data.Source}: the model uses calendar inputs ({string.Join(", ", spec.Calendar)}) but the file has no date column");
            var y = s.Take(n).Filled();

            // Inputs over the history and H future rows: past-only features padded with their last value (never read there),
            // known-future inputs from the rows after the history (the first K required; later steps repeat the last given).
            int F = spec.Features.Length;
            var inputs = new double[s.Inputs.Count][];
            for (int c = 0; c < s.Inputs.Count; c++)
            {
                var column = new double[n + H];
                var history = s.Inputs[c][..n].ToArray();
                if (history.Any(v => !double.IsNaN(v))) MissingValues.FillLinear(history);
                history.CopyTo(column, 0);
                for (int h = 0; h < H; h++)
                {
                    double v = n + h < s.Length ? s.Inputs[c][n + h] : double.NaN;
                    if (c >= F && double.IsNaN(v) && h < K && ForecastMethods.UsesNetwork(state.Method))
                        throw new InvalidDataException(
                            $"{data.Source}: series {Excerpt.Of(s.Name)}: the model reads the known-future column {Excerpt.Of(spec.KnownFuture[c - F])} at the forecast dates, " +
                            $"so the {K} row(s) after the last value must give it; step {h + 1} (row {n + h}) has none. Append the future rows with an empty value cell.");
                    column[n + h] = double.IsNaN(v) ? column[n + h - 1] : v;
                }
                inputs[c] = column;
            }
            DateTime[]? dates = null;
            if (s.Dates is not null)
            {
                var grid = spec.Step ?? data.Step;
                dates = new DateTime[n + H];
                for (int i = 0; i < n + H; i++)
                    dates[i] = i < s.Length ? s.Dates[i] : grid is not null ? grid.Add(s.Dates[n - 1], i - n + 1) : s.Dates[n - 1];
            }
            var forecast = model.ForecastSeries(state, y, inputs, dates, [n], actual: s.Take(n).Values, calibrateFrom: 0);
            // A fitted model never gets here (its forecasts were checked when it was saved), but a model file's weights or
            // scalings can be finite and still overflow: refuse rather than print ∞ or NaN as a forecast.
            if (forecast.Point.Take(K).Concat(levelIndex.SelectMany(k => forecast.Quantiles[k].Take(K))).Any(v => !double.IsFinite(v)))
                throw new InvalidDataException(
                    $"{data.Source}: series {Excerpt.Of(s.Name)}: the model's forecast is not finite (weights or scalings in the model file beyond what float arithmetic holds?)");
            predictions.Add(new Prediction(s.Name, state.Method, n, s.Take(n).Missing, forecast.Point[..K], quantiles,
                [.. levelIndex.Select(k => forecast.Quantiles[k][..K])], dates?[n..(n + K)]));
        }
        return predictions;
    }
}

using System.Globalization;
using System.Text;

namespace Recur.Forecasting;

/// <summary>
/// Every test forecast of an evaluation as CSV: <c>series,origin,step,date,actual,point,q0.1,…</c>, one row per series,
/// origin and step. <c>origin</c> is the 0-based row (within the series, in time order, after date regularisation) of the
/// first forecast value; <c>step</c> runs 1…H; <c>date</c> is the target's date (empty without dates); <c>actual</c> is empty
/// where the value is missing.
/// </summary>
public static class PredictionsFile
{
    /// <summary>The header for <paramref name="levels"/>.</summary>
    public static string Header(IEnumerable<double> levels) =>
        "series,origin,step,date,actual,point" + LevelColumns(levels);

    /// <summary>Writes <paramref name="evaluation"/> to <paramref name="path"/> atomically (<see cref="Recur.IO.AtomicFile"/>).</summary>
    public static void Write(string path, ForecastEvaluation evaluation)
    {
        var text = new StringBuilder(Header(evaluation.Levels)).Append('\n');
        int H = evaluation.Horizon;
        foreach (var s in evaluation.Series)
        {
            bool clock = HasClock(s.Dates);
            string name = Quote(s.Name);
            var f = s.Forecast;
            for (int i = 0; i < f.Origins.Length; i++)
                for (int h = 0; h < H; h++)
                {
                    int row = f.Origins[i] + h;
                    text.Append(name).Append(',').Append(f.Origins[i].ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append((h + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append(DateText(s.Dates, row, clock)).Append(',')
                        .Append(double.IsNaN(s.Actual[row]) ? "" : Num(s.Actual[row])).Append(',')
                        .Append(Num(f.Point[i * H + h]));
                    foreach (var q in f.Quantiles) text.Append(',').Append(Num(q[i * H + h]));
                    text.Append('\n');
                }
        }
        Recur.IO.AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// The forecasts of <c>recur predict</c> (<see cref="Forecaster.Predict"/>) as CSV: <c>series,step,date,point,q0.1,…</c>,
    /// one row per series and step after its last value; <c>date</c> empty without dates. Written atomically.
    /// </summary>
    public static void WriteForecasts(string path, IReadOnlyList<Prediction> predictions)
    {
        var text = new StringBuilder("series,step,date,point").Append(LevelColumns(predictions.Count > 0 ? predictions[0].Levels : [])).Append('\n');
        foreach (var p in predictions)
        {
            bool clock = HasClock(p.Dates);
            for (int h = 0; h < p.Values.Length; h++)
            {
                text.Append(Quote(p.Series)).Append(',').Append((h + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(DateText(p.Dates, h, clock)).Append(',').Append(Num(p.Values[h]));
                foreach (var q in p.Quantiles) text.Append(',').Append(Num(q[h]));
                text.Append('\n');
            }
        }
        Recur.IO.AtomicFile.WriteAllText(path, text.ToString());
    }

    // ",q0.1,q0.5,q0.9": one column per quantile level.
    private static string LevelColumns(IEnumerable<double> levels) =>
        string.Concat(levels.Select(l => ",q" + l.ToString("0.######", CultureInfo.InvariantCulture)));

    // Dates carry their time of day only when some date has one; no dates, an empty cell.
    private static bool HasClock(DateTime[]? dates) => dates is not null && dates.Any(d => d.TimeOfDay != TimeSpan.Zero);

    private static string DateText(DateTime[]? dates, int i, bool clock) =>
        dates is null ? "" : dates[i].ToString(clock ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}

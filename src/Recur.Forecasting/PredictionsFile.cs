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
        "series,origin,step,date,actual,point" + string.Concat(levels.Select(l => ",q" + l.ToString("0.######", CultureInfo.InvariantCulture)));

    /// <summary>Writes <paramref name="evaluation"/> to <paramref name="path"/> atomically (<see cref="Recur.IO.AtomicFile"/>).</summary>
    public static void Write(string path, ForecastEvaluation evaluation)
    {
        var text = new StringBuilder(Header(evaluation.Levels)).Append('\n');
        int H = evaluation.Horizon;
        foreach (var s in evaluation.Series)
        {
            bool clock = s.Dates is not null && s.Dates.Any(d => d.TimeOfDay != TimeSpan.Zero);
            string name = Quote(s.Name);
            var f = s.Forecast;
            for (int i = 0; i < f.Origins.Length; i++)
                for (int h = 0; h < H; h++)
                {
                    int row = f.Origins[i] + h;
                    text.Append(name).Append(',').Append(f.Origins[i].ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append((h + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append(s.Dates is null ? "" : s.Dates[row].ToString(clock ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
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
        var levels = predictions.Count > 0 ? predictions[0].Levels : [];
        var text = new StringBuilder("series,step,date,point")
            .Append(string.Concat(levels.Select(l => ",q" + l.ToString("0.######", CultureInfo.InvariantCulture)))).Append('\n');
        foreach (var p in predictions)
        {
            bool clock = p.Dates is not null && p.Dates.Any(d => d.TimeOfDay != TimeSpan.Zero);
            for (int h = 0; h < p.Values.Length; h++)
            {
                text.Append(Quote(p.Series)).Append(',').Append((h + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(p.Dates is null ? "" : p.Dates[h].ToString(clock ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd", CultureInfo.InvariantCulture))
                    .Append(',').Append(Num(p.Values[h]));
                foreach (var q in p.Quantiles) text.Append(',').Append(Num(q[h]));
                text.Append('\n');
            }
        }
        Recur.IO.AtomicFile.WriteAllText(path, text.ToString());
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}

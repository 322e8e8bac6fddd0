using System.Globalization;
using Recur.Forecasting;
using ScottPlot;

namespace Recur.Cli.Plots;

/// <summary>
/// The figure of <c>recur predict</c>: per series (the first <see cref="ForecastGridPlot.MaxPanels"/>), the end of its
/// history and the forecast after it, with the widest central interval shaded.
/// </summary>
internal static class PredictPlot
{
    /// <summary>Draws <paramref name="predictions"/> after their histories in <paramref name="data"/>; returns the full path.</summary>
    public static string Save(IReadOnlyList<Prediction> predictions, SeriesSet data, ForecastSpec spec, string path)
    {
        var shown = predictions.Take(ForecastGridPlot.MaxPanels).ToList();
        int columns = shown.Count == 1 ? 1 : Math.Min(3, shown.Count), rows = (shown.Count + columns - 1) / columns;
        var multiplot = new Multiplot();
        multiplot.AddPlots(shown.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (int k = 0; k < shown.Count; k++)
            Draw(multiplot.GetPlot(k), shown[k], data[shown[k].Series], spec.Lookback, spec.Step, legend: k == 0);
        return shown.Count == 1 ? PlotFile.SavePng(multiplot, path, 1100, 500) : PlotFile.SavePng(multiplot, path, 1400, 300 * rows);
    }

    private static void Draw(Plot plot, Prediction p, TimeSeries s, int lookback, DateStep? step, bool legend)
    {
        // The history ends at the last value; rows after it (known-future inputs) have none.
        int H = p.Values.Length, n = Math.Min(p.Rows, s.Length), from = Math.Max(0, n - Math.Max(lookback, 3 * H));
        var dates = s.Dates;
        double X(int row) => dates is null ? row : dates[row].ToOADate();
        double[] future = p.Dates is null ? [.. Enumerable.Range(n, H).Select(i => (double)i)] : [.. p.Dates.Select(d => d.ToOADate())];

        var rowsShown = Enumerable.Range(from, n - from).Where(i => !double.IsNaN(s.Values[i])).ToArray();
        ForecastPlot.AddHistory(plot, rowsShown.Select(X).ToArray(), rowsShown.Select(i => s.Values[i]).ToArray(), legend ? "history" : null);
        var (lo, hi) = ForecastPlot.CentralPair(p.Levels);
        ForecastPlot.AddForecast(plot, future, p.Values, p.Levels, lo, hi, lo >= 0 ? p.Quantiles[lo] : null, lo >= 0 ? p.Quantiles[hi] : null,
            legend ? $"forecast ({p.Method})" : null, legend);
        if (dates is not null) ForecastPlot.DateTicks(plot, step);
        string after = dates is null || n == 0 ? $"row {n}" : dates[n - 1].ToString(dates.Any(d => d.TimeOfDay != TimeSpan.Zero) ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd", CultureInfo.InvariantCulture);
        plot.Title($"{p.Series}: the next {H} steps after {after}", size: 12);
        if (legend) plot.ShowLegend(Alignment.UpperLeft);
    }
}

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
    public static string Save(IReadOnlyList<Prediction> predictions, SeriesSet data, int lookback, string path)
    {
        var shown = predictions.Take(ForecastGridPlot.MaxPanels).ToList();
        int columns = shown.Count == 1 ? 1 : Math.Min(3, shown.Count), rows = (shown.Count + columns - 1) / columns;
        var multiplot = new Multiplot();
        multiplot.AddPlots(shown.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (int k = 0; k < shown.Count; k++)
            Draw(multiplot.GetPlot(k), shown[k], data[shown[k].Series], lookback, legend: k == 0);
        return shown.Count == 1 ? PlotFile.SavePng(multiplot, path, 1100, 500) : PlotFile.SavePng(multiplot, path, 1400, 300 * rows);
    }

    private static void Draw(Plot plot, Prediction p, TimeSeries s, int lookback, bool legend)
    {
        // The history ends at the last value; rows after it (known-future inputs) have none.
        int H = p.Values.Length, n = Math.Min(p.Rows, s.Length), from = Math.Max(0, n - Math.Max(lookback, 3 * H));
        var dates = s.Dates;
        double X(int row) => dates is null ? row : dates[row].ToOADate();
        double[] future = p.Dates is null ? [.. Enumerable.Range(n, H).Select(i => (double)i)] : [.. p.Dates.Select(d => d.ToOADate())];

        var rowsShown = Enumerable.Range(from, n - from).Where(i => !double.IsNaN(s.Values[i])).ToArray();
        var history = plot.Add.ScatterLine(rowsShown.Select(X).ToArray(), rowsShown.Select(i => s.Values[i]).ToArray());
        history.Color = Colors.Black;
        history.LineWidth = 1.5f;
        history.MarkerSize = 0;
        if (legend) history.LegendText = "history";
        int lo = Array.FindIndex(p.Levels, l => l < 0.5 && p.Levels.Any(m => Math.Abs(m - (1 - l)) < 1e-9));
        if (lo >= 0)
        {
            int hi = Array.FindIndex(p.Levels, m => Math.Abs(m - (1 - p.Levels[lo])) < 1e-9);
            var band = plot.Add.FillY(future, p.Quantiles[lo], p.Quantiles[hi]);
            band.FillColor = Colors.C1.WithAlpha(0.25);
            band.LineColor = Colors.Transparent;
            if (legend) band.LegendText = $"{1 - 2 * p.Levels[lo]:P0} interval (q{ForecastPlot.F(p.Levels[lo])}–q{ForecastPlot.F(p.Levels[hi])})";
        }
        var forecast = plot.Add.ScatterLine(future, p.Values);
        forecast.Color = Colors.C1;
        forecast.LineWidth = 2;
        forecast.MarkerSize = 5;
        if (legend) forecast.LegendText = $"forecast ({p.Method})";
        if (dates is not null)
        {
            var axis = plot.Axes.DateTimeTicksBottom();
            bool clock = dates.Any(d => d.TimeOfDay != TimeSpan.Zero);
            if (axis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
                ticks.LabelFormatter = d => d.ToString(clock ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        string after = dates is null || n == 0 ? $"row {n}" : dates[n - 1].ToString(dates.Any(d => d.TimeOfDay != TimeSpan.Zero) ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd", CultureInfo.InvariantCulture);
        plot.Title($"{p.Series}: the next {H} steps after {after}", size: 12);
        if (legend) plot.ShowLegend(Alignment.UpperLeft);
    }
}

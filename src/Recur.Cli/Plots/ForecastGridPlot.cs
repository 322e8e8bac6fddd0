using Recur.Forecasting;
using ScottPlot;

namespace Recur.Cli.Plots;

/// <summary>
/// The overview of a global model's series: one small panel per series (the first <see cref="MaxPanels"/>) with its
/// tail, the forecasts from the last two test origins and their interval, and its test MASE beside the best
/// baseline's — to see at a glance which series the model serves well, which the main figure (the first series) cannot.
/// </summary>
internal static class ForecastGridPlot
{
    /// <summary>Most panels drawn (a 4 × 3 grid); the rest are in the tables and the predictions file.</summary>
    public const int MaxPanels = 12;

    /// <summary>The overview's path beside the main figure's: forecast.png → forecast-series.png.</summary>
    public static string PathBeside(string plotPath)
    {
        string dir = Path.GetDirectoryName(plotPath) ?? "", stem = Path.GetFileNameWithoutExtension(plotPath);
        string ext = Path.GetExtension(plotPath);
        return Path.Combine(dir, $"{stem}-series{(ext.Length > 0 ? ext : ".png")}");
    }

    /// <summary>Draws the panels of <paramref name="r"/>'s series to a PNG at <paramref name="path"/>; returns the full path.</summary>
    public static string Save(ForecastResult r, string path)
    {
        var spec = r.Model.Spec;
        var series = r.Evaluation.Series.Take(MaxPanels).ToList();
        int columns = Math.Min(3, series.Count), rows = (series.Count + columns - 1) / columns;
        var multiplot = new Multiplot();
        multiplot.AddPlots(series.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (int k = 0; k < series.Count; k++)
        {
            var s = series[k];
            var plot = multiplot.GetPlot(k);
            ForecastPlot.DrawTail(plot, spec, s, r.Splits[s.Name], count: 2, legend: false);
            var best = s.Baselines[s.BestBaseline].Mase;
            string mark = s.Model.Mase < best ? "below" : "above";
            plot.Title($"{s.Name}: MASE {ForecastPlot.F(s.Model.Mase)} ({mark} {s.BestBaseline} {ForecastPlot.F(best)})", size: 12);
        }
        return PlotFile.SavePng(multiplot, path, 1400, 300 * rows);
    }
}

using System.Globalization;
using Recur.Forecasting;
using ScottPlot;

namespace Recur.Cli.Plots;

/// <summary>
/// The forecast figure for the first series: on top its tail with the forecasts from the last few test origins
/// (non-overlapping, so each is readable) and the widest central interval shaded; below, test RMSE by horizon step
/// for the model and every baseline.
/// </summary>
internal static class ForecastPlot
{
    /// <summary>How many of the last test origins are drawn.</summary>
    private const int Shown = 4;

    /// <summary>Draws <paramref name="r"/> to a PNG at <paramref name="path"/>; returns the full path.</summary>
    public static string Save(ForecastResult r, string path)
    {
        var spec = r.Model.Spec;
        var s = r.Evaluation.Series[0];
        int H = spec.Horizon;
        var origins = s.Forecast.Origins;

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var tail = multiplot.GetPlot(0);
        int lo = DrawTail(tail, spec, s, r.Splits[s.Name], Shown, legend: true);
        string coverage = s.ModelQuantiles is { } q && lo >= 0 ? $", interval coverage {q.Coverage[spec.Quantiles[lo]]:P0}" : "";
        tail.Title($"{s.Name}: lookback {spec.Lookback}, horizon {H}; test MASE model {F(s.Model.Mase)}, best baseline ({s.BestBaseline}) " +
                   $"{F(s.Baselines[s.BestBaseline].Mase)}{coverage}");
        tail.YLabel(s.Name);
        tail.ShowLegend(Alignment.UpperLeft);

        var steps = multiplot.GetPlot(1);
        var hs = Enumerable.Range(1, H).Select(h => (double)h).ToArray();
        var lines = new List<(string, PointScores)> { ($"model ({s.Method})", s.Model) };
        lines.AddRange(s.Baselines.Select(b => (b.Key, b.Value)));
        var palette = new[] { Colors.C1, Colors.C0, Colors.C2, Colors.C3, Colors.C4, Colors.C5 };
        for (int k = 0; k < lines.Count; k++)
        {
            var (name, errors) = lines[k];
            var line = steps.Add.Scatter(hs, errors.RmseByStep, palette[k % palette.Length]);
            line.LegendText = $"{name}: RMSE {F(errors.Rmse)}";
            line.MarkerSize = H > 48 ? 0 : 6;
            if (k == 0) line.LineWidth = 3;
        }
        steps.Title($"test RMSE by horizon step, over {origins.Length} origins");
        steps.XLabel("steps ahead");
        steps.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        steps.YLabel($"RMSE ({s.Name})");
        steps.Axes.SetLimitsY(0, 1.1 * lines.Max(l => l.Item2.RmseByStep.Where(double.IsFinite).DefaultIfEmpty(1).Max()));
        steps.ShowLegend(Alignment.UpperLeft);
        return PlotFile.SavePng(multiplot, path, 1100, 900);
    }

    /// <summary>
    /// Draws the tail of series <paramref name="s"/> into <paramref name="plot"/>: the truth, where the test part begins,
    /// and the forecasts from the last <paramref name="count"/> non-overlapping test origins with the widest central
    /// interval shaded. Returns the index of the interval's lower level (−1 without a central pair).
    /// </summary>
    internal static int DrawTail(Plot plot, ForecastSpec spec, SeriesEvaluation s, ForecastSplit split, int count, bool legend)
    {
        var y = s.Actual;
        var dates = s.Dates;
        int H = spec.Horizon, n = y.Length;
        var origins = s.Forecast.Origins;

        // The last origin, then every H steps back, while still in the test origins.
        var shown = new List<int>();
        for (int i = origins.Length - 1; i >= 0 && shown.Count < count; i -= H) shown.Add(i);
        shown.Reverse();
        int from = Math.Max(0, origins[shown[0]] - Math.Max(spec.Lookback, 3 * H));
        double X(int row) => dates is null ? row : dates[row].ToOADate();

        var (lo, hi) = CentralPair(spec.Quantiles);
        var xs0 = Enumerable.Range(from, n - from).Where(i => !double.IsNaN(y[i])).ToArray();
        AddHistory(plot, xs0.Select(X).ToArray(), xs0.Select(i => y[i]).ToArray(), legend ? $"{s.Name} (truth)" : null);
        if (split.ValidationEnd >= from)
        {
            var testStart = plot.Add.VerticalLine(X(split.ValidationEnd), 1, Colors.Gray, LinePattern.Dotted);
            if (legend) testStart.LegendText = "test part begins";
        }
        for (int k = 0; k < shown.Count; k++)
        {
            int i = shown[k], t = origins[i];
            var steps = (i * H)..((i + 1) * H);
            bool labelled = legend && k == 0;
            AddForecast(plot, [.. Enumerable.Range(t, H).Select(X)], s.Forecast.Point[steps], spec.Quantiles, lo, hi,
                lo >= 0 ? s.Forecast.Quantiles[lo][steps] : null, lo >= 0 ? s.Forecast.Quantiles[hi][steps] : null,
                labelled ? $"forecast ({s.Method}) from the last {shown.Count} test origins" : null, labelled);
        }
        if (dates is not null) DateTicks(plot, spec.Step);
        return lo;
    }

    /// <summary>The widest central interval among <paramref name="levels"/>: the lowest level below 0.5 whose mirror 1 − τ is a level too, and that mirror; (−1, −1) if none.</summary>
    internal static (int Lo, int Hi) CentralPair(double[] levels)
    {
        for (int k = 0; k < levels.Length; k++)
        {
            int mirror = Array.FindIndex(levels, l => Math.Abs(l - (1 - levels[k])) < 1e-9);
            if (levels[k] < 0.5 && mirror >= 0) return (k, mirror);
        }
        return (-1, -1);
    }

    /// <summary>The observed values: a thin black line.</summary>
    internal static void AddHistory(Plot plot, double[] xs, double[] ys, string? label)
    {
        var line = plot.Add.ScatterLine(xs, ys);
        line.Color = Colors.Black;
        line.LineWidth = 1.5f;
        line.MarkerSize = 0;
        if (label is not null) line.LegendText = label;
    }

    /// <summary>
    /// One forecast: its interval (levels <paramref name="lo"/>–<paramref name="hi"/> of <paramref name="levels"/>, values
    /// <paramref name="lower"/>–<paramref name="upper"/>; none when <paramref name="lower"/> is null) shaded, and the point
    /// forecast over it; <paramref name="label"/> names the line and <paramref name="labelBand"/> names the band in the legend.
    /// </summary>
    internal static void AddForecast(Plot plot, double[] xs, double[] point, double[] levels, int lo, int hi, double[]? lower, double[]? upper,
        string? label, bool labelBand)
    {
        if (lower is not null && upper is not null)
        {
            var band = plot.Add.FillY(xs, lower, upper);
            band.FillColor = Colors.C1.WithAlpha(0.25);
            band.LineColor = Colors.Transparent;
            if (labelBand) band.LegendText = $"{1 - 2 * levels[lo]:P0} interval (q{F(levels[lo])}–q{F(levels[hi])})";
        }
        var forecast = plot.Add.ScatterLine(xs, point);
        forecast.Color = Colors.C1;
        forecast.LineWidth = 2;
        forecast.MarkerSize = 5;
        if (label is not null) forecast.LegendText = label;
    }

    /// <summary>Date ticks on the bottom axis, as precise as the data's step: with the time of day under a day, months from a month up.</summary>
    internal static void DateTicks(Plot plot, DateStep? step)
    {
        string format = step is { } st && st.Approximate < TimeSpan.FromDays(1) ? "yyyy-MM-dd HH:mm"
            : step is { } month && month.Approximate >= TimeSpan.FromDays(28) ? "yyyy-MM" : "yyyy-MM-dd";
        var axis = plot.Axes.DateTimeTicksBottom();
        if (axis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
            ticks.LabelFormatter = d => d.ToString(format, CultureInfo.InvariantCulture);
    }

    internal static string F(double v) => Figures.Value(v);
}

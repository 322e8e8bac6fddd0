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

        // The widest central interval: the lowest level and its mirror.
        int lo = -1, hi = -1;
        for (int k = 0; k < spec.Quantiles.Length && lo < 0; k++)
        {
            int mirror = Array.FindIndex(spec.Quantiles, l => Math.Abs(l - (1 - spec.Quantiles[k])) < 1e-9);
            if (spec.Quantiles[k] < 0.5 && mirror >= 0) (lo, hi) = (k, mirror);
        }

        var xs0 = Enumerable.Range(from, n - from).Where(i => !double.IsNaN(y[i])).ToArray();
        var truth = plot.Add.ScatterLine(xs0.Select(X).ToArray(), xs0.Select(i => y[i]).ToArray());
        truth.Color = Colors.Black;
        truth.LineWidth = 1.5f;
        truth.MarkerSize = 0;
        if (legend) truth.LegendText = $"{s.Name} (truth)";
        if (split.ValidationEnd >= from)
        {
            var testStart = plot.Add.VerticalLine(X(split.ValidationEnd), 1, Colors.Gray, LinePattern.Dotted);
            if (legend) testStart.LegendText = "test part begins";
        }
        for (int k = 0; k < shown.Count; k++)
        {
            int i = shown[k], t = origins[i];
            var xs = Enumerable.Range(t, H).Select(X).ToArray();
            if (lo >= 0)
            {
                var band = plot.Add.FillY(xs, s.Forecast.Quantiles[lo][(i * H)..((i + 1) * H)], s.Forecast.Quantiles[hi][(i * H)..((i + 1) * H)]);
                band.FillColor = Colors.C1.WithAlpha(0.25);
                band.LineColor = Colors.Transparent;
                if (legend && k == 0) band.LegendText = $"{1 - 2 * spec.Quantiles[lo]:P0} interval (q{F(spec.Quantiles[lo])}–q{F(spec.Quantiles[hi])})";
            }
            var forecast = plot.Add.ScatterLine(xs, s.Forecast.Point[(i * H)..((i + 1) * H)]);
            forecast.Color = Colors.C1;
            forecast.LineWidth = 2;
            forecast.MarkerSize = 5;
            if (legend && k == 0) forecast.LegendText = $"forecast ({s.Method}) from the last {shown.Count} test origins";
        }
        if (dates is not null)
        {
            string format = spec.Step is { } st && st.Approximate < TimeSpan.FromDays(1) ? "yyyy-MM-dd HH:mm"
                : spec.Step is { } month && month.Approximate >= TimeSpan.FromDays(28) ? "yyyy-MM" : "yyyy-MM-dd";
            var axis = plot.Axes.DateTimeTicksBottom();
            if (axis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
                ticks.LabelFormatter = d => d.ToString(format, CultureInfo.InvariantCulture);
        }
        return lo;
    }

    internal static string F(double v) => Figures.Value(v);
}

using System.Globalization;
using Recur.Forecasting;
using ScottPlot;

namespace Recur.Cli.Plots;

/// <summary>
/// The forecast figure: on top the series' tail with the model's forecasts from the last few test origins
/// (non-overlapping, so each is readable); below, test RMSE by horizon step for the model and both baselines.
/// </summary>
internal static class ForecastPlot
{
    /// <summary>How many of the last test origins are drawn.</summary>
    private const int Shown = 4;

    public static string Save(ForecastReport r, string path)
    {
        var spec = r.Plan.Spec;
        var y = r.Plan.Series.Target.Values;
        var dates = r.Plan.Series.Dates?.Values;
        int H = spec.Horizon, n = y.Length;
        var origins = r.Plan.TestOrigins;

        // The last origin, then every H steps back, while still in the test origins.
        var shown = new List<int>();
        for (int i = origins.Length - 1; i >= 0 && shown.Count < Shown; i -= H) shown.Add(i);
        shown.Reverse();
        int from = Math.Max(0, origins[shown[0]] - Math.Max(spec.Lookback, 3 * H));
        double X(int row) => dates is null ? row : dates[row].ToOADate();

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var tail = multiplot.GetPlot(0);
        var truth = tail.Add.ScatterLine(Enumerable.Range(from, n - from).Select(X).ToArray(), y[from..]);
        truth.Color = Colors.Black;
        truth.LineWidth = 1.5f;
        truth.MarkerSize = 0;
        truth.LegendText = $"{spec.Column} (truth)";
        var testStart = tail.Add.VerticalLine(X(r.Plan.Split.ValidationEnd), 1, Colors.Gray, LinePattern.Dotted);
        testStart.LegendText = "test part begins";
        if (r.Plan.Split.ValidationEnd < from) tail.Remove(testStart);
        for (int k = 0; k < shown.Count; k++)
        {
            int i = shown[k], t = origins[i];
            var xs = Enumerable.Range(t, H).Select(X).ToArray();
            var forecast = tail.Add.ScatterLine(xs, r.ModelForecasts[(i * H)..((i + 1) * H)]);
            forecast.Color = Colors.C1;
            forecast.LineWidth = 2;
            forecast.MarkerSize = 5;
            if (k == 0) forecast.LegendText = $"model forecast from the last {shown.Count} test origins";
            var origin = tail.Add.ScatterPoints(new[] { X(t - 1) }, new[] { y[t - 1] });
            origin.Color = Colors.C1;
            origin.MarkerShape = MarkerShape.OpenCircle;
            origin.MarkerSize = 9;
        }
        if (dates is not null)
        {
            string format = r.Plan.Frequency.Step < TimeSpan.FromDays(1) ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd";
            var axis = tail.Axes.DateTimeTicksBottom();
            if (axis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
                ticks.LabelFormatter = d => d.ToString(format, CultureInfo.InvariantCulture);
        }
        tail.Title($"{spec.Column}: lookback {spec.Lookback}, horizon {H}; test RMSE model {F(r.ModelErrors.Rmse)}, " +
                   $"persistence {F(r.PersistenceErrors.Rmse)}, seasonal naive {F(r.SeasonalErrors.Rmse)}");
        tail.YLabel(spec.Column);
        tail.ShowLegend(Alignment.UpperLeft);

        var steps = multiplot.GetPlot(1);
        var hs = Enumerable.Range(1, H).Select(h => (double)h).ToArray();
        foreach (var (name, errors, color) in new[]
                 {
                     ($"model ({spec.Cell})", r.ModelErrors, Colors.C1),
                     ("persistence", r.PersistenceErrors, Colors.C0),
                     ($"seasonal naive (S={spec.Season})", r.SeasonalErrors, Colors.C2),
                 })
        {
            var line = steps.Add.Scatter(hs, errors.RmseByStep, color);
            line.LegendText = $"{name}: RMSE {F(errors.Rmse)}";
            line.MarkerSize = H > 48 ? 0 : 6;
        }
        steps.Title($"test RMSE by horizon step, over {r.ModelErrors.Origins} origins");
        steps.XLabel("steps ahead");
        steps.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        steps.YLabel($"RMSE ({spec.Column})");
        steps.Axes.SetLimitsY(0, 1.1 * new[] { r.ModelErrors, r.PersistenceErrors, r.SeasonalErrors }.Max(e => e.RmseByStep.Max()));
        steps.ShowLegend(Alignment.UpperLeft);
        return PlotFile.SavePng(multiplot, path, 1100, 900);
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}

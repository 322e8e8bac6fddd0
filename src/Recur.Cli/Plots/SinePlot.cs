using Recur.Cli.Sine;
using ScottPlot;

namespace Recur.Cli.Plots;

/// <summary>The seed's figure: the input points as scatter + line, the generated points as scatter (and the true curve, faint).</summary>
internal static class SinePlot
{
    public static string Save(SineResult r, string cell, string path)
    {
        var plt = new Plot();
        int n = r.Predictions.Length;
        var tIn = r.TimeSteps[..n].Select(v => (double)v).ToArray();
        var tOut = r.TimeSteps[1..].Select(v => (double)v).ToArray();
        var xs = r.Inputs.Select(v => (double)v).ToArray();

        var truth = plt.Add.ScatterLine(tOut, r.Truth.Select(v => (double)v).ToArray());
        truth.Color = Colors.Gray.WithAlpha(0.5);
        truth.LinePattern = LinePattern.Dashed;
        truth.LegendText = "true sin(t)";

        var points = plt.Add.ScatterPoints(tIn, xs);
        points.MarkerSize = 10;
        points.Color = Colors.C0;
        points.LegendText = "input x (seen by the model at step 0 only)";
        var line = plt.Add.ScatterLine(tIn, xs);
        line.Color = Colors.C0;

        var gen = plt.Add.ScatterPoints(tOut, r.Predictions.Select(v => (double)v).ToArray());
        gen.MarkerSize = 7;
        gen.Color = Colors.C1;
        gen.LegendText = "generated (each prediction fed back in)";

        plt.Title($"{cell.ToUpperInvariant()}(1→hidden) + Linear: {r.Iterations} iterations, final loss {r.FinalLoss:0.0e+0}, generation RMSE {r.GenerationRmse:0.000}");
        plt.XLabel("t");
        plt.YLabel("sin(t)");
        plt.ShowLegend(Alignment.LowerLeft);
        return PlotFile.SavePng(plt, path, 1000, 560);
    }
}

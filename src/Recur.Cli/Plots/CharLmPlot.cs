using Recur.Text;
using ScottPlot;

namespace Recur.Cli.Plots;

/// <summary>The loss curve of a char-LM run: training loss per reporting interval and every validation pass, nats per character.</summary>
internal static class CharLmPlot
{
    /// <summary>Writes the figure to <paramref name="path"/> (PNG) and returns its full path.</summary>
    public static string Save(CharLmTrainResult r, string title, string path)
    {
        var plt = new Plot();
        if (r.TrainCurve.Count > 0)
        {
            var train = plt.Add.ScatterLine(r.TrainCurve.Select(p => (double)p.Step).ToArray(), r.TrainCurve.Select(p => p.Loss).ToArray());
            train.Color = Colors.C0;
            train.LineWidth = 1.5f;
            train.LegendText = "training loss (mean over the interval)";
        }
        if (r.ValidationCurve.Count > 0)
        {
            var val = plt.Add.Scatter(r.ValidationCurve.Select(p => (double)p.Step).ToArray(), r.ValidationCurve.Select(p => p.Loss).ToArray());
            val.Color = Colors.C1;
            val.LineWidth = 2;
            val.MarkerSize = 8;
            val.LegendText = $"validation loss (one stream), best {r.BestValidation:0.0000}";
        }
        plt.Title(title);
        plt.XLabel("step");
        plt.YLabel("cross-entropy, nats per character");
        plt.ShowLegend(Alignment.UpperRight);
        return PlotFile.SavePng(plt, path, 1000, 560);
    }
}

using Recur.IO;
using ScottPlot;

namespace Recur.Cli.Plots;

/// <summary>Saves a ScottPlot figure as PNG through <see cref="AtomicFile"/>: the old figure or the new, never half of one.</summary>
internal static class PlotFile
{
    public static string SavePng(ScottPlot.Plot plot, string path, int width, int height) =>
        Save(path, () => plot.GetImageBytes(width, height, ImageFormat.Png));

    /// <summary>Several plots in one figure (e.g. stacked rows).</summary>
    public static string SavePng(ScottPlot.Multiplot plots, string path, int width, int height) =>
        Save(path, () =>
        {
            using var image = plots.Render(width, height);
            return image.GetImageBytes(ImageFormat.Png);
        });

    private static string Save(string path, Func<byte[]> render)
    {
        // Checked before the work by every command; again here, in case the folder went away while it trained.
        OutputPath.Check(path, "--plot");
        var full = Path.GetFullPath(path);
        AtomicFile.WriteAllBytes(full, render());
        return full;
    }
}

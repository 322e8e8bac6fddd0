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
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot write plot {path}: folder {dir} does not exist");
        AtomicFile.WriteAllBytes(full, render());
        return full;
    }
}

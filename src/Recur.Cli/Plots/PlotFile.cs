using ScottPlot;

namespace Recur.Cli.Plots;

/// <summary>Saves a ScottPlot figure as PNG atomically: a temporary file in the same folder, then a rename.</summary>
internal static class PlotFile
{
    public static string SavePng(ScottPlot.Plot plot, string path, int width, int height) =>
        Save(path, tmp => plot.SavePng(tmp, width, height));

    /// <summary>Several plots in one figure (e.g. stacked rows).</summary>
    public static string SavePng(ScottPlot.Multiplot plots, string path, int width, int height) =>
        Save(path, tmp => plots.SavePng(tmp, width, height));

    private static string Save(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot write plot {path}: folder {dir} does not exist");
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp.png");
        try
        {
            write(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
        return full;
    }
}

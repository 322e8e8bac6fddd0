using Recur.Forecasting;

namespace Recur.Cli;

/// <summary>
/// Checks a file a command will write, before the work that produces it: a training run must not end in "folder does not
/// exist" minutes later.
/// </summary>
internal static class OutputPath
{
    /// <summary>Throws when <paramref name="path"/> (given by <paramref name="option"/>) cannot be written as a file.</summary>
    /// <exception cref="DirectoryNotFoundException">Its folder does not exist.</exception>
    /// <exception cref="IOException">It is a folder.</exception>
    public static void Check(string path, string option)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"{option} {Excerpt.Of(path)}: folder {Excerpt.Of(dir)} does not exist");
        if (Directory.Exists(full))
            throw new IOException($"{option} {Excerpt.Of(path)} is a folder: give a file name");
    }
}
